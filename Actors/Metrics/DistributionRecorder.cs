namespace ActorTcp.Actors.Metrics;

/// <summary>
/// One histogram series' values, recorded from any thread without a lock: the first <see cref="ExactCapacity"/>
/// values as they are (a slot each, claimed by an interlocked count), and every value in a logarithmic bucket
/// (DDSketch's mapping: bucket <c>i</c> holds (s·γ^(i-1), s·γ^i], read back as its midpoint 2s·γ^i/(γ+1), so a
/// quantile is within <see cref="RelativeAccuracy"/> of the true value). Memory is fixed: about 20 KB a series.
/// </summary>
/// <remarks>
/// A <see cref="Snapshot"/> taken while values still arrive may miss a value whose slot was claimed but not yet written
/// (its count is then one less); taken once writers are done (the actor system terminated), it is complete.
/// </remarks>
internal sealed class DistributionRecorder
{
    /// <summary>How many values are kept exactly; past it, quantiles come from the buckets.</summary>
    public const int ExactCapacity = 1024;

    /// <summary>The buckets' relative accuracy: a quantile read from them is within 1% of the true value.</summary>
    public const double RelativeAccuracy = 0.01;

    // 100 ns: shorter values share bucket 0. Durations are seconds; queue depths start at 1.
    private const double Smallest = 1e-7;

    // Past a million (seconds or handlers) values share the last bucket; Max still says how far they went.
    private const double Largest = 1e6;

    private static readonly double s_gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double s_logGamma = Math.Log(s_gamma);
    private static readonly int s_bucketCount = (int)Math.Ceiling(Math.Log(Largest / Smallest) / s_logGamma) + 1;

    private readonly double[] _exact;
    private readonly long[] _buckets = new long[s_bucketCount];
    private long _count;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    /// <summary>An empty recorder.</summary>
    public DistributionRecorder()
    {
        _exact = new double[ExactCapacity];
        // NaN marks a claimed slot not yet written (never recorded: Record drops NaN).
        Array.Fill(_exact, double.NaN);
    }

    /// <summary>Records <paramref name="value"/> (NaN is dropped; negative values count as 0).</summary>
    public void Record(double value)
    {
        if (double.IsNaN(value)) return;
        value = Math.Max(value, 0);
        var n = Interlocked.Increment(ref _count);
        if (n <= ExactCapacity) Volatile.Write(ref _exact[n - 1], value);
        Interlocked.Increment(ref _buckets[Index(value)]);
        Extend(ref _min, value, (candidate, current) => candidate < current);
        Extend(ref _max, value, (candidate, current) => candidate > current);
    }

    /// <summary>The values so far: exact while at most <see cref="ExactCapacity"/>, else from the buckets.</summary>
    public Distribution Snapshot()
    {
        var count = Interlocked.Read(ref _count);
        if (count <= ExactCapacity)
        {
            var values = new List<double>((int)count);
            for (var i = 0; i < count; i++)
            {
                var value = Volatile.Read(ref _exact[i]);
                if (!double.IsNaN(value)) values.Add(value);
            }
            return Distribution.Of(values);
        }
        var buckets = new long[_buckets.Length];
        for (var i = 0; i < buckets.Length; i++) buckets[i] = Interlocked.Read(ref _buckets[i]);
        return Distribution.FromBuckets(buckets, Volatile.Read(ref _min), Volatile.Read(ref _max));
    }

    /// <summary>The bucket of <paramref name="value"/> (not negative).</summary>
    internal static int Index(double value) => value <= Smallest
        ? 0
        : Math.Min(s_bucketCount - 1, (int)Math.Ceiling(Math.Log(value / Smallest) / s_logGamma));

    /// <summary>What bucket <paramref name="index"/> reads back as: its midpoint (within the accuracy of all it holds).</summary>
    internal static double Representative(int index) =>
        index == 0 ? Smallest : Smallest * 2 * Math.Pow(s_gamma, index) / (s_gamma + 1);

    // An interlocked minimum or maximum: retried while another thread moved it first.
    private static void Extend(ref double bound, double value, Func<double, double, bool> beyond)
    {
        var current = Volatile.Read(ref bound);
        while (beyond(value, current))
        {
            var seen = Interlocked.CompareExchange(ref bound, value, current);
            if (seen.Equals(current)) return;
            current = seen;
        }
    }
}
