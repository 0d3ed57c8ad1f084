using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Dns;
using ActorTcp.Actors.Metrics;
using ActorTcp.TestKit;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// One meter per actor system: a listener tells its system's measurements from another's by the meter object, the
/// meter carries the node, and it is disposed with its system.
/// </summary>
public sealed class MeterScopingTests(ITestOutputHelper output) : MetricsTestKit(output)
{
    [Fact]
    public async Task Two_actor_systems_have_two_meters_of_one_name_and_each_counts_its_own_connections()
    {
        var other = ActorSystem.Create("other", ActorTcpTestKit.BuildConfig());
        var otherMetrics = ActorTcpMetrics.Get(other);
        using var otherRecorder = new MetricsRecorder(otherMetrics.Meter);
        try
        {
            Assert.Equal(ActorTcpMetrics.MeterName, otherMetrics.Meter.Name);
            Assert.Equal(Metrics.Meter.Name, otherMetrics.Meter.Name);
            Assert.NotSame(Metrics.Meter, otherMetrics.Meter);
            Assert.Same(otherMetrics, ActorTcpMetrics.Get(other));

            var settings = ActorTcpSettings.Create(other.Settings.Config);
            var manager = other.ActorOf(ConnectionManager.Props(settings, other.ActorOf(ResolverActor.Props(settings))));
            var peer = RefusingPeer();
            var probe = CreateTestProbe(other);
            manager.Tell(new OpenConnection(RequestTo(peer) with { NotifyConnectError = true }, probe.Ref));
            await probe.FishForMessageAsync(m => m is ConnectionClosed, DefaultWait);

            await AwaitAssertAsync(() => otherRecorder.AssertSum(1, Closed, ("outcome", "refused")), DefaultWait);
            Recorder.AssertSum(0, Opened);
        }
        finally
        {
            await other.Terminate().WaitAsync(DefaultWait);
        }
        // Disposed with its system: its instruments are unpublished, so nobody listens to them any more. Akka runs
        // termination callbacks newest first and completes Terminate() with the newest one, so the meter's (registered
        // early, with the extension) may still be running when the await above returns.
        await AwaitAssertAsync(() => Assert.False(otherMetrics.ConnectionsOpened.Enabled), DefaultWait);
    }

    [Fact]
    public void The_node_is_the_system_name_without_remoting_and_a_tag_of_the_meter()
    {
        Assert.Equal("actortcp-test", Metrics.Node);
        Assert.Contains(new KeyValuePair<string, object?>("node", "actortcp-test"), Metrics.Meter.Tags!);
    }

    [Fact]
    public async Task The_node_of_a_remoting_system_is_its_host_and_port()
    {
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.loglevel = WARNING
            """);
        var remote = ActorSystem.Create("remote", config);
        try
        {
            var address = ((ExtendedActorSystem)remote).Provider.DefaultAddress;
            Assert.Equal($"127.0.0.1:{address.Port}", ActorTcpMetrics.Get(remote).Node);
        }
        finally
        {
            await remote.Terminate().WaitAsync(DefaultWait);
        }
    }
}
