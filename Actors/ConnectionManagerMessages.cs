using ActorTcp.Actors.Connection;
using Akka.Actor;

namespace ActorTcp.Actors;

/// <summary>
/// Opens a connection: the manager starts a connection actor that reports to <see cref="ReplyTo"/>, beginning with
/// <see cref="ConnectionStarted"/> and ending with <see cref="ConnectionClosed"/>.
/// </summary>
public sealed record OpenConnection(ConnectionRequest Request, IActorRef ReplyTo);

/// <summary>Asks the manager how many connections are open; answered with <see cref="ConnectionCount"/>.</summary>
public sealed class GetConnectionCount
{
    /// <summary>The instance.</summary>
    public static readonly GetConnectionCount Instance = new();
    private GetConnectionCount() { }
}

/// <summary>The number of connection actors alive under the manager.</summary>
public sealed record ConnectionCount(int Open);
