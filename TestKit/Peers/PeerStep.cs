namespace ActorTcp.TestKit;

/// <summary>How a step leaves the dialogue.</summary>
internal enum PeerStepEnd
{
    /// <summary>The next step follows.</summary>
    Continues,

    /// <summary>The connection is over (close, reset, a refused TLS handshake): no step may follow.</summary>
    EndsConnection,

    /// <summary>
    /// The dialogue is over but the connection is held (never answer, stop reading) until the client goes, the peer
    /// stops or the script's bound passes: the script counts as done when the hold starts. No step may follow.
    /// </summary>
    Holds,
}

/// <summary>One step of a <see cref="PeerScript"/>: what failure messages call it, and what it does.</summary>
/// <param name="Description">E.g. <c>expect line "QUIT"</c>.</param>
/// <param name="Run">Does the step; throws with a message saying what was received when the client deviates.</param>
/// <param name="End">Whether steps may follow.</param>
internal sealed record PeerStep(string Description, Func<PeerConnection, Task> Run, PeerStepEnd End = PeerStepEnd.Continues);

/// <summary>The client did something else than a step expects; the message says what it did.</summary>
internal sealed class PeerDeviation(string message) : Exception(message);
