using System.Net;
using System.Net.Sockets;

namespace ActorTcp.Tests.Support;

/// <summary>
/// A server on 127.0.0.1 that accepts, never sends, and records each client's close (read returning 0 or a reset):
/// proof that a destroyed session really closed its sockets. Bounded: at most 64 connections, each held 30 s at most.
/// </summary>
public sealed class HoldingServer : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private int _accepted;
    private int _closed;

    /// <summary>Listens on a free port.</summary>
    public HoldingServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _ = AcceptLoopAsync();
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections the client closed so far.</summary>
    public int Closed => Volatile.Read(ref _closed);

    /// <summary>Waits (bounded by <paramref name="limit"/>) until <paramref name="count"/> clients closed; returns whether they did.</summary>
    public async Task<bool> WaitClosedAsync(int count, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (Closed < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        return Closed >= count;
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            for (var i = 0; i < 64; i++)
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                _ = HoldAsync(socket);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task HoldAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                limit.CancelAfter(TimeSpan.FromSeconds(30));
                var buffer = new byte[4096];
                // Bounded by the 30 s limit; what the client sends is dropped.
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token) > 0) { }
                Interlocked.Increment(ref _closed);
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _closed); // a reset is a close too
            }
            catch (OperationCanceledException)
            {
                // Held too long, or stopped.
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }
}

/// <summary>
/// A listener on 127.0.0.1 whose accept queue is full (backlog 1, never accepting, filled by its own clients), so a
/// new connect stays pending: the kernel drops its SYNs. For "deadline mid-connect".
/// </summary>
public sealed class FullBacklogListener : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _fillers = [];

    /// <summary>Listens and fills the queue.</summary>
    public FullBacklogListener()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        for (var i = 0; i < 4; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try
            {
                filler.Connect(new IPEndPoint(IPAddress.Loopback, Port));
            }
            catch (SocketException)
            {
                // In progress (non-blocking), or dropped: either way it takes a place or proves the queue full.
            }
            _fillers.Add(filler);
        }
        Thread.Sleep(100); // let the handshakes that can complete do so
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var filler in _fillers) filler.Dispose();
        _listener.Dispose();
    }
}

/// <summary>A UDP socket on 127.0.0.1 that reads DNS queries and never answers: resolving through it hangs until the resolver's timeout.</summary>
public sealed class SilentDnsServer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    /// <summary>Binds a free port.</summary>
    public SilentDnsServer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}
