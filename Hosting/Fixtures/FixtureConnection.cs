using System.Net.Sockets;
using System.Text;

namespace ActorTcp.Hosting.Fixtures;

/// <summary>
/// One accepted fixture connection: bounded sends and reads (each waits at most <see cref="IdleTimeout"/>), a
/// line reader with a length limit, and a graceful close (FIN, then what the client still sends is read and dropped
/// for at most <see cref="DrainTime"/>, so a close never turns into a reset). Used by one task at a time.
/// </summary>
public sealed class FixtureConnection
{
    /// <summary>Longest wait of one read or send.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the client's FIN after the fixture's.</summary>
    public static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(2);

    private const int ChunkSize = 64 * 1024;
    private const int MaxDrainChunks = 1024;

    private readonly Socket _socket;
    private readonly CancellationToken _stop;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private byte[] _buffered = [];
    private bool _sentFin;
    private bool _closed;

    internal FixtureConnection(Socket socket, CancellationToken stop)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stop = stop;
    }

    /// <summary>Cancelled when the fixtures stop.</summary>
    public CancellationToken Stopping => _stop;

    /// <summary>Sends the Latin-1 bytes of <paramref name="text"/>.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Sends every byte of <paramref name="data"/>.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> data)
    {
        using var limit = Limit();
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None, limit.Token).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <summary>The next bytes the client sent (what is buffered first); empty at the client's FIN.</summary>
    public async Task<ReadOnlyMemory<byte>> ReceiveAsync()
    {
        if (_buffered.Length > 0)
        {
            var data = _buffered;
            _buffered = [];
            return data;
        }
        using var limit = Limit();
        var n = await _socket.ReceiveAsync(_chunk, SocketFlags.None, limit.Token).ConfigureAwait(false);
        return _chunk.AsMemory(0, n).ToArray();
    }

    /// <summary>
    /// The bytes before the next <paramref name="terminator"/> (Latin-1), which is consumed; what follows stays buffered.
    /// Null when the client closed first; <see cref="InvalidDataException"/> when it sent more than
    /// <paramref name="maxBytes"/> without the terminator.
    /// </summary>
    public async Task<string?> ReadUntilAsync(string terminator, int maxBytes)
    {
        var pattern = Encoding.Latin1.GetBytes(terminator);
        using var data = new MemoryStream();
        data.Write(_buffered);
        _buffered = [];
        using var limit = Limit();
        // Bounded: every pass adds at least one byte and the total is capped by maxBytes.
        while (true)
        {
            var span = data.GetBuffer().AsSpan(0, (int)data.Length);
            var at = span.IndexOf(pattern);
            if (at > maxBytes || (at < 0 && data.Length > maxBytes + pattern.Length))
                throw new InvalidDataException($"more than {maxBytes} bytes without {terminator.Length}-byte terminator");
            if (at >= 0)
            {
                _buffered = span[(at + pattern.Length)..].ToArray();
                return Encoding.Latin1.GetString(span[..at]);
            }
            var n = await _socket.ReceiveAsync(_chunk, SocketFlags.None, limit.Token).ConfigureAwait(false);
            if (n == 0) return null;
            data.Write(_chunk, 0, n);
        }
    }

    /// <summary>Sends FIN now; the socket is released by <see cref="CloseAsync"/>.</summary>
    public void ShutdownSend()
    {
        if (_sentFin || _closed) return;
        _sentFin = true;
        _socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Graceful close: FIN, read and drop until the client's FIN (bounded), release the socket.</summary>
    public async Task CloseAsync()
    {
        if (_closed) return;
        try
        {
            if (!_stop.IsCancellationRequested)
            {
                ShutdownSend();
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop);
                limit.CancelAfter(DrainTime);
                for (var i = 0; i < MaxDrainChunks; i++)
                    if (await _socket.ReceiveAsync(_chunk, SocketFlags.None, limit.Token).ConfigureAwait(false) == 0) break;
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Best effort: the client may be gone already.
        }
        finally
        {
            _closed = true;
            _socket.Dispose();
        }
    }

    private CancellationTokenSource Limit()
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop);
        limit.CancelAfter(IdleTimeout);
        return limit;
    }
}
