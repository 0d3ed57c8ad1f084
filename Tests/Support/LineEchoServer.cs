using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorTcp.Tests.Support;

/// <summary>
/// The <c>many</c> server: a line echo server on 127.0.0.1 for thousands of concurrent connections (the scripted
/// servers stop at 256). Each connection: read up to <c>\n</c>, send the line back with its <c>\n</c>, drain until the
/// client closes (at most 10 s), close. Stops accepting past <see cref="MaxConnections"/>.
/// </summary>
public sealed class LineEchoServer : IDisposable
{
    /// <summary>Most connections accepted over the server's life.</summary>
    public const int MaxConnections = 20000;

    private static readonly TimeSpan ConnectionLimit = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly List<Socket> _sockets = [];
    private readonly Lock _gate = new();
    private int _accepted;

    private readonly bool _echoEverything;

    /// <summary>
    /// Listens on 127.0.0.1 with <paramref name="port"/> (0: a free one; a given port lets a stopped server come back
    /// where it was). With <paramref name="echoEverything"/>, every chunk received is sent back until the client closes
    /// (for persistent connections) instead of one line.
    /// </summary>
    public LineEchoServer(bool echoEverything = false, int port = 0)
    {
        _echoEverything = echoEverything;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // The port's earlier connections may linger in TIME_WAIT when a server comes back on it.
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _listener.Listen(2048);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            if (Interlocked.Increment(ref _accepted) > MaxConnections)
            {
                socket.Dispose();
                return;
            }
            lock (_gate)
            {
                if (_stop.IsCancellationRequested)
                {
                    socket.Dispose();
                    return;
                }
                _sockets.Add(socket);
            }
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        limit.CancelAfter(ConnectionLimit);
        var buffer = new byte[4096];
        var filled = 0;
        try
        {
            while (_echoEverything)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
                if (n == 0) return;
                var reply = buffer.AsMemory(0, n);
                while (!reply.IsEmpty) reply = reply[await socket.SendAsync(reply, SocketFlags.None, limit.Token)..];
            }
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, limit.Token);
                if (n == 0) return;
                filled += n;
                var end = Array.IndexOf(buffer, (byte)'\n', 0, filled);
                if (end >= 0)
                {
                    var reply = buffer.AsMemory(0, end + 1);
                    while (!reply.IsEmpty) reply = reply[await socket.SendAsync(reply, SocketFlags.None, limit.Token)..];
                    break;
                }
                if (filled == buffer.Length) return;
            }
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token) > 0) { }
        }
        catch (Exception)
        {
            // The client went away, the limit expired or the server stops.
        }
        finally
        {
            socket.Dispose();
            lock (_gate) _sockets.Remove(socket);
        }
    }

    /// <summary>Stops accepting and closes every connection.</summary>
    public void Dispose()
    {
        Socket[] sockets;
        lock (_gate)
        {
            _stop.Cancel();
            sockets = [.. _sockets];
        }
        _listener.Dispose();
        foreach (var socket in sockets) socket.Dispose();
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Cancelled.
        }
    }
}
