using ActorTcp.Actors.Connection;
using Akka.Actor;
using Akka.TestKit;

namespace ActorTcp.TestKit;

/// <summary>
/// One connection driven by a test (<see cref="ActorTcpTestKit.OpenAsync"/>): its request, the probe that receives its
/// events, and its connection actor.
/// </summary>
public sealed class TestConnection
{
    internal TestConnection(ConnectionRequest request, TestProbe probe, IActorRef actor, TestProbe watcher)
    {
        Request = request;
        Probe = probe;
        Actor = actor;
        Watcher = watcher;
    }

    /// <summary>The request.</summary>
    public ConnectionRequest Request { get; }

    /// <summary>The request's id.</summary>
    public long RequestId => Request.RequestId;

    /// <summary>The ReplyTo of the request: receives every event.</summary>
    public TestProbe Probe { get; }

    /// <summary>The connection actor (from <see cref="ConnectionStarted"/>).</summary>
    public IActorRef Actor { get; }

    /// <summary>A probe that death-watches <see cref="Actor"/>.</summary>
    public TestProbe Watcher { get; }

    /// <summary>Sends a command to the connection actor, from the probe.</summary>
    public void Tell(IConnectionCommand command) => Actor.Tell(command, Probe.Ref);

    /// <summary>(probe, connection actor).</summary>
    public void Deconstruct(out TestProbe probe, out IActorRef connection)
    {
        probe = Probe;
        connection = Actor;
    }
}
