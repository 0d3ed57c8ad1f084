using Xunit.Sdk;

namespace ActorTcp.TestKit;

/// <summary>
/// A client deviated from a <see cref="ScriptedPeer"/>'s script (or never came): an xunit assertion failure whose
/// message names the step and what was received, e.g. <c>ScriptedPeer: step 2 (expect line "QUIT"): received "RSET\r\n"</c>.
/// </summary>
public sealed class ScriptedPeerException : XunitException
{
    /// <summary>A failure with <paramref name="message"/>.</summary>
    public ScriptedPeerException(string message) : base(message) { }
}
