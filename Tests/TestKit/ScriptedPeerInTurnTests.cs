using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.TestKit;

/// <summary><see cref="ScriptedPeer.InTurn"/>: one script per connection, in the order the client opens them.</summary>
public sealed class ScriptedPeerInTurnTests(ITestOutputHelper output) : ActorTcpTestKit(output)
{
    // Two requests one after the other, each printing its error or its answer.
    private const string TwoRequests = """
        local tcp = require 'rspamd_tcp'
        local host, port, second = ...
        local function ask(line, after)
          tcp.request{host = host, port = tonumber(port), data = line .. '\r\n', stop_pattern = '\r\n', timeout = 3,
            callback = function(err, data) print(err or tostring(data)); if after then after() end end}
        end
        ask('scan', function() ask(second) end)
        """;

    [Fact]
    public async Task Each_connection_runs_its_own_script_in_turn()
    {
        var peer = Own(ScriptedPeer.InTurn([s => s.ExpectLine("scan").Reset(), s => s.ExpectLine("scan").SendLine("clean")]));

        var run = await RunLuaAsync(TwoRequests, args: [peer.Host, $"{peer.Port}", "scan"]);

        Assert.Equal(["IO read error while trying to read data: Connection reset by peer", "clean"], run.AssertSucceeded().Printed);
        await peer.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, peer.AcceptedCount);
    }

    [Fact]
    public async Task A_deviation_on_a_later_connection_names_that_connection_and_its_step()
    {
        var peer = Own(ScriptedPeer.InTurn([s => s.ExpectLine("scan").Reset(), s => s.ExpectLine("scan").SendLine("clean")]));

        await RunLuaAsync(TwoRequests, args: [peer.Host, $"{peer.Port}", "rescan"]);

        var failure = await Assert.ThrowsAsync<ScriptedPeerException>(() => peer.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("ScriptedPeer: connection 2: step 1 (expect line \"scan\"): received \"rescan\\r\\n\"", failure.Message);
    }
}
