using System.Net;
using System.Net.Sockets;

namespace ActorTcp.Tests.Support;

/// <summary>How <see cref="ChurnServer"/> treats each connection.</summary>
public enum ChurnMode
{
    /// <summary>Reads up to <c>\n</c>, answers <c>pong\n</c>, waits for the client to close.</summary>
    Pong,

    /// <summary>Never answers; waits for the client to close.</summary>
    Silent,

    /// <summary>Reads one chunk, then resets the connection (RST).</summary>
    Reset,
}

/// <summary>
/// A loopback server for churn tests: unbounded in connection count (unlike the scripted servers), each connection
/// bounded to 10 s. Stops when disposed.
/// </summary>
public sealed class ChurnServer : IDisposable
{
    private static readonly TimeSpan ConnectionLimit = TimeSpan.FromSeconds(10);

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly ChurnMode _mode;

    /// <summary>Listens on a free port of 127.0.0.1.</summary>
    public ChurnServer(ChurnMode mode)
    {
        _mode = mode;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4096);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    private async Task AcceptAsync()
    {
        // Bounded by the server's life: it stops when disposed.
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        limit.CancelAfter(ConnectionLimit);
        var buffer = new byte[256];
        try
        {
            switch (_mode)
            {
                case ChurnMode.Pong:
                    var received = 0;
                    while (received < buffer.Length && Array.IndexOf(buffer, (byte)'\n', 0, received) < 0)
                    {
                        var n = await client.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, limit.Token);
                        if (n == 0) return;
                        received += n;
                    }
                    await client.SendAsync("pong\n"u8.ToArray(), SocketFlags.None, limit.Token);
                    await DrainAsync(client, buffer, limit.Token);
                    break;
                case ChurnMode.Silent:
                    await DrainAsync(client, buffer, limit.Token);
                    break;
                case ChurnMode.Reset:
                    await client.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
                    client.LingerState = new LingerOption(true, 0);
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went first, or the limit passed.
        }
        finally
        {
            client.Dispose();
        }
    }

    private static async Task DrainAsync(Socket client, byte[] buffer, CancellationToken token)
    {
        // Bounded by the connection limit behind the token.
        while (await client.ReceiveAsync(buffer, SocketFlags.None, token) > 0) { }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }
}
