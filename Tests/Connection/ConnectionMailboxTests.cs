using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Dns;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>Connection actors get the small mailbox (<c>actortcp.connection-mailbox</c>), with or without HOCON.conf.</summary>
public sealed class ConnectionMailboxTests(ITestOutputHelper output) : ConnectionTestKit(output)
{
    private static Type QueueOf(IActorRef actor) =>
        ((ActorCell)Assert.IsAssignableFrom<ActorRefWithCell>(actor).Underlying).Mailbox!.MessageQueue.GetType();

    [Fact]
    public async Task Connection_actors_use_the_small_mailbox_of_HOCON_conf()
    {
        var peer = StartPeer(s => s.NeverAnswer());

        var conn = await OpenAsync(RequestTo(peer, ReadHandler(NextId())));

        Assert.Equal(typeof(ConnectionMailbox.SmallQueue), QueueOf(conn.Actor));
        // Declared by HOCON.conf itself, not only by the manager's fallback.
        var hoconConf = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")));
        Assert.Equal(typeof(ConnectionMailbox).FullName + ", ActorTcp.Actors", hoconConf.GetString("actortcp.connection-mailbox.mailbox-type"));
        conn.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task A_manager_in_an_actor_system_without_HOCON_conf_declares_the_mailbox_and_the_dispatcher_itself_and_serves()
    {
        var peer = StartPeer(s => s.Send("hello\r\n").NeverAnswer());
        using var bare = ActorSystem.Create("bare", ConfigurationFactory.Empty);
        var settings = ActorTcpSettings.Default;
        var manager = bare.ActorOf(ConnectionManager.Props(settings, bare.ActorOf(ResolverActor.Props(settings))));
        var r1 = NextId();

        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")), manager: manager);
        await ExpectReadAsync(conn, r1, "hello");

        Assert.Equal(typeof(ConnectionMailbox.SmallQueue), QueueOf(conn.Actor));
        var cell = (ActorCell)Assert.IsAssignableFrom<ActorRefWithCell>(conn.Actor).Underlying;
        Assert.Equal("actortcp.io-dispatcher", cell.Dispatcher.Id);
        Return(conn);
        await ExpectClosedAsync(conn);
        await bare.Terminate();
    }
}
