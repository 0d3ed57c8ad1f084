using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// <c>actortcp.lua.run-duration-sample</c>: the run duration histogram times one run in N on each host, while the run
/// counts stay exact.
/// </summary>
public sealed class LuaRunSamplingTests(ITestOutputHelper output)
    : MetricsTestKit(output, "actortcp.lua.run-duration-sample = 4")
{
    [Fact]
    public async Task About_one_run_in_four_is_timed_and_every_run_is_counted()
    {
        const int Pings = 100;
        var peer = StartPeer(s =>
        {
            for (var i = 0; i < Pings; i++) s.ExpectLine("PING").SendLine("PONG");
        });

        // The body, on_connect, a write and a read callback per PING, and the request's own callback: 203 runs.
        (await RunLuaAsync($$"""
            local left = {{Pings}}
            local function ping(conn)
              conn:add_write(function()
                conn:add_read(function()
                  left = left - 1
                  if left > 0 then ping(conn) else conn:close() end
                end, '\r\n')
              end, 'PING\r\n')
            end
            require('rspamd_tcp').request{host = '127.0.0.1', port = {{peer.Port}}, stop_pattern = '\r\n',
              on_connect = function(conn) ping(conn) end, callback = function() end}
            """)).AssertSucceeded();

        await AwaitSumAsync(2 * Pings + 3, LuaCallbacks);
        // 203 / 4 = 51 on average; random gaps of 1-7 runs put it within 51 +- 4 most of the time, never near these bounds.
        Assert.InRange(DurationsOf(LuaCallbackDuration), 30, 80);
    }

    [Fact]
    public void A_sample_below_one_is_a_configuration_error()
    {
        var error = Assert.Throws<Akka.Configuration.ConfigurationException>(() => ActorTcp.LuaApi.LuaSandboxSettings.Create(
            Akka.Configuration.ConfigurationFactory.ParseString("actortcp.lua.run-duration-sample = 0")));
        Assert.Contains("actortcp.lua.run-duration-sample", error.Message, StringComparison.Ordinal);
    }
}
