using System.Text;
using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Modules;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// What the Lua host asks of the connection actors for a request: the manager is a probe, so the test reads the
/// <see cref="OpenConnection"/> the host sends (no socket is opened).
/// </summary>
public sealed class RequestShapeTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(
    ConfigurationFactory.ParseString("""
        actortcp.io.read-size = 96 KiB
        actortcp.read-chunk-size = 4096
        """).WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")))),
    "request-shape", output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="script"/> on a Lua host whose manager is a probe; returns the first <paramref name="count"/> requests.</summary>
    private async Task<ConnectionRequest[]> RequestsOfAsync(string script, int count)
    {
        var manager = CreateTestProbe();
        var host = Sys.ActorOf(LuaHostActor.Props(manager.Ref, new PrintedLines()));
        host.Tell(new RunScript("shape.lua", Encoding.UTF8.GetBytes(script), [], TestActor), TestActor);
        var requests = new ConnectionRequest[count];
        for (var i = 0; i < count; i++) requests[i] = (await manager.ExpectMsgAsync<OpenConnection>(Wait)).Request;
        return requests;
    }

    [Fact]
    public async Task Partial_request_takes_one_socket_read_of_chunks_per_message()
    {
        var requests = await RequestsOfAsync("""
            local tcp = require 'rspamd_tcp'
            tcp.request{host = '127.0.0.1', port = 9, partial = true, read = true, callback = function() end}
            tcp.request{host = '127.0.0.1', port = 9, read = true, callback = function() end}
            """, 2);

        Assert.True(requests[0].Partial);
        Assert.Equal(96 * 1024 / 4096, requests[0].PartialBatch);
        Assert.False(requests[1].Partial);
    }

    [Fact]
    public async Task Small_table_of_pieces_is_written_as_one_piece_and_a_large_one_keeps_its_pieces()
    {
        var requests = await RequestsOfAsync($$"""
            local tcp = require 'rspamd_tcp'
            local text = require 'rspamd_text'
            tcp.request{host = '127.0.0.1', port = 9, data = {'HELO ', text.fromstring('a.b'), '', '\r\n'}, read = false,
              callback = function() end}
            local big = string.rep('x', {{DataPieces.MergeLimit}})
            tcp.request{host = '127.0.0.1', port = 9, data = {big, 'y'}, read = false, callback = function() end}
            """, 2);

        var small = Assert.IsType<WriteSpec>(Assert.Single(requests[0].Handlers));
        var piece = Assert.Single(small.Data);
        Assert.Equal("HELO a.b\r\n", Encoding.Latin1.GetString(piece.Span));

        var large = Assert.IsType<WriteSpec>(Assert.Single(requests[1].Handlers));
        Assert.Equal([DataPieces.MergeLimit, 1], large.Data.Select(d => d.Length));
    }
}
