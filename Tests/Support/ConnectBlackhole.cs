using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace ActorTcp.Tests.Support;

/// <summary>
/// A port on 127.0.0.1 where connect() stays pending: a listener with backlog 1 that never accepts, whose accept
/// queue is filled first. Linux then drops further SYNs (net.ipv4.tcp_abort_on_overflow = 0), so the client keeps
/// retransmitting its SYN and its connect neither succeeds nor fails. <see cref="CreateAsync"/> verifies it.
/// </summary>
public sealed class ConnectBlackhole : IDisposable
{
    private const int MaxFillers = 16;
    private static readonly TimeSpan FillerWait = TimeSpan.FromMilliseconds(300);

    private readonly Socket _listener;
    private readonly List<Socket> _fillers;

    private ConnectBlackhole(Socket listener, List<Socket> fillers)
    {
        _listener = listener;
        _fillers = fillers;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    /// <summary>The port whose connects hang.</summary>
    public int Port { get; }

    /// <summary>
    /// Fills the accept queue, then checks that one more connect stays pending for <paramref name="verifyFor"/> (which
    /// should cover the first SYN retransmission, 1 s). Throws when this system does not behave so.
    /// </summary>
    public static async Task<ConnectBlackhole> CreateAsync(TimeSpan verifyFor)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        var fillers = new List<Socket>();
        var hole = new ConnectBlackhole(listener, fillers);
        try
        {
            var pending = false;
            for (var i = 0; i < MaxFillers && !pending; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                if (await TryConnectAsync(socket, endPoint, FillerWait).ConfigureAwait(false)) fillers.Add(socket);
                else
                {
                    socket.Dispose();
                    pending = true;
                }
            }
            if (!pending) throw new InvalidOperationException($"the accept queue did not fill after {MaxFillers} connections");

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (await TryConnectAsync(probe, endPoint, verifyFor).ConfigureAwait(false))
                throw new InvalidOperationException("a connect to the full listener completed: connect timeouts cannot be tested here");
            return hole;
        }
        catch
        {
            hole.Dispose();
            throw;
        }
    }

    private static async Task<bool> TryConnectAsync(Socket socket, IPEndPoint endPoint, TimeSpan wait)
    {
        using var limit = new CancellationTokenSource(wait);
        try
        {
            await socket.ConnectAsync(endPoint, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Closes the fillers and the listener.</summary>
    public void Dispose()
    {
        foreach (var filler in _fillers) filler.Dispose();
        _listener.Dispose();
    }
}
