using System.Net;
using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Support;

/// <summary>
/// Base of the connection actor tests: <see cref="ActorTcpTestKit"/> (the actor system from HOCON.conf with test
/// overrides, a resolver, a connection manager, the helpers that drive one connection turn by turn, and the
/// <see cref="ScriptedPeer"/>s the tests talk to) plus the helpers these tests share for payloads and results.
/// </summary>
public abstract class ConnectionTestKit : ActorTcpTestKit
{
    /// <summary>Starts the actor system with <paramref name="extraHocon"/> over the test overrides over HOCON.conf.</summary>
    protected ConnectionTestKit(ITestOutputHelper output, string? extraHocon = null) : base(output, extraHocon)
    {
    }

    // ---- bytes --------------------------------------------------------------------------------------------------

    /// <summary>Concatenates byte arrays.</summary>
    protected static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, at);
            at += part.Length;
        }
        return result;
    }

    /// <summary>
    /// <paramref name="length"/> deterministic bytes covering every value 0..255 (except <paramref name="exclude"/>,
    /// replaced by the next value).
    /// </summary>
    protected static byte[] Payload(int length, int seed = 0, byte? exclude = null)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            var b = (byte)((i * 31 + seed * 7 + i / 256) & 0xFF);
            if (b == exclude) b++;
            data[i] = b;
        }
        return data;
    }

    // ---- results ------------------------------------------------------------------------------------------------

    /// <summary>A task source whose continuations run asynchronously (for server results).</summary>
    protected static TaskCompletionSource<T> NewResult<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The IPv4 form of a loopback address that may come as IPv4-mapped IPv6.</summary>
    protected static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
