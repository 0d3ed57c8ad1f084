using System.Diagnostics;
using System.Globalization;
using System.Text;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// <c>rspamd_logger</c> and <c>rspamd_util</c> (rspamd_logger.lua, rspamd_util.lua): the raw functions behind them.
/// Formatting (<c>%s</c>, <c>%N</c>, tables, escaping) is Lua; the host only writes lines, reads clocks, formats floats
/// the way rspamd does and reads metatables past a <c>__metatable</c> field.
/// </summary>
/// <remarks>
/// None of these raise or yield (docs/architecture.md#the-lua-boundary); they follow <see cref="HostFunction"/>'s convention and never fail on
/// an argument: a wrong one gives <c>true</c> and an empty or default answer.
/// </remarks>
internal sealed unsafe class LoggerModule : ILuaModule
{
    public IReadOnlyList<string> LuaChunks => ["rspamd_logger.lua", "rspamd_util.lua"];

    public void RegisterRawFunctions(IntPtr L)
    {
        SetFunction(L, "log", &Log);
        SetFunction(L, "log_number", &LogNumber);
        SetFunction(L, "log_metatable", &LogMetatable);
        SetFunction(L, "util_time", &UtilTime);
        SetFunction(L, "util_ticks", &UtilTicks);
        SetFunction(L, "util_time_string", &UtilTimeString);
        SetFunction(L, "util_hostname", &UtilHostname);
    }

    public void Dispose() { }

    /// <summary>
    /// <c>log(level, text)</c>: one line to the host log; level <c>error</c>, <c>warning</c>, <c>debug</c>, else info.
    /// </summary>
    private static int Log(IntPtr L)
    {
        try
        {
            var log = LuaRuntime.Of(L).Log;
            var text = ToText(L, 2) ?? "";
            switch (ToText(L, 1))
            {
                case "error": log.Error(text); break;
                case "warning": log.Warning(text); break;
                case "debug": log.Debug(text); break;
                default: log.Info(text); break;
            }
            return HostFunction.Ok(L);
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>log_number(x)</c>: the number as rspamd_logger prints it (<see cref="FormatNumber"/>).</summary>
    private static int LogNumber(IntPtr L)
    {
        try
        {
            string text;
            if (lua_isinteger(L, 1) != 0)
            {
                text = lua_tointegerx(L, 1, null).ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                int isNumber;
                var x = lua_tonumberx(L, 1, &isNumber);
                text = isNumber != 0 ? FormatNumber(x) : "";
            }
            lua_pushboolean(L, 1);
            PushText(L, text);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary>
    /// <c>log_metatable(v)</c>: v's metatable even when a <c>__metatable</c> field hides it from <c>getmetatable</c>
    /// (rspamd reads it with lua_getmetatable); nothing when v has none. Only read, never handed to plugins.
    /// </summary>
    private static int LogMetatable(IntPtr L)
    {
        try
        {
            lua_pushboolean(L, 1);
            return lua_getmetatable(L, 1) != 0 ? 2 : 1;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>util_time()</c>: wall clock, seconds since the Unix epoch with a fraction.</summary>
    private static int UtilTime(IntPtr L)
    {
        try
        {
            lua_pushboolean(L, 1);
            lua_pushnumber(L, (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>util_ticks()</c>: monotonic seconds (Stopwatch: CLOCK_MONOTONIC on Linux, as rspamd's ticks).</summary>
    private static int UtilTicks(IntPtr L)
    {
        try
        {
            lua_pushboolean(L, 1);
            lua_pushnumber(L, Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary>
    /// <c>util_time_string([t])</c>: <paramref name="L"/>'s seconds since the epoch (default now) as an HTTP date in
    /// GMT, rspamd's <c>time_to_string</c>; <c>false, message</c> for a time no calendar date has.
    /// </summary>
    private static int UtilTimeString(IntPtr L)
    {
        try
        {
            var now = DateTimeOffset.UtcNow;
            if (lua_type(L, 1) == LUA_TNUMBER)
            {
                int isNumber;
                var seconds = lua_tonumberx(L, 1, &isNumber);
                if (!(seconds >= -62135596800.0 && seconds < 253402300800.0))
                    return HostFunction.Error(L, $"time_to_string: time {FormatNumber(seconds)} is out of range");
                now = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(seconds * 1000));
            }
            lua_pushboolean(L, 1);
            PushText(L, now.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture));
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>util_hostname()</c>: the host name, as gethostname gives it.</summary>
    private static int UtilHostname(IntPtr L)
    {
        try
        {
            lua_pushboolean(L, 1);
            PushText(L, System.Net.Dns.GetHostName());
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary>
    /// A float as rspamd 3.4's logger prints it: integral values that fit a 64-bit integer as integers; others through
    /// its fpconv layout of the shortest round-trip digits (.NET's "R"; rspamd's grisu2 may pick a different 17th
    /// digit in rare cases): plain digits for large values up to 7 trailing zeros past the digits, plain decimals while
    /// they fit in 31 characters, exponent notation (<c>1e+20</c>, <c>1.5e-30</c>) otherwise.
    /// </summary>
    internal static string FormatNumber(double x)
    {
        if (double.IsNaN(x)) return "nan";
        if (double.IsInfinity(x)) return x > 0 ? "inf" : "-inf";
        if (x >= -9223372036854775808.0 && x < 9223372036854775808.0 && Math.Floor(x) == x)
            return ((long)x).ToString(CultureInfo.InvariantCulture);

        // Shortest digits and exponent K: |x| = digits * 10^K.
        var text = Math.Abs(x).ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        var k = e < 0 ? 0 : int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? text : text[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            k -= mantissa.Length - dot - 1;
            mantissa = mantissa.Remove(dot, 1);
        }
        var digits = mantissa.TrimStart('0');
        var trimmed = digits.TrimEnd('0');
        k += digits.Length - trimmed.Length;
        digits = trimmed;

        var sb = new StringBuilder(32);
        if (x < 0) sb.Append('-');
        var n = digits.Length;
        var exponent = Math.Abs(k + n - 1);
        if (k >= 0 && exponent < n + 7) return sb.Append(digits).Append('0', k).ToString();
        if (k < 0)
        {
            var offset = n + k;
            if (offset > 0)
                return sb.Append(digits, 0, offset).Append('.').Append(digits, offset, n - offset).ToString();
            if (n - offset <= 29) return sb.Append("0.").Append('0', -offset).Append(digits).ToString();
        }
        sb.Append(digits[0]);
        if (n > 1) sb.Append('.').Append(digits, 1, n - 1);
        sb.Append('e').Append(k + n - 1 < 0 ? '-' : '+');
        return sb.Append(exponent.ToString(CultureInfo.InvariantCulture)).ToString();
    }
}
