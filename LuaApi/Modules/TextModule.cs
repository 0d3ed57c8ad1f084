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
/// metamethod's first result. Nothing here raises or yields (docs/architecture.md#the-lua-boundary); the success
/// paths allocate nothing on the .NET heap. The raw functions that make texts are in TextBuilders.cs, argument reading
/// in TextArguments.cs.
/// </para>
/// <para>Positions given to the step functions (<c>text_line</c>, <c>text_split</c>) are 0-based byte offsets.</para>
/// </remarks>
internal sealed unsafe partial class TextModule : ILuaModule
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
}
