using ActorTcp.Actors.Metrics;
using Xunit;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// <see cref="DistributionRecorder"/> and <see cref="Distribution"/>: exact nearest-rank quantiles up to
/// <see cref="DistributionRecorder.ExactCapacity"/> values, within <see cref="DistributionRecorder.RelativeAccuracy"/>
/// past it, every value counted when recorded from several threads at once.
/// </summary>
public sealed class StatsDistributionTests
{
    [Fact]
    public void Up_to_the_capacity_quantiles_are_exact_by_nearest_rank()
    {
        var recorder = new DistributionRecorder();
        foreach (var ms in Enumerable.Range(1, 100).Reverse()) recorder.Record(ms / 1000.0);

        var values = recorder.Snapshot();

        Assert.True(values.IsExact);
        Assert.Equal(100, values.Count);
        Assert.Equal(0.050, values.Quantile(0.5));
        Assert.Equal(0.099, values.Quantile(0.99));
        Assert.Equal(0.100, values.Quantile(1));
        Assert.Equal((0.001, 0.100), (values.Min, values.Max));
    }

    [Fact]
    public void Past_the_capacity_quantiles_are_within_the_relative_accuracy_and_the_bounds_exact()
    {
        var recorder = new DistributionRecorder();
        // Log-uniform from 10 µs to 10 s, in a shuffled order.
        var random = new Random(19);
        var truth = Enumerable.Range(0, 20_000).Select(i => 1e-5 * Math.Pow(1e6, i / 19_999.0)).OrderBy(_ => random.Next()).ToArray();
        foreach (var value in truth) recorder.Record(value);
        Array.Sort(truth);

        var values = recorder.Snapshot();

        Assert.False(values.IsExact);
        Assert.Equal(truth.Length, values.Count);
        Assert.Equal((truth[0], truth[^1]), (values.Min, values.Max));
        foreach (var q in new[] { 0.01, 0.25, 0.5, 0.9, 0.99, 0.999 })
        {
            var exact = Distribution.Of(truth).Quantile(q);
            Assert.InRange(values.Quantile(q) / exact, 1 - DistributionRecorder.RelativeAccuracy - 1e-9,
                1 + DistributionRecorder.RelativeAccuracy + 1e-9);
        }
        Assert.Equal(truth[^1], values.Quantile(1));
    }

    [Fact]
    public async Task Values_recorded_from_several_threads_at_once_are_all_counted_and_all_kept_up_to_the_capacity()
    {
        const int threads = 2, each = DistributionRecorder.ExactCapacity / threads;
        // Many short rounds: threads racing for the exact slots must never take the same one.
        for (var round = 0; round < 100; round++)
        {
            var recorder = new DistributionRecorder();
            await RecordConcurrentlyAsync(recorder, threads, each);

            var values = recorder.Snapshot();
            Assert.True(values.IsExact);
            Assert.Equal(threads * each, values.Count);
            Assert.Equal((1e-6, threads * each * 1e-6), (values.Min, values.Max));
        }

        var beyond = new DistributionRecorder();
        await RecordConcurrentlyAsync(beyond, threads, 5_000);
        Assert.Equal((false, threads * 5_000L), (beyond.Snapshot().IsExact, beyond.Snapshot().Count));
    }

    [Fact]
    public void Nothing_recorded_reads_as_zero_and_a_nan_is_dropped_and_a_negative_value_counts_as_zero()
    {
        var recorder = new DistributionRecorder();
        Assert.Equal((0L, 0.0, 0.0), (recorder.Snapshot().Count, recorder.Snapshot().Quantile(0.99), recorder.Snapshot().Max));

        recorder.Record(double.NaN);
        recorder.Record(-1);

        var values = recorder.Snapshot();
        Assert.Equal(1, values.Count);
        Assert.Equal(0, values.Quantile(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => values.Quantile(0));
    }

    // Thread t records (t + 1)·1e-6, (t + 1 + threads)·1e-6, ...: every value distinct, 1e-6 to threads·each·1e-6. The
    // threads start together (each spins, at most a second, until all are running) so that they race for the slots.
    private static Task RecordConcurrentlyAsync(DistributionRecorder recorder, int threads, int each)
    {
        var running = 0;
        return Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            Interlocked.Increment(ref running);
            SpinWait.SpinUntil(() => Volatile.Read(ref running) == threads, TimeSpan.FromSeconds(1));
            for (var i = 0; i < each; i++) recorder.Record((t + 1 + i * threads) * 1e-6);
        })));
    }
}
