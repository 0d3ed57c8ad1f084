using System.Net.Sockets;
using Akka.IO;

namespace ActorTcp.Actors.Transport;

/// <summary>
/// TCP_NODELAY for outgoing connections: rspamd_tcp chats send small requests and wait for the reply, where Nagle's
/// algorithm would hold a second small write back until the first is acknowledged.
/// </summary>
internal sealed class NoDelay : Inet.SocketOption
{
    public static readonly NoDelay Instance = new();

    private NoDelay() { }

    public override void AfterConnect(Socket s) => s.NoDelay = true;
}
