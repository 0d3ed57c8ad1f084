namespace ActorTcp.Actors.Metrics;

/// <summary>A counter's (or up-down counter's) total for one set of tag values.</summary>
/// <param name="Instrument">The instrument's name (<c>actortcp.connection.closed</c>).</param>
/// <param name="Tags">The measurements' tags, by name (a null value as "").</param>
/// <param name="Value">The sum of the measurements.</param>
public sealed record CounterSeries(string Instrument, IReadOnlyDictionary<string, string> Tags, long Value);

/// <summary>A histogram's values for one set of tag values.</summary>
/// <param name="Instrument">The instrument's name (<c>actortcp.connection.duration</c>).</param>
/// <param name="Tags">The measurements' tags, by name (a null value as "").</param>
/// <param name="Values">The values recorded.</param>
public sealed record HistogramSeries(string Instrument, IReadOnlyDictionary<string, string> Tags, Distribution Values);

/// <summary>
/// What a <see cref="MetricsSummary"/> held when read: every counter and histogram series (instrument and tag values)
/// that had a measurement. Immutable; a plain value for formatting (<see cref="SummaryTable"/>) and tests.
/// </summary>
public sealed class MetricsSnapshot(IReadOnlyList<CounterSeries> counters, IReadOnlyList<HistogramSeries> histograms)
{
    /// <summary>A snapshot without measurements.</summary>
    public static MetricsSnapshot Empty { get; } = new([], []);

    /// <summary>The counter series, in no particular order.</summary>
    public IReadOnlyList<CounterSeries> Counters { get; } = counters;

    /// <summary>The histogram series, in no particular order.</summary>
    public IReadOnlyList<HistogramSeries> Histograms { get; } = histograms;

    /// <summary>The series of the counter <paramref name="instrument"/>.</summary>
    public IEnumerable<CounterSeries> CountersOf(string instrument) => Counters.Where(c => c.Instrument == instrument);

    /// <summary>The total of the counter <paramref name="instrument"/> over the series carrying every one of <paramref name="tags"/>.</summary>
    public long Sum(string instrument, params (string Key, string Value)[] tags) =>
        CountersOf(instrument).Where(c => Has(c.Tags, tags)).Sum(c => c.Value);

    /// <summary>
    /// The values of the histogram <paramref name="instrument"/> whose tags are exactly <paramref name="tags"/>, or null
    /// when it recorded none.
    /// </summary>
    public Distribution? HistogramOf(string instrument, params (string Key, string Value)[] tags) =>
        Histograms.FirstOrDefault(h => h.Instrument == instrument && h.Tags.Count == tags.Length && Has(h.Tags, tags))?.Values;

    private static bool Has(IReadOnlyDictionary<string, string> tags, (string Key, string Value)[] wanted) =>
        wanted.All(w => tags.TryGetValue(w.Key, out var value) && value == w.Value);
}
