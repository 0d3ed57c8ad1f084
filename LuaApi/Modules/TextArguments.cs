using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

// Argument reading and error texts shared by the text raw functions: positions as Lua counts them, and messages
// naming the argument as rspamd's luaL_check* would.
internal sealed unsafe partial class TextModule
{
    /// <summary>A Lua <c>string.sub</c>/<c>string.byte</c> start position: 1-based, clamped below to 1.</summary>
    private static long StartPosition(long pos, long len) =>
        pos > 0 ? pos : pos == 0 ? 1 : pos < -len ? 1 : len + pos + 1;

    /// <summary>A Lua end position: 1-based, clamped to 0..len.</summary>
    private static long EndPosition(long pos, long len) =>
        pos > len ? len : pos >= 0 ? pos : pos < -len ? 0 : len + pos + 1;

    /// <summary>Pushes a new text of <paramref name="length"/> bytes and returns its (uninitialised) block.</summary>
    private static Span<byte> NewText(IntPtr L, int length)
    {
        var block = lua_newuserdatauv(L, (nuint)length, 0);
        luaL_setmetatable(L, TextObjects.MetatableName);
        return new Span<byte>(block, length);
    }

    private static void PushPiece(IntPtr L, ReadOnlySpan<byte> piece, bool stringify)
    {
        if (stringify) PushBytes(L, piece);
        else TextObjects.Push(L, piece);
    }

    /// <summary>The bytes of a string, text or number (converted in its stack slot, as Lua does) at <paramref name="idx"/>.</summary>
    private static bool TryGetData(IntPtr L, int idx, out ReadOnlySpan<byte> bytes)
    {
        if (lua_type(L, idx) == LUA_TNUMBER)
        {
            bytes = ToBytes(L, idx);
            return true;
        }
        return TextObjects.TryGetStringOrText(L, idx, out bytes);
    }

    /// <summary>Reads a required integer argument; returns the error message, or null (no allocation) on success.</summary>
    private static string? CheckInteger(IntPtr L, int idx, string fn, string name, out long value)
    {
        int isnum;
        value = lua_tointegerx(L, idx, &isnum);
        if (isnum != 0) return null;
        return lua_type(L, idx) == LUA_TNUMBER
            ? $"{fn}: bad argument #{ArgumentNumber(fn, idx)} '{name}' (number has no integer representation)"
            : ArgumentMessage(L, idx, fn, name, "number");
    }

    /// <summary>Reads an optional integer argument (none or nil gives <paramref name="fallback"/>).</summary>
    private static string? OptInteger(IntPtr L, int idx, long fallback, string fn, string name, out long value)
    {
        if (lua_type(L, idx) <= LUA_TNIL)
        {
            value = fallback;
            return null;
        }
        return CheckInteger(L, idx, fn, name, out value);
    }

    /// <summary><c>false, "fn: bad self (rspamd{text} expected, got T)"</c>.</summary>
    private static int BadSelf(IntPtr L, string fn) =>
        HostFunction.Error(L, $"{fn}: bad self ({TextObjects.MetatableName} expected, got {TypeOf(L, 1)})");

    /// <summary>
    /// <c>false, "fn: bad argument #n 'name' (expected expected, got T)"</c>; <c>n</c> counts without self for methods
    /// (names with a colon), as Lua's own messages do.
    /// </summary>
    private static int BadArgument(IntPtr L, int idx, string fn, string name, string expected) =>
        HostFunction.Error(L, ArgumentMessage(L, idx, fn, name, expected));

    private static string ArgumentMessage(IntPtr L, int idx, string fn, string name, string expected) =>
        $"{fn}: bad argument #{ArgumentNumber(fn, idx)} '{name}' ({expected} expected, got {TypeOf(L, idx)})";

    /// <summary>The argument number Lua's messages would show: methods (<c>text:x</c>) do not count self.</summary>
    private static int ArgumentNumber(string fn, int idx) => fn.Contains(':') ? idx - 1 : idx;

