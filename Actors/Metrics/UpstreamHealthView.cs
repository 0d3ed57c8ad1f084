using System.Collections.Concurrent;
using ActorTcp.Actors.Upstreams;

namespace ActorTcp.Actors.Metrics;

/// <summary>
/// The health an upstream owner publishes for the upstream gauges: written by the owner after each change, read by
/// whichever thread collects. Health is immutable, and whether a backend is alive is judged at the collection's time on
/// the owner's clock (a revival by time changes nothing stored).
/// </summary>
internal sealed class UpstreamHealthView(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, BackendHealth> _backends = new(StringComparer.Ordinal);

    /// <summary>Now on the owner's clock (UTC ticks).</summary>
    public long Now => clock.GetUtcNow().UtcTicks;

    /// <summary>Every backend's health as last published.</summary>
    public IEnumerable<BackendHealth> Backends => _backends.Values;

    /// <summary>Publishes <paramref name="health"/> for its backend.</summary>
    public void Publish(BackendHealth health) => _backends[health.Key] = health;
}
