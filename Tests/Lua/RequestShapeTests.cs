using System.Text;
using ActorTcp.Actors;
using ActorTcp.LuaApi;
using ActorTcp.Tests.Support;
using Akka.Configuration;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// How many chunks a partial-mode request lets its connection actor put in one message: one socket read's worth
/// (io.read-size / read-chunk-size), so a stream costs one callback turn per read, whatever the two settings are.
/// The manager is a probe: the test reads the request the Lua host sends, no socket is opened.
/// </summary>
public sealed class PartialBatchTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(
    ConfigurationFactory.ParseString("""
        actortcp.io.read-size = 96 KiB
        actortcp.read-chunk-size = 4096
        """).WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")))),
    "partial-batch", output)
{
    [Fact]
    public async Task Partial_request_takes_one_socket_read_of_chunks_per_message()
    {
        var manager = CreateTestProbe();
        var host = Sys.ActorOf(LuaHostActor.Props(manager.Ref, new PrintedLines()), "lua");
        const string script = """
            local tcp = require 'rspamd_tcp'
            tcp.request{host = '127.0.0.1', port = 9, partial = true, read = true, callback = function() end}
            tcp.request{host = '127.0.0.1', port = 9, read = true, callback = function() end}
            """;
        host.Tell(new RunScript("batch.lua", Encoding.UTF8.GetBytes(script), [], TestActor), TestActor);

        var partial = await manager.ExpectMsgAsync<OpenConnection>(TimeSpan.FromSeconds(10));
        var whole = await manager.ExpectMsgAsync<OpenConnection>(TimeSpan.FromSeconds(10));

        Assert.True(partial.Request.Partial);
        Assert.Equal(96 * 1024 / 4096, partial.Request.PartialBatch);
        Assert.False(whole.Request.Partial);
    }
}
