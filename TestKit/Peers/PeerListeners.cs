using System.Net;
using System.Net.Sockets;

namespace ActorTcp.TestKit;

/// <summary>
/// The listening sockets of a <see cref="ScriptedPeer"/>, as its options ask: one loopback address, both loopback
/// addresses on one port, or a unix socket.
/// </summary>
internal static class PeerListeners
{
    /// <summary>Attempts at finding a port free on both 127.0.0.1 and ::1.</summary>
    private const int BothLoopbacksAttempts = 20;

    /// <summary>
    /// Binds and listens as <paramref name="options"/> say; returns the sockets (127.0.0.1 first when on both loopbacks)
    /// and the unix socket's path, or null on TCP.
    /// </summary>
    public static (Socket[] Sockets, string? Path) Listen(ScriptedPeerOptions options)
    {
        var backlog = Math.Max(16, options.Connections);
        if (options.UnixSocket)
        {
            var path = Path.Combine(Path.GetTempPath(), $"actortcp-peer-{Guid.NewGuid():N}.sock");
            return ([Listen(new UnixDomainSocketEndPoint(path), backlog)], path);
        }
        return (options.BothLoopbacks ? ListenOnBothLoopbacks(backlog) : [ListenTcp(options.Address, 0, backlog)], null);
    }

    /// <summary>Deletes a unix socket's file (best effort).</summary>
    public static void DeleteSocketFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a file left in the temporary directory harms nobody.
        }
    }

    // The port the system gives on 127.0.0.1 may be taken on ::1: try another (bounded).
    private static Socket[] ListenOnBothLoopbacks(int backlog)
    {
        for (var attempt = 0; attempt < BothLoopbacksAttempts; attempt++)
        {
            var v4 = ListenTcp(IPAddress.Loopback, 0, backlog);
            try
            {
                return [v4, ListenTcp(IPAddress.IPv6Loopback, ((IPEndPoint)v4.LocalEndPoint!).Port, backlog)];
            }
            catch (SocketException)
            {
                v4.Dispose();
            }
        }
        throw new InvalidOperationException($"ScriptedPeer: no port free on both 127.0.0.1 and ::1 after {BothLoopbacksAttempts} attempts");
    }

    private static Socket ListenTcp(IPAddress address, int port, int backlog) =>
        Listen(new IPEndPoint(address, port), backlog);

    private static Socket Listen(EndPoint endPoint, int backlog)
    {
        var protocol = endPoint.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp;
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, protocol);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            socket.Bind(endPoint);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
