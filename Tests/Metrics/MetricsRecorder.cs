using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Xunit;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// Every measurement of one meter: a <see cref="MeterListener"/> that enables only the instruments of that
/// <see cref="Meter"/> object (one actor system's <c>ActorTcpMetrics</c>), so tests running other actor systems in the
/// same process, with meters of the same name, never mix in.
/// </summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Recorded> _recorded = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new();

    /// <summary>Starts listening to <paramref name="meter"/>'s instruments.</summary>
    public MetricsRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter)) return;
            _instruments[instrument.Name] = instrument;
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    /// <summary>One measurement: its instrument's name, value and tags.</summary>
    public sealed record Recorded(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
    {
        /// <summary>Whether every one of <paramref name="tags"/> is among this measurement's.</summary>
        public bool Has((string Key, string Value)[] tags) =>
            tags.All(t => Tags.TryGetValue(t.Key, out var value) && value == t.Value);

        /// <inheritdoc/>
        public override string ToString() =>
            $"{Instrument} {Value.ToString(CultureInfo.InvariantCulture)} {{{string.Join(", ", Tags.Select(t => $"{t.Key}={t.Value}"))}}}";
    }

    /// <summary>The measurements of <paramref name="instrument"/> carrying every one of <paramref name="tags"/>, in order.</summary>
    public IReadOnlyList<Recorded> Of(string instrument, params (string Key, string Value)[] tags) =>
        _recorded.Where(r => r.Instrument == instrument && r.Has(tags)).ToArray();

    /// <summary>
    /// The sum of the values of <see cref="Of"/> (a counter's count). An observable counter reports totals: it is read
    /// now, and the sum is of each tag set's latest total.
    /// </summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags)
    {
        if (!(_instruments.TryGetValue(instrument, out var known) && known is ObservableCounter<long>))
            return Of(instrument, tags).Sum(r => r.Value);
        Observe();
        return Of(instrument, tags).GroupBy(r => string.Join(",", r.Tags.OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}")))
            .Sum(series => series.Last().Value);
    }

    /// <summary>How many measurements <see cref="Of"/> holds (a histogram's count).</summary>
    public int Count(string instrument, params (string Key, string Value)[] tags) => Of(instrument, tags).Count;

    /// <summary>Every measurement so far, one per line (for failure messages).</summary>
    public string Dump() => string.Join("\n", _recorded);

    /// <summary>Runs the observable instruments' callbacks now; their measurements are recorded like the others.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    /// <summary>Asserts that <see cref="Sum"/> is <paramref name="expected"/>, showing every measurement when it is not.</summary>
    public void AssertSum(double expected, string instrument, params (string Key, string Value)[] tags)
    {
        var sum = Sum(instrument, tags);
        if (sum != expected)
            Assert.Fail($"{instrument} {{{string.Join(", ", tags.Select(t => $"{t.Key}={t.Value}"))}}}: expected {expected}, got {sum}\n{Dump()}");
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        var copy = new Dictionary<string, string?>(tags.Length);
        foreach (var tag in tags) copy[tag.Key] = tag.Value?.ToString();
        _recorded.Enqueue(new Recorded(instrument.Name, Convert.ToDouble(value, CultureInfo.InvariantCulture), copy));
    }
}
