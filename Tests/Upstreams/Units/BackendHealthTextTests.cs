using ActorTcp.Actors.Upstreams;
using Xunit;

namespace ActorTcp.Tests.Upstreams.Units;

public sealed class BackendHealthTextTests
{
    private static readonly UpstreamLimits Limits = UpstreamLimits.Default;

    [Fact]
    public void A_view_written_as_text_reads_back_equal_failures_and_times_included()
    {
        var health = BackendHealth.Fresh("10.0.0.1:25")
            .Fail(new FailureMark(1_000, 7, 1), Limits)
            .Fail(new FailureMark(2_000, 9, 4), Limits)
            .Revive(3_000);
        var dead = Enumerable.Range(1, 4).Aggregate(BackendHealth.Fresh("10.0.0.2:25"),
            (h, i) => h.Fail(new FailureMark(i * 1_000, 3, i), Limits));

        Assert.Equal(health, BackendHealthText.Read(health.Key, BackendHealthText.Write(health)));
        Assert.Equal(dead, BackendHealthText.Read(dead.Key, BackendHealthText.Write(dead)));
        Assert.True(dead.DeadUntil > 0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1 2 3")]
    [InlineData("1 2 3 x")]
    [InlineData("1 2 3 4 5:6")]
    [InlineData("1 2 3 4 5:6:seven")]
    public void Text_that_is_not_a_view_reads_as_nothing(string text)
    {
        Assert.Null(BackendHealthText.Read("k", text));
    }
}
