using ActorTcp.LuaApi;
using Xunit;

namespace ActorTcp.Tests.Metrics;

/// <summary><see cref="RunSampler"/>: which Lua runs are timed, on a seeded random source.</summary>
public sealed class RunSamplerTests
{
    private static List<int> Timed(RunSampler sampler, int runs) =>
        Enumerable.Range(0, runs).Where(_ => sampler.Next()).ToList();

    [Fact]
    public void One_times_every_run()
    {
        Assert.Equal(100, Timed(new RunSampler(1, new Random(1)), 100).Count);
    }

    [Fact]
    public void Sixteen_times_one_run_in_sixteen_on_average_starting_with_the_first()
    {
        var timed = Timed(new RunSampler(16, new Random(7)), 160_000);

        Assert.Equal(0, timed[0]);
        Assert.InRange(timed.Count, 9_500, 10_500);
        var gaps = timed.Zip(timed.Skip(1), (a, b) => b - a).ToList();
        Assert.Equal(1, gaps.Min());
        Assert.Equal(31, gaps.Max());
    }

    [Fact]
    public void A_cycle_of_two_runs_has_both_of_its_steps_timed()
    {
        // A round trip's write and read callbacks alternate: an even fixed gap would time only one of them.
        var timed = Timed(new RunSampler(16, new Random(3)), 10_000);

        var writes = timed.Count(i => i % 2 == 0);
        Assert.InRange(writes, timed.Count * 4 / 10, timed.Count * 6 / 10);
    }

    [Fact]
    public void A_gap_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RunSampler(0, new Random(1)));
    }
}
