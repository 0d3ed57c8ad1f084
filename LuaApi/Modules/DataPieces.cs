using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// The <c>data</c> of a request or an <c>add_write</c>: a string, an <c>rspamd{text}</c>, or a table of them, copied
/// out of Lua once (Lua may collect the originals as soon as the call returns).
/// </summary>
internal static class DataPieces
{
    /// <summary>The pieces, or the 1-based position of the first table element that is neither string nor text.</summary>
    public readonly record struct Result(IReadOnlyList<ReadOnlyMemory<byte>> Pieces, int? BadPosition);

    /// <summary>Collects the value at <paramref name="idx"/>; a table is walked in <c>pairs</c> order, as rspamd does.</summary>
    public static Result Collect(IntPtr L, int idx)
    {
        if (lua_type(L, idx) != LUA_TTABLE)
        {
            if (!TextObjects.TryGetStringOrText(L, idx, out var single)) return new Result([], 0);
            // The usual case, one string: an array of one copy, not a list and its array (W2: 32 bytes a write).
            if (single.Length <= MergeLimit) return new Result(single.IsEmpty ? [] : [single.ToArray()], null);
            var chunks = new List<ReadOnlyMemory<byte>>();
            Add(chunks, single);
            return new Result(chunks, null);
        }

        var pieces = new List<ReadOnlyMemory<byte>>(1);

        var table = lua_absindex(L, idx);
        var position = 0;
        lua_pushnil(L);
        while (lua_next(L, table) != 0)
        {
            position++;
            // Only the value is read as a string: converting the key in place would break lua_next.
            if (!TextObjects.TryGetStringOrText(L, -1, out var bytes))
            {
                lua_pop(L, 2);
                return new Result(pieces, position);
            }
            Add(pieces, bytes);
            lua_pop(L, 1);
        }
        return new Result(Merged(pieces), null);
    }

    /// <summary>
    /// Copies <paramref name="bytes"/> as arrays of at most <see cref="MergeLimit"/> bytes: below .NET's large object
    /// heap (85,000 bytes), so a big body (a 100 KB mail to a scanner) is young garbage once written, not a large
    /// object collected only with the oldest generation.
    /// </summary>
    private static void Add(List<ReadOnlyMemory<byte>> pieces, ReadOnlySpan<byte> bytes)
    {
        for (var at = 0; at < bytes.Length; at += MergeLimit)
            pieces.Add(bytes.Slice(at, Math.Min(MergeLimit, bytes.Length - at)).ToArray());
    }

    /// <summary>Pieces up to this many bytes in all go out as one: rspamd writes a table with one writev.</summary>
    public const int MergeLimit = 64 * 1024;

    /// <summary>
    /// Small pieces joined into one, so the socket gets them in one send (one segment with TCP_NODELAY) as rspamd's
    /// writev gives them: a naive peer may read a command with one recv, and a send per piece costs a syscall each.
    /// </summary>
    private static IReadOnlyList<ReadOnlyMemory<byte>> Merged(List<ReadOnlyMemory<byte>> pieces)
    {
        if (pieces.Count < 2) return pieces;
        var total = 0L;
        foreach (var piece in pieces) total += piece.Length;
        if (total > MergeLimit) return pieces;
        var joined = new byte[total];
        var at = 0;
        foreach (var piece in pieces)
        {
            piece.Span.CopyTo(joined.AsSpan(at));
            at += piece.Length;
        }
        return [joined];
    }
}
