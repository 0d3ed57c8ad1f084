namespace ActorTcp.Benchmarks.Measure;

/// <summary>
/// Percentiles of one run's per-operation latencies (W6S, W6, W7: each task, from its caller's start to its result), in
/// milliseconds. Nearest rank: the p-th percentile is the smallest latency with at least p% of them at or below it.
/// </summary>
/// <param name="P50">The median latency.</param>
/// <param name="P99">The 99th percentile.</param>
public readonly record struct Latency(double P50, double P99)
{
    /// <summary>The percentiles of <paramref name="milliseconds"/>; NaN for none.</summary>
    public static Latency Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return sorted.Length == 0 ? new Latency(double.NaN, double.NaN) : new Latency(Rank(sorted, 0.50), Rank(sorted, 0.99));
    }

    private static double Rank(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
