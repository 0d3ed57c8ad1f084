using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace ActorTcp.Tests.Support;

/// <summary>One accepted connection, as a script sees it. Not thread-safe: a script uses it sequentially.</summary>
public sealed class ServerConnection
{
    /// <summary>Default bound of every operation.</summary>
    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Most bytes a read operation buffers.</summary>
    public const int MaxBufferedBytes = 64 * 1024 * 1024;

    private static readonly TimeSpan FinishDrainTime = TimeSpan.FromSeconds(3);

    private readonly CancellationToken _serverStop;
    private byte[] _pending = [];
    private int _state; // 0 open, 1 FIN sent, 2 closed (reset or aborted)

    internal ServerConnection(Socket socket, int index, CancellationToken serverStop)
    {
        Socket = socket;
        Index = index;
        _serverStop = serverStop;
        if (socket.ProtocolType == ProtocolType.Tcp) socket.NoDelay = true;
    }

    /// <summary>The accepted socket.</summary>
    public Socket Socket { get; }

    /// <summary>0 for the first connection the server accepted, 1 for the next, and so on.</summary>
    public int Index { get; }

    /// <summary>Bound of each operation (a whole read or send).</summary>
    public TimeSpan OperationTimeout { get; set; } = DefaultOperationTimeout;

    /// <summary>Sends the Latin-1 bytes of <paramref name="text"/>.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Sends every byte of <paramref name="data"/>.</summary>
    public Task SendAsync(byte[] data) => SendAsync(data.AsMemory());

    /// <summary>Sends every byte of <paramref name="data"/>.</summary>
    public Task SendAsync(ReadOnlyMemory<byte> data) => RunAsync("send", async token =>
    {
        while (!data.IsEmpty)
        {
            var sent = await Socket.SendAsync(data, SocketFlags.None, token).ConfigureAwait(false);
            data = data[sent..];
        }
        return 0;
    });

    /// <summary>Sends <paramref name="pieces"/> one by one, waiting <paramref name="delay"/> between two pieces.</summary>
    public Task SendSlowlyAsync(IReadOnlyList<string> pieces, TimeSpan delay) =>
        SendSlowlyAsync(pieces.Select(p => Encoding.Latin1.GetBytes(p)).ToArray(), delay);

    /// <summary>Sends <paramref name="pieces"/> one by one, waiting <paramref name="delay"/> between two pieces.</summary>
    public async Task SendSlowlyAsync(IReadOnlyList<byte[]> pieces, TimeSpan delay)
    {
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i > 0) await Task.Delay(delay, _serverStop).ConfigureAwait(false);
            await SendAsync(pieces[i]).ConfigureAwait(false);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; fails if the peer closes first.</summary>
    public Task<byte[]> ReadExactlyAsync(int count) => RunAsync("read exactly", async token =>
    {
        var result = new byte[count];
        var filled = TakePending(result);
        while (filled < count)
        {
            var n = await Socket.ReceiveAsync(result.AsMemory(filled), SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0) throw new EndOfStreamException($"peer closed after {filled} of {count} bytes");
            filled += n;
        }
        return result;
    });

    /// <summary>Reads until the Latin-1 <paramref name="pattern"/>; returns the bytes before it (the rest stays buffered).</summary>
    public Task<byte[]> ReadUntilAsync(string pattern) => ReadUntilAsync(Encoding.Latin1.GetBytes(pattern));

    /// <summary>Reads until <paramref name="pattern"/>; returns the bytes before it (the rest stays buffered).</summary>
    public Task<byte[]> ReadUntilAsync(byte[] pattern) => RunAsync("read until pattern", async token =>
    {
        var (before, rest) = await PatternReads.ReadUntilAsync(_pending, pattern,
            (chunk, t) => Socket.ReceiveAsync(chunk, SocketFlags.None, t), token).ConfigureAwait(false);
        _pending = rest;
        return before;
    });

    /// <summary>Reads every byte until the peer's FIN.</summary>
    public Task<byte[]> ReadToEndAsync(int maxBytes = MaxBufferedBytes) => RunAsync("read to end", async token =>
    {
        using var buffer = new MemoryStream();
        buffer.Write(_pending);
        _pending = [];
        var chunk = new byte[64 * 1024];
        while (true)
        {
            var n = await Socket.ReceiveAsync(chunk, SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0) return buffer.ToArray();
            buffer.Write(chunk, 0, n);
            if (buffer.Length > maxBytes) throw new InvalidOperationException($"more than {maxBytes} bytes before FIN");
        }
    });

    /// <summary>
    /// Graceful close: sends FIN now (the socket can still read). The socket is released when the script ends, after
    /// what the client still sends was read and dropped.
    /// </summary>
    public Task CloseAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) == 0) Socket.Shutdown(SocketShutdown.Send);
        return Task.CompletedTask;
    }

    /// <summary>Abortive close: linger 0 then close, so the peer gets a RST.</summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2) return;
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    /// <summary>
    /// Keeps the connection open, reading and dropping everything, until the peer closes (true; a reset counts as a
    /// close), <paramref name="max"/> elapses (false; default 30 s) or the server stops.
    /// </summary>
    public async Task<bool> SilentAsync(TimeSpan? max = null)
    {
        _pending = [];
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_serverStop);
        limit.CancelAfter(max ?? TimeSpan.FromSeconds(30));
        var chunk = new byte[64 * 1024];
        try
        {
            while (await Socket.ReceiveAsync(chunk, SocketFlags.None, limit.Token).ConfigureAwait(false) > 0) { }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Neither reads nor writes until <paramref name="max"/> elapses (default 30 s) or the server stops.</summary>
    public async Task HoldAsync(TimeSpan? max = null)
    {
        try
        {
            await Task.Delay(max ?? TimeSpan.FromSeconds(30), _serverStop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The server stopped.
        }
    }

    internal void Abort()
    {
        Interlocked.Exchange(ref _state, 2);
        Socket.Dispose();
    }

    internal async Task FinishAsync()
    {
        var state = Interlocked.Exchange(ref _state, 2);
        if (state == 2) return;
        if (_serverStop.IsCancellationRequested)
        {
            Socket.Dispose();
            return;
        }
        try
        {
            if (state == 0) Socket.Shutdown(SocketShutdown.Send);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(_serverStop);
            limit.CancelAfter(FinishDrainTime);
            var chunk = new byte[64 * 1024];
            while (await Socket.ReceiveAsync(chunk, SocketFlags.None, limit.Token).ConfigureAwait(false) > 0) { }
        }
        catch (Exception)
        {
            // Best effort: the peer may already be gone.
        }
        finally
        {
            Socket.Dispose();
        }
    }

    private int TakePending(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _pending.Length);
        _pending.AsSpan(0, n).CopyTo(destination);
        _pending = _pending[n..];
        return n;
    }

    private async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> operation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_serverStop);
        limit.CancelAfter(OperationTimeout);
        try
        {
            return await operation(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_serverStop.IsCancellationRequested)
        {
            throw new TimeoutException($"server connection {Index}: {what} did not finish within {OperationTimeout}");
        }
    }
}
