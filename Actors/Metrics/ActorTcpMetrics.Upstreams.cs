using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using ActorTcp.Actors.Upstreams;

namespace ActorTcp.Actors.Metrics;

// Upstream health per backend key: gauges read at collection from what the upstream owners publish
// (UpstreamHealthView), and the failures this node reported, counted where they are reported.
public sealed partial class ActorTcpMetrics
{
    /// <summary>The tag naming the backend: its key (<see cref="UpstreamSpec.Key"/>), bounded by the lists configured.</summary>
    public const string UpstreamTag = "upstream";

    private ImmutableArray<UpstreamHealthView> _upstreamViews = [];

    internal Counter<long> UpstreamFailures { get; private set; } = null!;

    /// <summary>A failure this node reported of <paramref name="key"/> (<c>fail()</c>, or a .NET caller's report).</summary>
    internal void UpstreamFailed(string key) => UpstreamFailures.Add(1, new KeyValuePair<string, object?>(UpstreamTag, key), NodeTagPair);

    /// <summary>Observes <paramref name="view"/> (an upstream owner's) until <see cref="Unwatch"/>.</summary>
    internal void Watch(UpstreamHealthView view) => ImmutableInterlocked.Update(ref _upstreamViews, static (a, v) => a.Add(v), view);

    /// <summary>Stops observing <paramref name="view"/> (its owner stopped).</summary>
    internal void Unwatch(UpstreamHealthView view) => ImmutableInterlocked.Update(ref _upstreamViews, static (a, v) => a.Remove(v), view);

    private void CreateUpstreamInstruments()
    {
        Meter.CreateObservableGauge("actortcp.upstream.alive", () => Observe(static (health, now) => health.IsAlive(now) ? 1 : 0),
            "{upstream}", "1 while the backend may be selected, 0 while it is dead, per upstream and node.");
        Meter.CreateObservableGauge("actortcp.upstream.errors", () => Observe(static (health, _) => health.Errors),
            "{error}", "Failures in the backend's current error window (rspamd's cur_errors), per upstream and node.");
        UpstreamFailures = Meter.CreateCounter<long>("actortcp.upstream.failures", "{failure}",
            "Failures this node reported of a backend (fail(), or a .NET caller's ReportUpstream), per upstream and node.");
    }

    // Runs on the collecting thread, from the views' thread-safe copies; allocates only there.
    private IEnumerable<Measurement<int>> Observe(Func<BackendHealth, long, int> value)
    {
        foreach (var view in _upstreamViews)
        {
            var now = view.Now;
            foreach (var health in view.Backends)
                yield return new Measurement<int>(value(health, now), new KeyValuePair<string, object?>(UpstreamTag, health.Key), NodeTagPair);
        }
    }
}
