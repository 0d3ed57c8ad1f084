using System.Text;

namespace ActorTcp.TestKit;

// Reads: bytes arrive into one buffer, and each read takes what it needs from its front. The rest stays buffered for
// the next read, and what a failed read had received stays too: its message quotes it.
public sealed partial class PeerConnection
{
    /// <summary>Most bytes a read buffers while it waits for what it needs.</summary>
    public const int MaxBufferedBytes = 64 * 1024 * 1024;

    /// <summary>Most bytes <see cref="Received"/> keeps (the first ones).</summary>
    public const int MaxRecordedBytes = 16 * 1024 * 1024;

    private const int ReadChunk = 64 * 1024;

    private readonly MemoryStream _recorded = new();
    private byte[] _buffer = new byte[ReadChunk];
    private int _count;

    /// <summary>Every byte received so far (after TLS: the plaintext), up to <see cref="MaxRecordedBytes"/>; thread-safe.</summary>
    public byte[] Received
    {
        get
        {
            lock (_recorded) return _recorded.ToArray();
        }
    }

    /// <summary>Bytes received but not yet taken by a read.</summary>
    internal ReadOnlySpan<byte> Buffered => _buffer.AsSpan(0, _count);

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        await FillUntilAsync(data => data.Length >= count ? count : -1).ConfigureAwait(false);
        return Take(count, 0);
    }

    /// <summary>
    /// Reads what has arrived: the bytes buffered by an earlier read, or else what the next receive brings (at least
    /// one byte, as much as one socket read or one TLS record gives). For a server that answers every chunk it gets.
    /// </summary>
    public async Task<byte[]> ReadAnyAsync()
    {
        var count = await FillUntilAsync(data => data.Length > 0 ? data.Length : -1).ConfigureAwait(false);
        return Take(count, 0);
    }

    /// <summary>Reads until the Latin-1 <paramref name="pattern"/>; returns the bytes before it (the pattern is consumed).</summary>
    public Task<byte[]> ReadUntilAsync(string pattern) => ReadUntilAsync(Encoding.Latin1.GetBytes(pattern));

    /// <summary>Reads until <paramref name="pattern"/>; returns the bytes before it (the pattern is consumed).</summary>
    public async Task<byte[]> ReadUntilAsync(ReadOnlyMemory<byte> pattern)
    {
        if (pattern.IsEmpty) throw new ArgumentException("empty pattern", nameof(pattern));
        var at = await FillUntilAsync(data => data.Span.IndexOf(pattern.Span)).ConfigureAwait(false);
        return Take(at, pattern.Length);
    }

    /// <summary>Reads one line: the Latin-1 text before <c>\n</c>, without a <c>\r</c> before it.</summary>
    public async Task<string> ReadLineAsync()
    {
        var line = await ReadUntilAsync("\n"u8.ToArray()).ConfigureAwait(false);
        var length = line.Length > 0 && line[^1] == '\r' ? line.Length - 1 : line.Length;
        return Encoding.Latin1.GetString(line, 0, length);
    }

    /// <summary>Reads every byte until the client's FIN (over TLS: close_notify or FIN).</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        var end = await FillUntilAsync(_ => -1, endIsMatch: true).ConfigureAwait(false);
        return Take(end, 0);
    }

    /// <summary>
    /// Receives until <paramref name="match"/> finds what the read needs in the buffered bytes (the index it returns,
    /// or -1 for "not yet"); with <paramref name="endIsMatch"/>, the end of the stream is the match (at the buffer's
    /// end). Bounded by <see cref="OperationTimeout"/> and <see cref="MaxBufferedBytes"/>.
    /// </summary>
    private async Task<int> FillUntilAsync(Func<ReadOnlyMemory<byte>, int> match, bool endIsMatch = false)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        limit.CancelAfter(OperationTimeout);
        try
        {
            while (true)
            {
                var at = match(_buffer.AsMemory(0, _count));
                if (at >= 0) return at;
                if (_count >= MaxBufferedBytes) throw new InvalidDataException($"{SoFar()} and no end within {MaxBufferedBytes} bytes");
                if (_buffer.Length - _count < ReadChunk / 4) Array.Resize(ref _buffer, _buffer.Length * 2);
                var n = await _stream.ReadAsync(_buffer.AsMemory(_count), limit.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    if (endIsMatch) return _count;
                    throw new EndOfStreamException(_count == 0 ? "the client closed the connection" : $"{SoFar()} then the client closed the connection");
                }
                Record(_buffer.AsSpan(_count, n));
                _count += n;
            }
        }
        catch (OperationCanceledException) when (!Stopping.IsCancellationRequested)
        {
            var quiet = $"nothing for {Printable.Duration(OperationTimeout)}";
            throw new TimeoutException(_count == 0 ? $"received {quiet}" : $"{SoFar()} then {quiet}");
        }
        catch (IOException e) when (e is not EndOfStreamException)
        {
            throw new IOException(_count == 0 ? Failure(e) : $"{SoFar()} then {Failure(e)}", e);
        }
    }

    private string SoFar() => $"received {Printable.Quote(Buffered)}";

    /// <summary>Takes the first <paramref name="count"/> buffered bytes and drops <paramref name="skip"/> more.</summary>
    private byte[] Take(int count, int skip)
    {
        var taken = _buffer.AsSpan(0, count).ToArray();
        var used = count + skip;
        _buffer.AsSpan(used, _count - used).CopyTo(_buffer);
        _count -= used;
        return taken;
    }

    private void Record(ReadOnlySpan<byte> data)
    {
        lock (_recorded)
        {
            var room = MaxRecordedBytes - (int)_recorded.Length;
            if (room > 0) _recorded.Write(data[..Math.Min(room, data.Length)]);
        }
    }
}