    private static int ConcatError(IntPtr L, int idx) =>
        HostFunction.Error(L, $"attempt to concatenate a {TypeOf(L, idx)} value");

    /// <summary>The type name Lua's own messages use: the metatable's <c>__name</c> if it has one, "no value" for none.</summary>
    private static string TypeOf(IntPtr L, int idx)
    {
        var type = lua_type(L, idx);
        if (type == LUA_TNONE) return "no value";
        idx = lua_absindex(L, idx);
        if (lua_checkstack(L, 2) != 0 && lua_getmetatable(L, idx) != 0)
        {
            PushBytes(L, "__name"u8);
            var name = lua_rawget(L, -2) == LUA_TSTRING ? ToText(L, -1) : null;
            lua_pop(L, 2);
            if (name is not null) return name;
        }
        return type == LUA_TLIGHTUSERDATA ? "light userdata" : TypeName(L, idx);
    }

    /// <summary>Adds the joined length of the table at <paramref name="table"/>; returns an error message or null.</summary>
    private static string? MeasureTable(IntPtr L, int table, int delimLength, Span<long> path, int depth, ref long total)
    {
        var n = (long)lua_rawlen(L, table);
        for (long k = 1; k <= n; k++)
        {
            path[depth] = k;
            lua_rawgeti(L, table, k);
            string? error = null;
            switch (lua_type(L, -1))
            {
                case LUA_TSTRING:
                case LUA_TNUMBER:
                    total += ToBytes(L, -1).Length;
                    break;
                case LUA_TTABLE when depth < MaxTableDepth:
                    error = lua_checkstack(L, 4) == 0
                        ? "rspamd_text.fromtable: tables nested too deeply"
                        : MeasureTable(L, lua_gettop(L), delimLength, path, depth + 1, ref total);
                    break;
                case LUA_TTABLE:
                    error = $"rspamd_text.fromtable: tables nested too deeply at {FormatPath(path[..(depth + 1)])}";
                    break;
                default:
                    if (TextObjects.TryGet(L, -1, out var text)) total += text.Length;
                    else error = $"rspamd_text.fromtable: bad element {FormatPath(path[..(depth + 1)])} (string or text expected, got {TypeOf(L, -1)})";
                    break;
            }
            lua_pop(L, 1);
            if (error is not null) return error;
            if (k < n) total += delimLength;
            if (total > int.MaxValue) return $"rspamd_text.fromtable: result too large (over {int.MaxValue} bytes)";
        }
        return null;
    }

    /// <summary>Copies the joined table into <paramref name="block"/>; false if it no longer matches what was measured.</summary>
    private static bool FillTable(IntPtr L, int table, ReadOnlySpan<byte> delim, Span<byte> block, ref int written, int depth)
    {
        var n = (long)lua_rawlen(L, table);
        for (long k = 1; k <= n; k++)
        {
            lua_rawgeti(L, table, k);
            var ok = true;
            switch (lua_type(L, -1))
            {
                case LUA_TSTRING:
                case LUA_TNUMBER:
                    ok = Append(ToBytes(L, -1), block, ref written);
                    break;
                case LUA_TTABLE:
                    ok = depth < MaxTableDepth && lua_checkstack(L, 4) != 0
                        && FillTable(L, lua_gettop(L), delim, block, ref written, depth + 1);
                    break;
                default:
                    ok = TextObjects.TryGet(L, -1, out var text) && Append(text, block, ref written);
                    break;
            }
            lua_pop(L, 1);
            if (!ok) return false;
            if (k < n && !Append(delim, block, ref written)) return false;
        }
        return true;
    }

    private static bool Append(ReadOnlySpan<byte> bytes, Span<byte> block, ref int written)
    {
        if (bytes.Length > block.Length - written) return false;
        bytes.CopyTo(block[written..]);
        written += bytes.Length;
        return true;
    }

    private static string FormatPath(ReadOnlySpan<long> path)
    {
        var text = "tbl";
        foreach (var k in path) text += $"[{k}]";
        return text;
    }
}
