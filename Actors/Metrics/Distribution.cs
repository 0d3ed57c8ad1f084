namespace ActorTcp.Actors.Metrics;

/// <summary>
/// The values one histogram series recorded, as <see cref="MetricsSummary"/> read them: their count, least and greatest,
/// and quantiles. Exact while the series held at most <see cref="DistributionRecorder.ExactCapacity"/> values, else
/// read from logarithmic buckets whose quantiles are within <see cref="DistributionRecorder.RelativeAccuracy"/> of the
/// true value (and never outside [<see cref="Min"/>, <see cref="Max"/>]). Immutable.
/// </summary>
public sealed class Distribution
{
    private readonly double[]? _sorted;
    private readonly long[]? _buckets;

    private Distribution(double[]? sorted, long[]? buckets, long count, double min, double max)
    {
        _sorted = sorted;
        _buckets = buckets;
        Count = count;
        Min = min;
        Max = max;
    }

    /// <summary>How many values.</summary>
    public long Count { get; }

    /// <summary>The least value (0 without values).</summary>
    public double Min { get; }

    /// <summary>The greatest value (0 without values).</summary>
    public double Max { get; }

    /// <summary>Whether <see cref="Quantile"/> is exact (every value is kept) rather than within the buckets' accuracy.</summary>
    public bool IsExact => _sorted is not null;

    /// <summary>The exact distribution of <paramref name="values"/>.</summary>
    public static Distribution Of(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted.Length == 0
            ? new Distribution(sorted, null, 0, 0, 0)
            : new Distribution(sorted, null, sorted.Length, sorted[0], sorted[^1]);
    }

    /// <summary>A distribution read from <see cref="DistributionRecorder"/>'s buckets (counts by bucket index).</summary>
    internal static Distribution FromBuckets(long[] buckets, double min, double max)
    {
        var count = buckets.Sum();
        return count == 0 ? Of([]) : new Distribution(null, buckets, count, min, max);
    }

    /// <summary>
    /// The <paramref name="q"/>-quantile (0 &lt; q ≤ 1) by nearest rank: the least value that at least a fraction
    /// <paramref name="q"/> of the values do not exceed (p99 of 10 values is the greatest). 0 without values.
    /// </summary>
    public double Quantile(double q)
    {
        if (q is <= 0 or > 1 || double.IsNaN(q)) throw new ArgumentOutOfRangeException(nameof(q), q, "a quantile is in (0, 1]");
        if (Count == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        if (_sorted is not null) return _sorted[rank - 1];

        long seen = 0;
        for (var i = 0; i < _buckets!.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank) return Math.Clamp(DistributionRecorder.Representative(i), Min, Max);
        }
        return Max;
    }
}
