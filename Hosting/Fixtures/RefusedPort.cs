using System.Net;
using System.Net.Sockets;

namespace ActorTcp.Hosting.Fixtures;

/// <summary>
/// <c>fixtures.refused</c>: a port on 127.0.0.1 bound but not listening, so every connect is refused. It stays bound
/// until disposed, so nothing else takes the port meanwhile.
/// </summary>
public sealed class RefusedPort : IDisposable
{
    private readonly Socket _socket;

    /// <summary>Binds an ephemeral port without listening.</summary>
    public RefusedPort()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>The refused port.</summary>
    public int Port { get; }

    /// <summary>Releases the port.</summary>
    public void Dispose() => _socket.Dispose();
}
