namespace ActorTcp.Benchmarks.Measure;

/// <summary>One row of the table: a figure taken from every sample of a workload, and its target.</summary>
/// <param name="Name">Row label (<c>W1</c>, <c>W4 RSS</c>...).</param>
/// <param name="Unit">Unit of the figure.</param>
/// <param name="Value">The figure of one sample.</param>
/// <param name="Target">What ActorTcp must reach.</param>
public sealed record Metric(string Name, string Unit, Func<Sample, double> Value, Target Target);

/// <summary>
/// A row's goal: either ActorTcp's median over a baseline is at least <see cref="Bound"/> (a ratio; the baseline is the
/// raw client's median, or with <see cref="RelativeTo"/> that workload's ActorTcp median in the same run; at most with
/// <see cref="LowerIsBetter"/>, e.g. a latency), or ActorTcp's median is at most <see cref="Bound"/> (an absolute
/// ceiling, e.g. bytes per connection), or none (<see cref="None"/>: <see cref="Bound"/> is NaN).
/// </summary>
public sealed record Target(bool IsRatio, double Bound, string Text, string? RelativeTo = null, bool LowerIsBetter = false)
{
    /// <summary>ActorTcp / raw >= <paramref name="ratio"/>.</summary>
    public static Target RatioAtLeast(double ratio) => new(true, ratio, $">= {ratio:0.0#}");

    /// <summary>
    /// ActorTcp / <paramref name="workload"/>'s ActorTcp figure (same unit, same run) >= <paramref name="ratio"/>.
    /// </summary>
    public static Target RelativeAtLeast(double ratio, string workload) =>
        new(true, ratio, $">= {ratio:0.0#} x {workload}", workload);

    /// <summary>
    /// ActorTcp / <paramref name="workload"/>'s ActorTcp figure (same unit, same run) &lt;= <paramref name="ratio"/>: a
    /// figure where lower is better (W7's p99 latency against W6's).
    /// </summary>
    public static Target RelativeAtMost(double ratio, string workload) =>
        new(true, ratio, $"<= {ratio:0.0#} x {workload}", workload, LowerIsBetter: true);

    /// <summary>ActorTcp's figure &lt;= <paramref name="bound"/>; <paramref name="text"/> shows it.</summary>
    public static Target AtMost(double bound, string text) => new(false, bound, "<= " + text);

    /// <summary>
    /// No goal of its own (W6S: a baseline another row is measured against); <paramref name="text"/> says so.
    /// </summary>
    public static Target None(string text) => new(false, double.NaN, text);

    /// <summary>
    /// Whether the medians meet the target; null when the baseline a ratio needs is missing, or there is no goal.
    /// </summary>
    public bool? Met(double actorTcp, double? baseline)
    {
        if (double.IsNaN(Bound)) return null;
        if (!IsRatio) return actorTcp <= Bound;
        if (baseline is not > 0) return null;
        var ratio = actorTcp / baseline.Value;
        return LowerIsBetter ? ratio <= Bound : ratio >= Bound;
    }
}
