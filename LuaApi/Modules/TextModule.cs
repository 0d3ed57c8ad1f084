using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// <c>rspamd{text}</c> objects and the <c>rspamd_text</c> module: the metatable (filled by <c>rspamd_text.lua</c>)
/// and the raw functions behind every method.
/// </summary>
/// <remarks>
/// <para>
/// The raw <c>text_*</c> functions follow <see cref="HostFunction"/>'s convention: <c>true, results...</c>, or
/// <c>false, message</c> that the Lua wrapper raises at level 2 (<c>text_eq</c> never fails). Even the metamethods
/// (<c>__tostring</c>, <c>__len</c>, <c>__eq</c>, <c>__concat</c>) go through Lua wrappers, as Lua keeps only a
/// metamethod's first result. Nothing here raises or yields (docs/architecture.md#the-lua-boundary); the success paths allocate nothing on the
/// .NET heap.
/// </para>
/// <para>Positions given to the step functions (<c>text_line</c>, <c>text_split</c>) are 0-based byte offsets.</para>
/// </remarks>
internal sealed unsafe class TextModule : ILuaModule
{
    /// <summary>Deepest nesting of tables <c>fromtable</c> accepts (rspamd's MAX_REC).</summary>
    private const int MaxTableDepth = 10;

    public IReadOnlyList<string> LuaChunks => ["rspamd_text.lua"];

    public void RegisterRawFunctions(IntPtr L)
    {
        // raw.text_mt = the metatable (luaL_newmetatable also sets __name = "rspamd{text}").
        luaL_newmetatable(L, TextObjects.MetatableName);
        lua_setfield(L, -2, "text_mt");

        SetFunction(L, "text_tostring", &ToStringRaw);
        SetFunction(L, "text_len", &Len);
        SetFunction(L, "text_sub", &Sub);
        SetFunction(L, "text_span", &SpanRaw);
        SetFunction(L, "text_find", &Find);
        SetFunction(L, "text_byte", &ByteRaw);
        SetFunction(L, "text_at", &At);
        SetFunction(L, "text_eq", &Eq);
        SetFunction(L, "text_concat", &Concat);
        SetFunction(L, "text_fromstring", &FromString);
        SetFunction(L, "text_fromtable", &FromTable);
        SetFunction(L, "text_line", &Line);
        SetFunction(L, "text_split", &Split);
    }

    public void Dispose() { }

    // ---- raw functions ------------------------------------------------------------------------------------------

