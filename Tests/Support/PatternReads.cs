namespace ActorTcp.Tests.Support;

/// <summary>
/// Reading a byte stream up to a pattern: the one implementation behind every test helper's <c>ReadUntilAsync</c>
/// (plain sockets, TLS streams, scripted clients).
/// </summary>
public static class PatternReads
{
    /// <summary>
    /// Receives with <paramref name="receive"/> until <paramref name="pattern"/> appears in <paramref name="pending"/>
    /// followed by what arrived. Returns the bytes before its first occurrence and the bytes after it, which the
    /// caller keeps as its new pending bytes. Bounded by <paramref name="token"/> and <paramref name="maxBuffered"/>;
    /// the stream ending first is an <see cref="EndOfStreamException"/> naming <paramref name="stream"/>.
    /// </summary>
    public static async Task<(byte[] Before, byte[] After)> ReadUntilAsync(ReadOnlyMemory<byte> pending,
        ReadOnlyMemory<byte> pattern, Func<Memory<byte>, CancellationToken, ValueTask<int>> receive,
        CancellationToken token, string stream = "peer", int maxBuffered = ServerConnection.MaxBufferedBytes)
    {
        if (pattern.IsEmpty) throw new ArgumentException("empty pattern", nameof(pattern));
        using var buffer = new MemoryStream();
        buffer.Write(pending.Span);
        var chunk = new byte[64 * 1024];
        while (true)
        {
            var data = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            var at = data.IndexOf(pattern.Span);
            if (at >= 0) return (data[..at].ToArray(), data[(at + pattern.Length)..].ToArray());
            if (buffer.Length > maxBuffered) throw new InvalidOperationException("pattern not found within the buffer limit");
            var n = await receive(chunk, token).ConfigureAwait(false);
            if (n == 0) throw new EndOfStreamException($"{stream} closed before the pattern ({buffer.Length} bytes buffered)");
            buffer.Write(chunk, 0, n);
        }
    }
}
