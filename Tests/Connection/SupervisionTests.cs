using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>A connection actor that crashes or is killed is stopped, never restarted, and fails its handlers.</summary>
public sealed class SupervisionTests(ITestOutputHelper output) : ConnectionTestKit(output)
{
    [Fact]
    public async Task Killed_connection_actor_is_stopped_fails_its_queued_handlers_and_releases_its_socket()
    {
        var peerClosed = NewResult<bool>();
        var peer = StartPeer(async (c, _) => peerClosed.TrySetResult(await c.DiscardUntilClosedAsync()));
        long r1 = NextId(), w2 = NextId(), r4 = NextId(), added = NextId();
        var conn = await OpenAsync(RequestTo(peer,
            ReadHandler(r1, "\r\n"), WriteHandler(w2, "x"), SilentReadHandler(NextId()), ReadHandler(r4)) with
        {
            NotifyConnected = true,
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.Zero),
        });

        await ExpectEstablishedAsync(conn);
        Return(conn, new AddHandler(WriteHandler(added, "y")));
        // Now waiting on the network for r1's line.
        await ExpectNothingAsync(conn);
        Assert.Equal(1, await ConnectionCountAsync());

        conn.Actor.Tell(Kill.Instance);

        foreach (var id in new[] { r1, w2, r4, added })
        {
            // Not turns: the actor is gone, nobody to reply to.
            var failed = await ExpectEventAsync<HandlerFailed>(conn);
            Assert.Equal(id, failed.HandlerId);
            Assert.StartsWith("IO error: connection actor stopped", failed.Error);
            Assert.True(failed.Fatal);
        }
        await ExpectClosedAsync(conn);
        await AwaitConnectionCountAsync(0);
        Assert.True(await peerClosed.Task.WaitAsync(DefaultWait), "the socket of the killed connection stayed open");
    }

    [Fact]
    public async Task Manager_keeps_serving_after_a_connection_actor_was_killed()
    {
        var peer = StartPeer(s => s.Send("hello\r\n").NeverAnswer(), new ScriptedPeerOptions { Connections = 2 });
        var victim = await OpenAsync(RequestTo(peer, ReadHandler(NextId(), "NEVER")) with { NotifyConnected = true });
        await ExpectEstablishedAsync(victim);
        Return(victim);
        victim.Actor.Tell(Kill.Instance);
        Assert.StartsWith("IO error: connection actor stopped", (await ExpectEventAsync<HandlerFailed>(victim)).Error);
        await ExpectClosedAsync(victim);

        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));
        await ExpectReadAsync(conn, r1, "hello");
        Return(conn);
        await ExpectClosedAsync(conn);
        await AwaitConnectionCountAsync(0);
    }

    [Fact]
    public async Task Connection_actors_run_on_the_configured_connection_dispatcher()
    {
        var manager = Sys.ActorOf(ConnectionManager.Props(Settings with { ConnectionDispatcher = "actortcp.lua-dispatcher" }, Resolver));
        var peer = StartPeer(s => s.NeverAnswer());

        var conn = await OpenAsync(RequestTo(peer, ReadHandler(NextId())), manager: manager);

        var cell = Assert.IsAssignableFrom<Akka.Actor.ActorRefWithCell>(conn.Actor).Underlying;
        Assert.Equal("actortcp.lua-dispatcher", cell.Props.Dispatcher);
        conn.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(conn);
    }

    [Theory]
    [InlineData(null, "actortcp.io-dispatcher")]
    [InlineData("", "akka.actor.default-dispatcher")]
    public async Task Connection_actors_run_on_their_own_threads_as_HOCON_conf_comes_and_on_the_pool_when_the_setting_is_empty(
        string? setting, string dispatcher)
    {
        var manager = setting is null ? Manager : Sys.ActorOf(ConnectionManager.Props(Settings with { ConnectionDispatcher = setting }, Resolver));
        var peer = StartPeer(s => s.NeverAnswer());

        var conn = await OpenAsync(RequestTo(peer, ReadHandler(NextId())), manager: manager);

        var cell = (Akka.Actor.ActorCell)Assert.IsAssignableFrom<Akka.Actor.ActorRefWithCell>(conn.Actor).Underlying;
        Assert.Equal(dispatcher, cell.Dispatcher.Id);
        conn.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(conn);
    }
}
