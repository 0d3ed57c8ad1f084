using System.Runtime.InteropServices;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// Unread bytes of one connection and the stop-pattern search over them. Results are handed out as memory that is
/// never written again, so callers may keep them; bytes are copied only when a pattern spans two received chunks.
/// </summary>
/// <remarks>
/// Unread data is either a view over a received chunk (no copy) or a private array that chunks are appended to.
/// Taking a prefix of the private array gives that array away: the prefix becomes the result and the rest a view,
/// so neither is copied and the array is never mutated again.
/// </remarks>
internal sealed class ReadBuffer
{
    private ReadOnlyMemory<byte> _view;
    private byte[]? _owned;
    private int _ownedLength;
    // Offset from which the next pattern search starts; bytes before it were searched already.
    private int _searchFrom;

    /// <summary>Number of unread bytes.</summary>
    public int Length => _owned is null ? _view.Length : _ownedLength;

    /// <summary>Whether there is nothing unread.</summary>
    public bool IsEmpty => Length == 0;

    private ReadOnlySpan<byte> Unread => _owned is null ? _view.Span : _owned.AsSpan(0, _ownedLength);

    /// <summary>Appends a received chunk; the chunk must not change afterwards.</summary>
    public void Append(ReadOnlyMemory<byte> chunk)
    {
        if (chunk.IsEmpty) return;
        if (Length == 0)
        {
            _owned = null;
            _view = chunk;
            return;
        }

        var needed = Length + chunk.Length;
        if (_owned is null || _owned.Length < needed)
        {
            var grown = new byte[Math.Max(needed, Math.Min(2 * Math.Max(Length, 4096), int.MaxValue / 2))];
            Unread.CopyTo(grown);
            _ownedLength = Length;
            _owned = grown;
            _view = default;
        }

        chunk.Span.CopyTo(_owned.AsSpan(_ownedLength));
        _ownedLength += chunk.Length;
    }

    /// <summary>
    /// Looks for <paramref name="pattern"/> in the unread bytes. On success, <paramref name="before"/> holds the bytes
    /// before its first occurrence and those bytes and the pattern are consumed. A pattern more than
    /// <paramref name="maxBefore"/> bytes in is not looked for: however the bytes were split into reads, a longer line
    /// is never found (the caller's limit decides what happens then).
    /// </summary>
    public bool TryTakeUntil(ReadOnlySpan<byte> pattern, out ReadOnlyMemory<byte> before, int maxBefore = int.MaxValue)
    {
        before = default;
        var unread = Unread;
        if (unread.Length - pattern.Length > maxBefore) unread = unread[..(maxBefore + pattern.Length)];
        if (pattern.IsEmpty || unread.Length < pattern.Length) return false;

        var start = Math.Min(_searchFrom, unread.Length);
        var found = unread[start..].IndexOf(pattern);
        if (found < 0)
        {
            // A later chunk may complete a pattern that begins in the last (pattern.Length - 1) bytes.
            _searchFrom = Math.Max(0, unread.Length - pattern.Length + 1);
            return false;
        }

        var at = start + found;
        before = Take(at);
        Skip(pattern.Length);
        return true;
    }

    /// <summary>Consumes and returns up to <paramref name="max"/> bytes.</summary>
    public ReadOnlyMemory<byte> TakeUpTo(int max) => Take(Math.Min(max, Length));

    /// <summary>Puts <paramref name="taken"/>, bytes just taken and not used, back in front of the unread bytes.</summary>
    public void Restore(ReadOnlyMemory<byte> taken)
    {
        if (taken.IsEmpty) return;
        if (IsEmpty)
        {
            _owned = null;
            _view = taken;
            _searchFrom = 0;
            return;
        }
        var joined = new byte[taken.Length + Length];
        taken.Span.CopyTo(joined);
        Unread.CopyTo(joined.AsSpan(taken.Length));
        _owned = null;
        _ownedLength = 0;
        _view = joined;
        _searchFrom = 0;
    }

    /// <summary>Whether unread bytes lie in <paramref name="array"/> (a received chunk kept as a view).</summary>
    public bool Views(byte[] array) =>
        _owned is null && !_view.IsEmpty && MemoryMarshal.TryGetArray(_view, out var segment) && ReferenceEquals(segment.Array, array);

    /// <summary>Forgets the pattern search progress, for a new read handler with another pattern.</summary>
    public void ResetSearch() => _searchFrom = 0;

    /// <summary>Drops every unread byte.</summary>
    public void Clear()
    {
        _view = default;
        _owned = null;
        _ownedLength = 0;
        _searchFrom = 0;
    }

    private ReadOnlyMemory<byte> Take(int count)
    {
        _searchFrom = 0;
        if (count == 0) return ReadOnlyMemory<byte>.Empty;
        if (_owned is null)
        {
            var taken = _view[..count];
            _view = _view[count..];
            return taken;
        }

        // Give the private array away: the result and the rest become read-only views of it.
        var array = new ReadOnlyMemory<byte>(_owned, 0, _ownedLength);
        _owned = null;
        _ownedLength = 0;
        _view = array[count..];
        return array[..count];
    }

    private void Skip(int count)
    {
        if (_owned is null)
        {
            _view = _view[count..];
            return;
        }

        _owned.AsSpan(count, _ownedLength - count).CopyTo(_owned);
        _ownedLength -= count;
    }
}
