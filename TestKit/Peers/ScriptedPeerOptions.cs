using System.Net;

namespace ActorTcp.TestKit;

/// <summary>How a <see cref="ScriptedPeer"/> listens and how long its steps may take.</summary>
public sealed record ScriptedPeerOptions
{
    /// <summary>The defaults: 127.0.0.1, one connection, 5 s per step, 30 s per script.</summary>
    public static ScriptedPeerOptions Default { get; } = new();

    /// <summary>
    /// Bound of each step that waits for the client (an expect, a send the client must read, a TLS handshake); past it
    /// the step fails with "nothing for 5 s". Waits and holds have their own durations.
    /// </summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Bound of one connection's whole script from its accept, and of the wait for the expected connections from
    /// <see cref="ScriptedPeer.Start(Action{PeerScript}, ScriptedPeerOptions?)"/>. A hold (never answer, stop reading)
    /// ends quietly there; any other step still running fails.
    /// </summary>
    public TimeSpan ScriptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many connections the peer accepts, each running the script; one more is a deviation.</summary>
    public int Connections { get; init; } = 1;

    /// <summary>The loopback address listened on: 127.0.0.1 (default) or ::1.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// Listens on 127.0.0.1 and on ::1 with one port (<see cref="Address"/> is then not used), so a client that resolves
    /// <c>localhost</c> to either address reaches the peer; <see cref="ScriptedPeer.Host"/> is 127.0.0.1.
    /// </summary>
    public bool BothLoopbacks { get; init; }

    /// <summary>
    /// Listens on a unix socket of a fresh path in the temporary directory instead of TCP (<see cref="Address"/> is
    /// then not used): the path is <see cref="ScriptedPeer.SocketPath"/> and <see cref="ScriptedPeer.Host"/>, what a
    /// request names as its host. The socket file is deleted when the peer is disposed.
    /// </summary>
    public bool UnixSocket { get; init; }

    internal void Validate()
    {
        if (UnixSocket && BothLoopbacks) throw new ArgumentException("a scripted peer listens on a unix socket or on both loopbacks, not both");
        if (!IPAddress.IsLoopback(Address)) throw new ArgumentException($"a scripted peer listens on loopback only, not {Address}");
        ArgumentOutOfRangeException.ThrowIfLessThan(Connections, 1, nameof(Connections));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StepTimeout, TimeSpan.Zero, nameof(StepTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ScriptTimeout, TimeSpan.Zero, nameof(ScriptTimeout));
    }
}
