using ActorTcp.LuaApi.Pool;
using Xunit;

namespace ActorTcp.Tests.Lua.Pool;

public sealed class HostLoadTests
{
    [Fact]
    public void The_host_running_the_fewest_sessions_takes_the_next_one()
    {
        var load = new HostLoad(3);
        load.Started(0);
        load.Started(0);
        load.Started(1);

        Assert.Equal(2, load.Pick());
    }

    [Fact]
    public void Equal_hosts_take_sessions_in_turn()
    {
        var load = new HostLoad(3);
        var picks = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var host = load.Pick();
            picks.Add(host);
            load.Started(host);
            load.Finished(host);
        }

        Assert.Equal([0, 1, 2, 0, 1, 2], picks);
    }

    [Fact]
    public void Sessions_spread_over_the_hosts_as_they_start_and_a_finished_one_frees_its_host()
    {
        var load = new HostLoad(2);
        var first = load.Pick();
        load.Started(first);
        var second = load.Pick();
        load.Started(second);
        Assert.NotEqual(first, second);

        load.Started(first);
        load.Finished(second);
        Assert.Equal(second, load.Pick());
    }

    [Fact]
    public void A_replaced_host_counts_no_sessions_and_finishing_never_goes_below_zero()
    {
        var load = new HostLoad(2);
        load.Started(1);
        load.Started(1);
        load.Reset(1);
        load.Finished(1);

        Assert.Equal(0, load.Running(1));
    }
}