    /// <summary><c>text_tostring(t)</c>: the bytes as a Lua string (<c>t:str()</c>, <c>__tostring</c>).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ToStringRaw(IntPtr L)
    {
        try
        {
            if (!TextObjects.TryGet(L, 1, out var bytes)) return BadSelf(L, "text:str");
            lua_pushboolean(L, 1);
            PushBytes(L, bytes);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>text_len(t)</c>: the length in bytes (<c>t:len()</c>, <c>__len</c>).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Len(IntPtr L)
    {
        try
        {
            if (!TextObjects.TryGet(L, 1, out var bytes)) return BadSelf(L, "text:len");
            lua_pushboolean(L, 1);
            lua_pushinteger(L, bytes.Length);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>text_sub(t, i [, j])</c>: a new text, <c>string.sub</c> semantics.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Sub(IntPtr L)
    {
        try
        {
            const string fn = "text:sub";
            if (!TextObjects.TryGet(L, 1, out var bytes)) return BadSelf(L, fn);
            if (CheckInteger(L, 2, fn, "i", out var i) is { } e1) return HostFunction.Error(L, e1);
            if (OptInteger(L, 3, -1, fn, "j", out var j) is { } e2) return HostFunction.Error(L, e2);
            long len = bytes.Length;
            var start = StartPosition(i, len);
            var end = EndPosition(j, len);
            lua_pushboolean(L, 1);
            TextObjects.Push(L, start > end ? default : bytes.Slice((int)(start - 1), (int)(end - start + 1)));
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary>
    /// <c>text_span(t, start [, len])</c>: a new text of <c>len</c> bytes (default: to the end) from the 1-based
    /// <c>start</c>; <c>start</c> may be one past the end (empty result).
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int SpanRaw(IntPtr L)
    {
        try
        {
            const string fn = "text:span";
            if (!TextObjects.TryGet(L, 1, out var bytes)) return BadSelf(L, fn);
            if (CheckInteger(L, 2, fn, "start", out var start) is { } e1) return HostFunction.Error(L, e1);
            if (OptInteger(L, 3, -1, fn, "len", out var count) is { } e2) return HostFunction.Error(L, e2);
            long len = bytes.Length;
            if (start < 1 || start > len + 1)
                return HostFunction.Error(L, $"{fn}: start offset {start} is out of range (text length {len})");
            var rest = len - (start - 1);
            if (count == -1) count = rest;
            if (count < 0 || count > rest)
                return HostFunction.Error(L, $"{fn}: invalid length {count} ({rest} bytes from offset {start})");
            lua_pushboolean(L, 1);
            TextObjects.Push(L, bytes.Slice((int)(start - 1), (int)count));
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary>
    /// <c>text_find(t, pattern [, init])</c>: plain byte search like <c>string.find(s, p, init, true)</c>; returns the
    /// 1-based start and end of the first occurrence, or nil.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Find(IntPtr L)
    {
        try
        {
            const string fn = "text:find";
            if (!TextObjects.TryGet(L, 1, out var bytes)) return BadSelf(L, fn);
            if (!TryGetData(L, 2, out var pattern)) return BadArgument(L, 2, fn, "pattern", "string");
            if (OptInteger(L, 3, 1, fn, "init", out var init) is { } e) return HostFunction.Error(L, e);
            long len = bytes.Length;
            var start = StartPosition(init, len);
            lua_pushboolean(L, 1);
            var at = start > len + 1 ? -1 : bytes[(int)(start - 1)..].IndexOf(pattern);
            if (at < 0)
            {
                lua_pushnil(L);
                return 2;
            }
            lua_pushinteger(L, start + at);
            lua_pushinteger(L, start + at + pattern.Length - 1);
            return 3;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>text_byte(t [, i [, j]])</c>: the byte values t[i..j], <c>string.byte</c> semantics.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int ByteRaw(IntPtr L)
    {
        try
        {
            const string fn = "text:byte";
            if (!TextObjects.TryGet(L, 1, out var bytes)) return BadSelf(L, fn);
            if (OptInteger(L, 2, 1, fn, "i", out var i) is { } e1) return HostFunction.Error(L, e1);
            if (OptInteger(L, 3, i, fn, "j", out var j) is { } e2) return HostFunction.Error(L, e2);
            long len = bytes.Length;
            var start = StartPosition(i, len);
            var end = EndPosition(j, len);
            if (start > end) return HostFunction.Ok(L);
            var n = end - start + 1;
            // Room for true and n results, or the two an error needs; lua_checkstack does not raise.
            if (n >= int.MaxValue - 2 || lua_checkstack(L, (int)n + 2) == 0)
                return HostFunction.Error(L, $"{fn}: slice too long ({n} bytes)");
            lua_pushboolean(L, 1);
            foreach (var b in bytes.Slice((int)(start - 1), (int)n)) lua_pushinteger(L, b);
            return (int)n + 1;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>text_at(t [, i])</c>: the byte at <c>i</c> (negative counts from the end), or nil out of range.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int At(IntPtr L)
    {
        try
        {
            const string fn = "text:at";
            if (!TextObjects.TryGet(L, 1, out var bytes)) return BadSelf(L, fn);
            if (OptInteger(L, 2, 1, fn, "i", out var i) is { } e) return HostFunction.Error(L, e);
            long len = bytes.Length;
            var start = StartPosition(i, len);
            lua_pushboolean(L, 1);
            if (start > EndPosition(i, len)) lua_pushnil(L);
            else lua_pushinteger(L, bytes[(int)(start - 1)]);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>text_eq(a, b)</c>: true when both are texts or strings with the same bytes (<c>__eq</c>); never fails.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Eq(IntPtr L)
    {
        try
        {
            var equal = TextObjects.TryGetStringOrText(L, 1, out var a)
                && TextObjects.TryGetStringOrText(L, 2, out var b)
                && a.SequenceEqual(b);
            lua_pushboolean(L, 1);
            lua_pushboolean(L, equal ? 1 : 0);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>text_concat(a, b)</c>: a new text of a's bytes then b's; each a text, string or number (<c>__concat</c>).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Concat(IntPtr L)
    {
        try
        {
            if (!TryGetData(L, 1, out var a)) return ConcatError(L, 1);
            if (!TryGetData(L, 2, out var b)) return ConcatError(L, 2);
            var total = (long)a.Length + b.Length;
            if (total > int.MaxValue) return HostFunction.Error(L, "text concatenation: result too large");
            lua_pushboolean(L, 1);
            var block = NewText(L, (int)total);
            a.CopyTo(block);
            b.CopyTo(block[a.Length..]);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary><c>text_fromstring(s)</c>: a text holding a copy of the string (a number or text is accepted too).</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FromString(IntPtr L)
    {
        try
        {
            if (!TryGetData(L, 1, out var bytes)) return BadArgument(L, 1, "rspamd_text.fromstring", "str", "string");
            lua_pushboolean(L, 1);
            TextObjects.Push(L, bytes);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary>
    /// <c>text_fromtable(tbl [, delim])</c>: <c>table.concat</c> into a new text. Elements 1..#tbl (raw) are strings,
    /// numbers, texts or (as in rspamd) nested tables of those, joined by <c>delim</c> at every level.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int FromTable(IntPtr L)
    {
        try
        {
            const string fn = "rspamd_text.fromtable";
            if (lua_type(L, 1) != LUA_TTABLE) return BadArgument(L, 1, fn, "tbl", "table");
            ReadOnlySpan<byte> delim = default;
            if (lua_type(L, 2) > LUA_TNIL && !TryGetData(L, 2, out delim)) return BadArgument(L, 2, fn, "delim", "string");

            Span<long> path = stackalloc long[MaxTableDepth + 1];
            long total = 0;
            if (MeasureTable(L, 1, delim.Length, path, 0, ref total) is { } error) return HostFunction.Error(L, error);
            if (total > int.MaxValue) return HostFunction.Error(L, $"{fn}: result too large ({total} bytes)");

            var top = lua_gettop(L);
            lua_pushboolean(L, 1);
            var block = NewText(L, (int)total);
            var written = 0;
            // Only a finalizer run by the collector in between could have changed the table; never write past the block.
            if (!FillTable(L, 1, delim, block, ref written, 0) || written != block.Length)
            {
                lua_settop(L, top);
                return HostFunction.Error(L, $"{fn}: the table changed while it was being joined");
            }
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary>
    /// <c>text_line(t, pos, stringify)</c>: the line starting at 0-based <c>pos</c> as <c>next_pos, line</c> (a text, or a
    /// string when <c>stringify</c>), or nil at the end. Lines end at "\n"; one "\r" before it is dropped.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Line(IntPtr L)
    {
        try
        {
            const string fn = "text:lines";
            if (!TextObjects.TryGet(L, 1, out var bytes)) return BadSelf(L, fn);
            if (CheckInteger(L, 2, fn, "pos", out var pos) is { } e) return HostFunction.Error(L, e);
            lua_pushboolean(L, 1);
            if (pos < 0 || pos >= bytes.Length)
            {
                lua_pushnil(L);
                return 2;
            }
            var rest = bytes[(int)pos..];
            var newline = rest.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            var next = newline < 0 ? bytes.Length : pos + newline + 1;
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            lua_pushinteger(L, next);
            PushPiece(L, line, lua_toboolean(L, 3) != 0);
            return 3;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    /// <summary>
    /// <c>text_split(t, sep, pos, stringify)</c>: the next non-empty piece at or after 0-based <c>pos</c> between
    /// occurrences of the plain byte string <c>sep</c>, as <c>next_pos, piece</c>, or nil at the end.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Split(IntPtr L)
    {
        try
        {
            const string fn = "text:split";
            if (!TextObjects.TryGet(L, 1, out var bytes)) return BadSelf(L, fn);
            if (!TryGetData(L, 2, out var sep)) return BadArgument(L, 2, fn, "sep", "string");
            if (sep.IsEmpty) return HostFunction.Error(L, $"{fn}: bad argument #1 'sep' (the separator is empty)");
            if (CheckInteger(L, 3, fn, "pos", out var pos) is { } e) return HostFunction.Error(L, e);
            if (pos < 0) pos = bytes.Length;
            lua_pushboolean(L, 1);
            while (pos < bytes.Length)
            {
                var rest = bytes[(int)pos..];
                var at = rest.IndexOf(sep);
                if (at == 0)
                {
                    pos += sep.Length; // an empty piece: skipped, as rspamd does
                    continue;
                }
                lua_pushinteger(L, at < 0 ? bytes.Length : pos + at + sep.Length);
                PushPiece(L, at < 0 ? rest : rest[..at], lua_toboolean(L, 4) != 0);
                return 3;
            }
            lua_pushnil(L);
            return 2;
        }
        catch (Exception e)
        {
            return HostFunction.Fail(L, e);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

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
