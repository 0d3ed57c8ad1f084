using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// examples/redis_ping.lua run by the built <c>actortcp</c> against a real <c>redis-server</c> (Debian's) that the test
/// starts on a free loopback port and kills at the end.
/// </summary>
public sealed class RedisExampleTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Redis_example_pings_sets_and_gets_over_resp()
    {
        var run = await ActortcpProcess.RunAsync(["run", "examples/redis_ping.lua", "127.0.0.1", $"{redis.Port}"]);

        Assert.True(run.ExitCode == 0, $"{run}\nredis-server:\n{redis.Output}");
        Assert.Equal("""
            PING -> PONG
            SET actortcp:example "hello from rspamd_tcp" -> OK
            GET actortcp:example -> "hello from rspamd_tcp"

            """, run.Stdout);
        Assert.Equal("", run.Stderr);
        // The value really is in Redis, read back by the test itself.
        Assert.Equal("hello from rspamd_tcp", await RedisServer.CommandAsync(redis.Port, "GET actortcp:example"));
    }

    [Fact]
    public async Task Redis_example_stores_a_binary_safe_value_given_as_arguments()
    {
        var value = "line1\r\nline2 \"quoted\" ünïcode";

        var run = await ActortcpProcess.RunAsync(["run", "examples/redis_ping.lua", "127.0.0.1", $"{redis.Port}", "actortcp:args", value]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(value, await RedisServer.CommandAsync(redis.Port, "GET actortcp:args"));
    }

    [Fact]
    public async Task Redis_example_exits_1_with_the_connect_error_when_redis_is_not_there()
    {
        using var closed = new ActorTcp.Hosting.Fixtures.RefusedPort();

        var run = await ActortcpProcess.RunAsync(["run", "examples/redis_ping.lua", "127.0.0.1", $"{closed.Port}"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"cannot connect to redis at 127.0.0.1:{closed.Port}: Socket error detected: Connection refused", run.Stderr);
        Assert.Contains("stack traceback:", run.Stderr);
    }
}
