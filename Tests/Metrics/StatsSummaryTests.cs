using System.Text.RegularExpressions;
using ActorTcp.Actors.Metrics;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// <see cref="MetricsSummary"/> on this test's actor system, driven by real connections to scripted peers on
/// 127.0.0.1 (a dialogue, a refused port, a reset): the totals by outcome, the durations kept for percentiles, the
/// bytes, and the table made of them; it hears no other actor system, and completes when its system terminates.
/// </summary>
public sealed class StatsSummaryTests : MetricsTestKit
{
    private readonly ITestOutputHelper _output;

    public StatsSummaryTests(ITestOutputHelper output) : base(output)
    {
        _output = output;
        Summary = Own(MetricsSummary.Of(Sys));
    }

    private MetricsSummary Summary { get; }

    private static (string, string) Outcome(string value) => ("outcome", value);

    [Fact]
    public async Task A_dialogue_a_refused_port_and_a_reset_are_summed_by_outcome_with_their_durations_and_bytes()
    {
        await PingPongAsync();
        await RefusedAsync();
        await ResetAfterPingAsync();

        // A connection's duration is recorded just after it is counted closed, on the actor's thread: wait for both.
        var snapshot = await AwaitSnapshotAsync(s => s.Sum(Closed) == 3 && s.HistogramOf(ConnectionDuration, Outcome("reset")) is not null);

        Assert.Equal(3, snapshot.Sum(Opened));
        Assert.Equal(0, snapshot.Sum(Active));
        foreach (var outcome in new[] { "ok", "refused", "reset" })
        {
            Assert.Equal(1, snapshot.Sum(Closed, Outcome(outcome)));
            var duration = snapshot.HistogramOf(ConnectionDuration, Outcome(outcome));
            Assert.True(duration is { Count: 1, IsExact: true }, outcome);
            Assert.InRange(duration.Quantile(0.99), 1e-7, 10);
        }
        Assert.Equal(2, snapshot.HistogramOf(ConnectDuration, Outcome("ok"))?.Count);
        Assert.Equal(1, snapshot.HistogramOf(ConnectDuration, Outcome("refused"))?.Count);
        Assert.Equal(12, snapshot.Sum(IoBytes, ("network.io.direction", "transmit")));
        Assert.Equal(6, snapshot.Sum(IoBytes, ("network.io.direction", "receive")));

        var table = SummaryTable.Format(snapshot);
        _output.WriteLine(table);
        Assert.Matches(TableRow("connections \\(start to end\\)", 3, latency: false), table);
        foreach (var outcome in new[] { "ok", "refused", "reset" }) Assert.Matches(TableRow($"  {outcome}", 1, latency: true), table);
        Assert.Matches(TableRow("connects that succeeded", 2, latency: true), table);
        Assert.Matches(TableRow("bytes transmitted", 12, latency: false), table);
    }

    [Fact]
    public async Task A_summary_hears_only_its_own_actor_system_and_completes_when_that_system_terminates()
    {
        var other = ActorSystem.Create("other", BuildConfig());
        using var otherSummary = MetricsSummary.Of(other);
        try
        {
            await RefusedAsync();
            await AwaitSnapshotAsync(s => s.Sum(Closed, Outcome("refused")) == 1);
            Assert.False(otherSummary.Completed.IsCompleted);
        }
        finally
        {
            await other.Terminate().WaitAsync(DefaultWait);
        }
        await otherSummary.Completed.WaitAsync(DefaultWait);
        Assert.Empty(otherSummary.Snapshot().Counters);
        Assert.Empty(otherSummary.Snapshot().Histograms);
        Assert.False(Summary.Completed.IsCompleted);
    }

    /// <summary>The summary's snapshot once <paramref name="ready"/> holds (bounded wait).</summary>
    private async Task<MetricsSnapshot> AwaitSnapshotAsync(Func<MetricsSnapshot, bool> ready)
    {
        MetricsSnapshot snapshot = MetricsSnapshot.Empty;
        await AwaitAssertAsync(() => Assert.True(ready(snapshot = Summary.Snapshot()), SummaryTable.Format(snapshot)), DefaultWait,
            TimeSpan.FromMilliseconds(20));
        return snapshot;
    }

    // A row of the table: the label, the count, and two durations or none.
    private static Regex TableRow(string label, long count, bool latency) =>
        new($"(?m)^{label} +{count}" + (latency ? @" +[0-9.]+ m?s +[0-9.]+ m?s$" : "$"));
}
