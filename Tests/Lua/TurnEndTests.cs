using System.Net;
using System.Text;
using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.LuaApi;
using ActorTcp.TestKit;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// What the Lua host sends a connection when a callback ends: the manager and the connection actor are probes, so the
/// test reads the commands themselves. A callback's first added handler goes with the turn's end in one message; any
/// other command sends it first, so the connection sees every command in the order the callback issued it.
/// </summary>
public sealed class TurnEndTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(
    ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf"))),
    "turn-end", output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="script"/> on a Lua host whose manager and connection actor are probes, and answers its one
    /// request with <c>ConnectionStarted</c>; returns the request and the probe standing for the connection actor.
    /// </summary>
    private async Task<(IActorRef Host, ConnectionRequest Request, TestProbe Connection)> StartedAsync(string script)
    {
        var manager = CreateTestProbe();
        var connection = CreateTestProbe();
        var host = Sys.ActorOf(LuaHostActor.Props(manager.Ref, new PrintedLines()));
        host.Tell(new RunScript("turn.lua", Encoding.UTF8.GetBytes(script), [], TestActor), TestActor);
        var request = (await manager.ExpectMsgAsync<OpenConnection>(Wait)).Request;
        host.Tell(new ConnectionStarted(request.RequestId, connection.Ref), connection.Ref);
        return (host, request, connection);
    }

    /// <summary>
    /// Runs a request whose write callback is <paramref name="callback"/>, completes the write, and returns the probe
    /// standing for the connection actor, with the write's callback run.
    /// </summary>
    private async Task<TestProbe> WriteCallbackRanAsync(string callback)
    {
        var (host, request, connection) = await StartedAsync($$"""
            local tcp = require 'rspamd_tcp'
            tcp.request{host = '127.0.0.1', port = 9, data = 'x', read = false, callback = {{callback}}}
            """);
        host.Tell(new WriteCompleted(request.RequestId, request.Handlers[0].HandlerId), connection.Ref);
        return connection;
    }

    /// <summary>Expects the turn to end in one message: an <see cref="AddHandler"/> of a <typeparamref name="TSpec"/> with <c>EndsTurn</c>, and nothing after.</summary>
    private static async Task ExpectTurnEndedWithAsync<TSpec>(TestProbe connection) where TSpec : HandlerSpec
    {
        var add = await connection.ExpectMsgAsync<AddHandler>(Wait);
        Assert.True(add.EndsTurn);
        Assert.IsType<TSpec>(add.Handler);
        await connection.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_callback_that_adds_one_handler_ends_its_turn_in_one_message()
    {
        var connection = await WriteCallbackRanAsync("function(err, conn) conn:add_read(function() end, '\\n') end");

        await ExpectTurnEndedWithAsync<ReadSpec>(connection);
    }

    [Fact]
    public async Task A_connect_sync_coroutine_resumed_by_its_connection_sends_its_next_operation_with_the_turns_end()
    {
        var (host, request, connection) = await StartedAsync("""
            local tcp = require 'rspamd_tcp'
            local ok, conn = tcp.connect_sync{host = '127.0.0.1', port = 9}
            conn:write('x')
            """);
        host.Tell(new ConnectionEstablished(request.RequestId, new IPEndPoint(IPAddress.Loopback, 9)), connection.Ref);

        await ExpectTurnEndedWithAsync<WriteSpec>(connection);
    }

    [Fact]
    public async Task A_callback_that_adds_two_handlers_sends_both_in_order_then_returns()
    {
        var connection = await WriteCallbackRanAsync("""
            function(err, conn)
              conn:add_write(function() end, 'y')
              conn:add_read(function() end, '\n')
            end
            """);

        var first = await connection.ExpectMsgAsync<AddHandler>(Wait);
        Assert.IsType<WriteSpec>(first.Handler);
        Assert.False(first.EndsTurn);
        var second = await connection.ExpectMsgAsync<AddHandler>(Wait);
        Assert.IsType<ReadSpec>(second.Handler);
        Assert.False(second.EndsTurn);
        await connection.ExpectMsgAsync<CallbackReturned>(Wait);
    }

    [Fact]
    public async Task A_callback_that_adds_a_handler_then_closes_sends_the_handler_before_the_close()
    {
        var connection = await WriteCallbackRanAsync("function(err, conn) conn:add_read(function() end, '\\n'); conn:close() end");

        var add = await connection.ExpectMsgAsync<AddHandler>(Wait);
        Assert.False(add.EndsTurn);
        Assert.Same(CloseConnection.FromTurn, await connection.ExpectMsgAsync<CloseConnection>(Wait));
        // A closed connection's turn ends with the close: nothing follows.
        await connection.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }
}
