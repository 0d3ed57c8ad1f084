using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Metrics;
using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// <see cref="ActorTcpTestKit"/> with a <see cref="MetricsRecorder"/> on this test's actor system's meter, started
/// before anything is measured; the instrument names of docs/metrics.md as constants.
/// </summary>
public abstract class MetricsTestKit : ActorTcpTestKit
{
    protected const string Opened = "actortcp.connection.opened";
    protected const string Active = "actortcp.connection.active";
    protected const string Closed = "actortcp.connection.closed";
    protected const string ConnectionDuration = "actortcp.connection.duration";
    protected const string ConnectDuration = "actortcp.connection.connect.duration";
    protected const string HandshakeDuration = "actortcp.tls.handshake.duration";
    protected const string IoBytes = "actortcp.io.bytes";
    protected const string QueueMax = "actortcp.handler_queue.depth.max";
    protected const string DnsLookups = "actortcp.dns.lookups";
    protected const string DnsLookupDuration = "actortcp.dns.lookup.duration";
    protected const string LuaCallbacks = "actortcp.lua.callbacks";
    protected const string LuaCallbackDuration = "actortcp.lua.callback.duration";
    protected const string BudgetStops = "actortcp.lua.budget_stops";
    protected const string Sessions = "actortcp.lua.sessions";
    protected const string Tasks = "actortcp.lua.tasks";
    protected const string TaskDuration = "actortcp.lua.task.duration";
    protected const string UpstreamAlive = "actortcp.upstream.alive";
    protected const string UpstreamErrors = "actortcp.upstream.errors";
    protected const string UpstreamFailures = "actortcp.upstream.failures";

    protected MetricsTestKit(ITestOutputHelper output, string? hocon = null, ScriptedDns? dns = null) : base(output, hocon, dns)
    {
        Metrics = ActorTcpMetrics.Get(Sys);
        Recorder = Own(new MetricsRecorder(Metrics.Meter));
    }

    /// <summary>This test's actor system's metrics.</summary>
    protected ActorTcpMetrics Metrics { get; }

    /// <summary>Every measurement of <see cref="Metrics"/> since the test started.</summary>
    protected MetricsRecorder Recorder { get; }

    /// <summary>A dialogue that ends normally: PING written, PONG read (6 bytes each way), then returned and closed.</summary>
    protected async Task PingPongAsync()
    {
        var peer = StartPeer(s => s.ExpectLine("PING").SendLine("PONG"));
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "PING\r\n"), ReadHandler(r1, "\r\n")));
        await ExpectReadAsync(conn, r1, "PONG");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    /// <summary>A read on a port that refuses connections: failed and closed.</summary>
    protected async Task RefusedAsync()
    {
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(RefusingPeer(), ReadHandler(r1, "\r\n")));
        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.SocketError("Connection refused"));
    }

    /// <summary>PING written, then the peer resets the connection: the read fails and the connection closes.</summary>
    protected async Task ResetAfterPingAsync()
    {
        var peer = StartPeer(s => s.ExpectLine("PING").Reset());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "PING\r\n"), ReadHandler(r1, "\r\n")));
        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.ReadError("Connection reset by peer"));
    }

    /// <summary>Waits (bounded) until the sum of the measurements of <paramref name="instrument"/> with <paramref name="tags"/> is <paramref name="expected"/>.</summary>
    protected Task AwaitSumAsync(double expected, string instrument, params (string Key, string Value)[] tags) =>
        AwaitAssertAsync(() => Recorder.AssertSum(expected, instrument, tags), DefaultWait, TimeSpan.FromMilliseconds(20));

    /// <summary>Asserts that every measurement of the histogram <paramref name="instrument"/> with <paramref name="tags"/> is a positive duration, and returns their count.</summary>
    protected int DurationsOf(string instrument, params (string Key, string Value)[] tags)
    {
        var durations = Recorder.Of(instrument, tags);
        Assert.All(durations, d => Assert.InRange(d.Value, 1e-9, 60));
        return durations.Count;
    }
}
