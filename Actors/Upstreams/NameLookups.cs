namespace ActorTcp.Actors.Upstreams;

/// <summary>
/// Which names and SRV elements the upstream owner looks up, and when: once when first named, again every
/// <see cref="UpstreamLimits.LazyResolveTime"/>, and after failures, never more than once per
/// <see cref="UpstreamLimits.ResolveMinInterval"/> and never two lookups of one key at once. Pure bookkeeping: the owner
/// sends the queries and runs the timers.
/// </summary>
internal sealed class NameLookups(UpstreamLimits limits)
{
    private readonly Dictionary<string, Lookup> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Lookup> _inFlight = [];
    private long _lastCorrelation;

    /// <summary>One tracked name or SRV element.</summary>
    public sealed class Lookup(UpstreamSpec spec)
    {
        /// <summary>What is looked up.</summary>
        public UpstreamSpec Spec { get; } = spec;

        /// <summary>When the last lookup went out (UTC ticks), or 0.</summary>
        public long AskedAt { get; set; }

        /// <summary>The correlation of the lookup in flight, or 0.</summary>
        public long InFlight { get; set; }
    }

    /// <summary>Starts tracking <paramref name="spec"/> (a name or SRV element); false when it already was.</summary>
    public bool Track(UpstreamSpec spec)
    {
        if (spec.Kind is not (UpstreamKind.Name or UpstreamKind.Service)) return false;
        return _byKey.TryAdd(spec.Key, new Lookup(spec));
    }

    /// <summary>
    /// A lookup of <paramref name="key"/> to send now, with its correlation; null when none is due: one is in flight, or
    /// (<paramref name="soon"/>: a failure asks) the last one went out less than the minimum interval ago.
    /// </summary>
    public (Lookup Lookup, long Correlation)? Start(string key, long now, bool soon)
    {
        if (!_byKey.TryGetValue(key, out var lookup) || lookup.InFlight != 0) return null;
        if (soon && lookup.AskedAt != 0 && now - lookup.AskedAt < limits.ResolveMinInterval.Ticks) return null;
        lookup.AskedAt = now;
        lookup.InFlight = ++_lastCorrelation;
        _inFlight.Add(lookup.InFlight, lookup);
        return (lookup, lookup.InFlight);
    }

    /// <summary>The lookup an answer with <paramref name="correlation"/> belongs to (no longer in flight), or null for a stale one.</summary>
    public Lookup? Answered(long correlation)
    {
        if (!_inFlight.Remove(correlation, out var lookup)) return null;
        lookup.InFlight = 0;
        return lookup;
    }

    /// <summary>When to look up again after an answer: the lazy interval with up to 10% jitter, or the minimum interval after a failure.</summary>
    public TimeSpan NextRefresh(bool answered, Random random) => answered
        ? limits.LazyResolveTime + limits.LazyResolveTime * (0.1 * random.NextDouble())
        : limits.ResolveMinInterval;
}
