using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace ActorTcp.Tests.Support;

/// <summary>A scripted TCP server on a loopback address (127.0.0.1 unless told otherwise), port chosen by the OS.</summary>
public sealed class LoopbackServer : ScriptedServer
{
    private static readonly ConcurrentBag<Socket> ReservedPorts = [];

    /// <summary>Listens on 127.0.0.1.</summary>
    public LoopbackServer(Func<ServerConnection, CancellationToken, Task> script) : this(script, IPAddress.Loopback) { }

    /// <summary>Listens on <paramref name="address"/> (127.0.0.1 or ::1).</summary>
    public LoopbackServer(Func<ServerConnection, CancellationToken, Task> script, IPAddress address) : base(script)
    {
        var listener = Listen(address, 0);
        Address = address;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        Start([listener]);
    }

    private LoopbackServer(Func<ServerConnection, CancellationToken, Task> script, Socket[] listeners) : base(script)
    {
        Address = IPAddress.Loopback;
        Port = ((IPEndPoint)listeners[0].LocalEndPoint!).Port;
        Start(listeners);
    }

    /// <summary>The address listened on (the IPv4 one for <see cref="OnBothLoopbacks"/>).</summary>
    public IPAddress Address { get; }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>The host text a request uses: <c>127.0.0.1</c> or <c>::1</c>.</summary>
    public string Host => Address.ToString();

    /// <summary>
    /// Listens on 127.0.0.1 and ::1 with the same port, so a client that tries either address for <c>localhost</c>
    /// reaches it.
    /// </summary>
    public static LoopbackServer OnBothLoopbacks(Func<ServerConnection, CancellationToken, Task> script)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var v4 = Listen(IPAddress.Loopback, 0);
            try
            {
                var v6 = Listen(IPAddress.IPv6Loopback, ((IPEndPoint)v4.LocalEndPoint!).Port);
                return new LoopbackServer(script, [v4, v6]);
            }
            catch (SocketException)
            {
                v4.Dispose();
            }
        }
        throw new InvalidOperationException("no port free on both 127.0.0.1 and ::1 after 20 attempts");
    }

    /// <summary>
    /// A port on 127.0.0.1 where nothing listens: connecting is refused. The port stays bound (not listening) for the
    /// life of the test process, so nobody else takes it and a client can never self-connect to it.
    /// </summary>
    public static int ClosedPort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ReservedPorts.Add(socket);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static Socket Listen(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(64);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A scripted server on a unix socket under /tmp; the socket file is deleted on dispose.</summary>
public sealed class UnixServer : ScriptedServer
{
    /// <summary>Listens on a fresh path under /tmp.</summary>
    public UnixServer(Func<ServerConnection, CancellationToken, Task> script) : base(script)
    {
        SocketPath = $"/tmp/actortcp-test-{Guid.NewGuid():N}.sock";
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        Start([listener]);
    }

    /// <summary>The socket's path (the request's host).</summary>
    public string SocketPath { get; }

    /// <summary>A path under /tmp where no socket exists.</summary>
    public static string MissingPath() => $"/tmp/actortcp-missing-{Guid.NewGuid():N}.sock";

    /// <inheritdoc/>
    protected override void OnStopped()
    {
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
