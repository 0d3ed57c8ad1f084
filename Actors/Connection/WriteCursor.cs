namespace ActorTcp.Actors.Connection;

/// <summary>
/// Progress of the write handler at the head: which bytes were handed to the socket and which were acknowledged.
/// Chunks are slices of the caller's pieces, never copies.
/// </summary>
internal sealed class WriteCursor
{
    // The lengths of the chunks in flight, oldest first: the oldest inline, the rest (a write longer than one chunk)
    // in a queue made only then. A queue per write cost every round trip ~80 bytes (BENCHMARKS.md, W2).
    private int _inFlightCount;
    private int _oldestInFlight;
    private Queue<int>? _newerInFlight;
    private int _piece;
    private int _offset;
    private long _unsent;
    private WriteSpec? _spec;

    /// <summary>A cursor at the start of <paramref name="spec"/>.</summary>
    public WriteCursor(WriteSpec spec) => Reset(spec);

    /// <summary>The write being sent; null once <see cref="Clear"/>ed.</summary>
    public WriteSpec? Spec => _spec;

    /// <summary>Starts over at the start of <paramref name="spec"/>: a connection's cursor serves all its writes.</summary>
    public void Reset(WriteSpec spec)
    {
        _spec = spec;
        _unsent = spec.Length;
        _piece = _offset = _inFlightCount = _oldestInFlight = 0;
        InFlightBytes = 0;
        _newerInFlight?.Clear();
    }

    /// <summary>Forgets the write (its memory may be collected).</summary>
    public void Clear() => _spec = null;

    /// <summary>Bytes handed to the socket and not yet acknowledged.</summary>
    public int InFlightBytes { get; private set; }

    /// <summary>Every byte was sent and acknowledged.</summary>
    public bool Done => _unsent == 0 && _inFlightCount == 0;

    /// <summary>Takes the next chunk of at most <paramref name="maxChunk"/> bytes to send.</summary>
    public bool TryNextChunk(int maxChunk, out ReadOnlyMemory<byte> chunk)
    {
        var pieces = _spec!.Data;
        while (_piece < pieces.Count)
        {
            var piece = pieces[_piece];
            if (_offset < piece.Length)
            {
                var length = Math.Min(maxChunk, piece.Length - _offset);
                chunk = piece.Slice(_offset, length);
                _offset += length;
                _unsent -= length;
                InFlightBytes += length;
                if (_inFlightCount++ == 0) _oldestInFlight = length;
                else (_newerInFlight ??= new Queue<int>()).Enqueue(length);
                return true;
            }
            _piece++;
            _offset = 0;
        }
        chunk = default;
        return false;
    }

    /// <summary>The oldest chunk in flight was accepted by the socket.</summary>
    public void Acknowledge()
    {
        if (_inFlightCount == 0) return;
        InFlightBytes -= _oldestInFlight;
        if (--_inFlightCount > 0) _oldestInFlight = _newerInFlight!.Dequeue();
    }
}
