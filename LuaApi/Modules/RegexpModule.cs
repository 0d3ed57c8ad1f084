using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// <c>rspamd{regexp}</c> objects (rspamd_regexp.lua): .NET regular expressions compiled from rspamd's pattern syntax,
/// <c>re</c> or <c>/re/flags</c>. A regexp userdata holds an id into this module; its <c>__gc</c> forgets it.
/// </summary>
/// <remarks>
/// Subjects and patterns are read byte for byte (Latin-1), as rspamd's default matching is on bytes; .NET's
/// backtracking syntax covers what rspamd's scanners and most plugins write (PCRE's possessive quantifiers and
/// <c>\K</c> do not exist there, and make the pattern fail to compile). A match is bounded by
/// <see cref="MatchTimeout"/> so a pathological pattern cannot hold the Lua thread; a timed-out match does not match.
/// </remarks>
internal sealed unsafe class RegexpModule : ILuaModule
{
    /// <summary>The metatable name, as rspamd names it.</summary>
    public const string MetatableName = "rspamd{regexp}";

    /// <summary>Longest one match may take.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Most strings one <c>search</c> returns (a pattern matching every byte of a large body would copy it all).</summary>
    public const int MaxSearchResults = 10_000;

    private static ReadOnlySpan<byte> MetatableNameZ => "rspamd{regexp}\0"u8;

    private readonly Dictionary<long, Regex> _regexps = new();
    private long _nextId;

    public IReadOnlyList<string> LuaChunks => ["rspamd_regexp.lua"];

    public void RegisterRawFunctions(IntPtr L)
    {
        luaL_newmetatable(L, MetatableName);
        PushFunction(L, &Gc);
        lua_setfield(L, -2, "__gc");
        lua_setfield(L, -2, "regexp_mt");
        SetFunction(L, "regexp_new", &New);
        SetFunction(L, "regexp_match", &Match);
        SetFunction(L, "regexp_search", &Search);
    }

    public void Dispose() => _regexps.Clear();

    /// <summary>
    /// rspamd's pattern syntax: <c>/re/flags</c> (flags i, m, s, x; rspamd's others only tune its engines) or the
    /// bare expression. Null with <paramref name="error"/> when it does not compile.
    /// </summary>
    internal static Regex? Compile(string pattern, out string? error)
    {
        error = null;
        var expression = pattern;
        var options = RegexOptions.CultureInvariant;
        var close = pattern.LastIndexOf('/');
        if (pattern.Length >= 2 && pattern[0] == '/' && close > 0)
        {
            expression = pattern[1..close];
            foreach (var flag in pattern[(close + 1)..])
                options |= flag switch
                {
                    'i' => RegexOptions.IgnoreCase,
                    'm' => RegexOptions.Multiline,
                    's' => RegexOptions.Singleline,
                    'x' => RegexOptions.IgnorePatternWhitespace,
                    _ => RegexOptions.None,
                };
        }
        try
        {
            return new Regex(expression, options, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return null;
        }
    }

    // raw.regexp_new(pattern) -> true, regexp | true, nil, error
    private static int New(IntPtr L)
    {
        try
        {
            if (lua_type(L, 1) != LUA_TSTRING) return HostFunction.Error(L, $"bad argument #1 (string expected, got {TypeName(L, 1)})");
            var pattern = Encoding.Latin1.GetString(ToBytes(L, 1));
            var regex = Compile(pattern, out var error);
            lua_pushboolean(L, 1);
            if (regex is null)
            {
                lua_pushnil(L);
                PushText(L, error!);
                return 3;
            }
            var module = LuaRuntime.Of(L).Module<RegexpModule>();
            var id = ++module._nextId;
            module._regexps[id] = regex;
            *(long*)lua_newuserdatauv(L, sizeof(long), 0) = id;
            luaL_setmetatable(L, MetatableName);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.regexp_match(regexp, subject) -> true, matched
    private static int Match(IntPtr L)
    {
        try
        {
            if (Arguments(L, "match", out var regex, out var subject) is { } bad) return bad;
            lua_pushboolean(L, 1);
            lua_pushboolean(L, Bounded(L, () => regex.IsMatch(subject)) ? 1 : 0);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // raw.regexp_search(regexp, subject) -> true, {match...} | true, false
    private static int Search(IntPtr L)
    {
        try
        {
            if (Arguments(L, "search", out var regex, out var subject) is { } bad) return bad;
            var found = Bounded(L, () => AllMatches(regex, subject)) ?? [];
            lua_pushboolean(L, 1);
            if (found.Length == 0)
            {
                lua_pushboolean(L, 0);
                return 2;
            }
            lua_createtable(L, found.Length, 0);
            for (var i = 0; i < found.Length; i++)
            {
                PushBytes(L, Encoding.Latin1.GetBytes(found[i]));
                lua_rawseti(L, -2, i + 1);
            }
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary>
    /// The matched strings, at most <see cref="MaxSearchResults"/>. <see cref="MatchTimeout"/> bounds each match, so the
    /// whole search is bounded here too: past it, the search gives up as a single match would.
    /// </summary>
    private static string[] AllMatches(Regex regex, string subject)
    {
        var started = Stopwatch.GetTimestamp();
        var found = new List<string>();
        for (var match = regex.Match(subject); match.Success && found.Count < MaxSearchResults; match = match.NextMatch())
        {
            found.Add(match.Value);
            if (Stopwatch.GetElapsedTime(started) > MatchTimeout)
                throw new RegexMatchTimeoutException(string.Empty, regex.ToString(), MatchTimeout);
        }
        return [.. found];
    }

    private static int? Arguments(IntPtr L, string function, out Regex regex, out string subject)
    {
        regex = null!;
        subject = "";
        var block = (long*)TestUdata(L, 1, MetatableNameZ);
        if (block is null || !LuaRuntime.Of(L).Module<RegexpModule>()._regexps.TryGetValue(*block, out regex!))
            return HostFunction.Error(L, $"bad argument #1 to '{function}' (rspamd{{regexp}} expected)");
        if (!TextObjects.TryGetStringOrText(L, 2, out var bytes))
            return HostFunction.Error(L, $"bad argument #2 to '{function}' (string or rspamd{{text}} expected, got {TypeName(L, 2)})");
        subject = Encoding.Latin1.GetString(bytes);
        return null;
    }

    /// <summary>Runs a match; a timeout is logged and counts as no match.</summary>
    private static T? Bounded<T>(IntPtr L, Func<T> match)
    {
        try
        {
            return match();
        }
        catch (RegexMatchTimeoutException e)
        {
            LuaRuntime.Of(L).Log.Warning($"rspamd_regexp: match of /{e.Pattern}/ gave up after {e.MatchTimeout.TotalSeconds:0.#} s");
            return default;
        }
    }

    private static int Gc(IntPtr L)
    {
        try
        {
            var block = (long*)TestUdata(L, 1, MetatableNameZ);
            if (block is not null) LuaRuntime.Of(L).Module<RegexpModule>()._regexps.Remove(*block);
            return 0;
        }
        catch
        {
            // A finalizer has nowhere to report to, and must not throw into Lua.
            return 0;
        }
    }
}
