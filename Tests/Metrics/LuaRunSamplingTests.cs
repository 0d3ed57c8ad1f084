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
    public async Task One_run_in_four_is_timed_and_every_run_is_counted()
    {
        var peer = StartPeer(s =>
        {
            for (var i = 0; i < 7; i++) s.ExpectLine("PING").SendLine("PONG");
        });

        // The body, on_connect, a write and a read callback per PING, and the request's own callback: 17 runs, four timed.
        (await RunLuaAsync($$"""
            local left = 7
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

        await AwaitSumAsync(17, LuaCallbacks);
        Assert.Equal(4, DurationsOf(LuaCallbackDuration));
    }

    [Fact]
    public void A_sample_below_one_is_a_configuration_error()
    {
        var error = Assert.Throws<Akka.Configuration.ConfigurationException>(() => ActorTcp.LuaApi.LuaSandboxSettings.Create(
            Akka.Configuration.ConfigurationFactory.ParseString("actortcp.lua.run-duration-sample = 0")));
        Assert.Contains("actortcp.lua.run-duration-sample", error.Message, StringComparison.Ordinal);
    }
}
