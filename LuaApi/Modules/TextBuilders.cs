using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

// The raw functions that make new texts: concatenation, fromstring, fromtable, and the line and split steps.
internal sealed unsafe partial class TextModule
{
    /// <summary><c>text_concat(a, b)</c>: a new text of a's bytes then b's; each a text, string or number (<c>__concat</c>).</summary>
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
}
