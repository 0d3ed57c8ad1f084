using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using Akka.Actor;

namespace ActorTcp.Actors.Metrics;

/// <summary>
/// A <see cref="MeterListener"/> that sums one meter's counters and keeps its histograms' values, by instrument and tag
/// values, for a summary at the end of a run (<c>actortcp run --stats</c>, <see cref="SummaryTable"/>). It listens to
/// one <see cref="Meter"/> object only, so other actor systems in the process (whose meters are also called
/// <c>ActorTcp</c>) never mix in.
/// </summary>
/// <remarks>
/// <para>Create it before the measurements of interest happen, and read it (<see cref="Snapshot"/>) once the meter is
/// done (<see cref="Completed"/>: the actor system terminated and disposed its meter), so that measurements taken
/// late, such as the count of a Lua run that ends after its session replied, are in.</para>
/// <para>Measurements arrive on many threads; none takes a lock: a series is found in a concurrent dictionary (found
/// without locking once it exists), a counter is an interlocked add, a histogram a <see cref="DistributionRecorder"/>.
/// Counters of <c>long</c> and histograms of <c>int</c>, <c>long</c> or <c>double</c> are listened to, and observable
/// counters (bytes, Lua runs: totals read at collection), whose latest total is kept: they are read at each
/// <see cref="Snapshot"/> while the meter lives, and a last time just before it is disposed. Gauges (the upstream
/// health) are not: they have no history to sum.</para>
/// </remarks>
public sealed class MetricsSummary : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<SeriesKey, StrongBox<long>> _counters = new();
    private readonly ConcurrentDictionary<SeriesKey, DistributionRecorder> _histograms = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Instruments enabled whose measurements have not completed yet.
    private int _listening;

    /// <summary>Starts listening to <paramref name="meter"/>'s counters and histograms.</summary>
    public MetricsSummary(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter) || !IsSummed(instrument)) return;
            Interlocked.Increment(ref _listening);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (_, _) =>
        {
            if (Interlocked.Decrement(ref _listening) == 0) _completed.TrySetResult();
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.SetMeasurementEventCallback<int>(OnMeasurement);
        _listener.SetMeasurementEventCallback<double>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>A summary of <paramref name="system"/>'s ActorTcp meter (<see cref="ActorTcpMetrics.Get"/>).</summary>
    public static MetricsSummary Of(ActorSystem system)
    {
        var metrics = ActorTcpMetrics.Get(system);
        var summary = new MetricsSummary(metrics.Meter);
        // The observable counters' final totals, read before the meter goes (after it, nothing can read them).
        metrics.Completing += summary.Observe;
        return summary;
    }

    /// <summary>
    /// Completes when every instrument listened to is done: the meter was disposed (its actor system terminated), or
    /// this summary was.
    /// </summary>
    public Task Completed => _completed.Task;

    /// <summary>Every series that had a measurement, with its total or its values so far.</summary>
    public MetricsSnapshot Snapshot()
    {
        if (!_completed.Task.IsCompleted) Observe();
        return Collect();
    }

    private MetricsSnapshot Collect() => new(
        _counters.Select(c => new CounterSeries(c.Key.Instrument.Name, c.Key.Tags(), Interlocked.Read(ref c.Value.Value))).ToArray(),
        _histograms.Select(h => new HistogramSeries(h.Key.Instrument.Name, h.Key.Tags(), h.Value.Snapshot())).ToArray());

    /// <summary>Stops listening (<see cref="Completed"/> completes); what was gathered stays readable.</summary>
    public void Dispose() => _listener.Dispose();

    /// <summary>Reads the observable counters now (their callbacks run on this thread).</summary>
    private void Observe() => _listener.RecordObservableInstruments();

    private static bool IsSummed(Instrument instrument) =>
        instrument is Counter<long> or UpDownCounter<long> or ObservableCounter<long> or Histogram<int> or Histogram<long>
            or Histogram<double>;

    private void OnMeasurement<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        where T : struct, INumberBase<T>
    {
        var key = new SeriesKey(instrument, tags);
        if (instrument is Histogram<T>)
        {
            if (!_histograms.TryGetValue(key, out var values)) values = _histograms.GetOrAdd(key, static _ => new DistributionRecorder());
            values.Record(double.CreateTruncating(value));
        }
        else
        {
            if (!_counters.TryGetValue(key, out var total)) total = _counters.GetOrAdd(key, static _ => new StrongBox<long>());
            // An observable counter reports its total so far; a counter, what to add.
            if (instrument.IsObservable) Interlocked.Exchange(ref total.Value, long.CreateTruncating(value));
            else Interlocked.Add(ref total.Value, long.CreateTruncating(value));
        }
    }

    /// <summary>
    /// An instrument and a set of tag values, whatever order the tags came in. Two tags are held inline (no ActorTcp
    /// instrument has more), so finding an existing series allocates nothing; more are copied into a sorted array.
    /// </summary>
    private readonly struct SeriesKey : IEquatable<SeriesKey>
    {
        private readonly KeyValuePair<string, object?> _first;
        private readonly KeyValuePair<string, object?> _second;
        private readonly KeyValuePair<string, object?>[]? _more;
        private readonly int _count;

        public SeriesKey(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            Instrument = instrument;
            _count = tags.Length;
            if (tags.Length > 2)
            {
                _more = tags.ToArray();
                Array.Sort(_more, (a, b) => string.CompareOrdinal(a.Key, b.Key));
                return;
            }
            if (tags.Length > 0) _first = tags[0];
            if (tags.Length > 1) _second = tags[1];
            if (tags.Length == 2 && string.CompareOrdinal(_first.Key, _second.Key) > 0) (_first, _second) = (_second, _first);
        }

        public Instrument Instrument { get; }

        public bool Equals(SeriesKey other)
        {
            if (!ReferenceEquals(Instrument, other.Instrument) || _count != other._count) return false;
            if (_more is not null) return other._more is not null && _more.AsSpan().SequenceEqual(other._more, TagComparer.Instance);
            return TagComparer.Instance.Equals(_first, other._first) && TagComparer.Instance.Equals(_second, other._second);
        }

        public override bool Equals(object? obj) => obj is SeriesKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(Instrument);
            if (_more is not null)
            {
                foreach (var tag in _more) hash.Add(TagComparer.Instance.GetHashCode(tag));
                return hash.ToHashCode();
            }
            if (_count > 0) hash.Add(TagComparer.Instance.GetHashCode(_first));
            if (_count > 1) hash.Add(TagComparer.Instance.GetHashCode(_second));
            return hash.ToHashCode();
        }

        /// <summary>The tags by name, their values as text (for the snapshot, not the hot path).</summary>
        public IReadOnlyDictionary<string, string> Tags() =>
            Pairs().ToDictionary(t => t.Key, t => Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "");

        private KeyValuePair<string, object?>[] Pairs() => _more ?? [.. new[] { _first, _second }.Take(_count)];
    }

    /// <summary>Tags compared by name and value (KeyValuePair's own equality boxes and reflects).</summary>
    private sealed class TagComparer : IEqualityComparer<KeyValuePair<string, object?>>
    {
        public static readonly TagComparer Instance = new();

        public bool Equals(KeyValuePair<string, object?> x, KeyValuePair<string, object?> y) =>
            string.Equals(x.Key, y.Key, StringComparison.Ordinal) && object.Equals(x.Value, y.Value);

        public int GetHashCode(KeyValuePair<string, object?> tag) => HashCode.Combine(tag.Key, tag.Value);
    }
}
