using System.Net;
using System.Net.Sockets;
using ActorTcp.Actors.Transport;
using ActorTcp.TestKit;
using Akka.TestKit;

namespace ActorTcp.Tests.Transport;

/// <summary>
/// A scripted peer that hands its one accepted connection to the test, which drives the peer's side step by step;
/// the connection stays open until the test ends (or the peer closes or resets it).
/// </summary>
internal sealed class TransportPeer : IDisposable
{
    private readonly TaskCompletionSource<PeerConnection> _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TransportPeer() =>
        Peer = ScriptedPeer.Start(async (c, token) =>
        {
            _accepted.TrySetResult(c);
            await _done.Task.WaitAsync(token);
        });

    public ScriptedPeer Peer { get; }

    public EndPoint EndPoint => Peer.EndPoint;

    /// <summary>The accepted connection (bounded wait).</summary>
    public Task<PeerConnection> AcceptedAsync() => _accepted.Task.WaitAsync(TimeSpan.FromSeconds(10));

    public void Dispose()
    {
        _done.TrySetResult();
        Peer.Dispose();
        Peer.AssertScriptFollowed();
    }

    /// <summary>A socket transport owned by <paramref name="owner"/>, connected to this peer.</summary>
    public async Task<(SocketTransport Transport, PeerConnection Peer)> ConnectAsync(TestProbe owner, int readSize = 64 * 1024, bool leaseReads = false)
    {
        var transport = new SocketTransport(owner.Ref, readSize, AddressFamily.InterNetwork, leaseReads);
        transport.Connect(EndPoint);
        owner.ExpectMsg<TransportEvent.Connected>(TransportTestTimes.Event);
        return (transport, await AcceptedAsync());
    }
}

internal static class TransportTestTimes
{
    /// <summary>Bound of every expected event: a loopback operation, far below it on any machine.</summary>
    public static readonly TimeSpan Event = TimeSpan.FromSeconds(10);
}
