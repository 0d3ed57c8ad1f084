using Akka.Configuration;

namespace ActorTcp.Actors.Upstreams;

/// <summary>
/// The limits of upstream health (<c>actortcp.upstreams</c>), rspamd's defaults: the <see cref="MaxErrors"/>-th failure
/// within <see cref="ErrorTime"/> of a window's first one takes a backend out for <see cref="ReviveTime"/> times
/// (1 + a draw in [0, <see cref="ReviveJitter"/>]); names are re-resolved every <see cref="LazyResolveTime"/>, and after
/// failures, at most once per <see cref="ResolveMinInterval"/>.
/// </summary>
public sealed record UpstreamLimits
{
    /// <summary>Failures within <see cref="ErrorTime"/> that mark a backend dead.</summary>
    public int MaxErrors { get; init; } = 4;

    /// <summary>How long a window of failures lasts, from its first failure.</summary>
    public TimeSpan ErrorTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a dead backend stays out, before jitter.</summary>
    public TimeSpan ReviveTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The dead period is <see cref="ReviveTime"/> x (1 + a draw in [0, this]).</summary>
    public double ReviveJitter { get; init; } = 0.4;

    /// <summary>How often the addresses of a DNS name are looked up again.</summary>
    public TimeSpan LazyResolveTime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The least time between two lookups of one name (failures ask for one; this bounds them).</summary>
    public TimeSpan ResolveMinInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>rspamd's defaults.</summary>
    public static UpstreamLimits Default { get; } = new();

    /// <summary>Reads the <c>upstreams</c> section of <paramref name="c"/> (the <c>actortcp</c> section); absent keys keep their defaults.</summary>
    public static UpstreamLimits Create(Config? c)
    {
        var d = Default;
        if (c is null || c.IsEmpty) return d;
        var limits = new UpstreamLimits
        {
            MaxErrors = c.GetInt("upstreams.max-errors", d.MaxErrors),
            ErrorTime = c.GetTimeSpan("upstreams.error-time", d.ErrorTime, allowInfinite: false),
            ReviveTime = c.GetTimeSpan("upstreams.revive-time", d.ReviveTime, allowInfinite: false),
            ReviveJitter = c.GetDouble("upstreams.revive-jitter", d.ReviveJitter),
            LazyResolveTime = c.GetTimeSpan("upstreams.lazy-resolve-time", d.LazyResolveTime, allowInfinite: false),
            ResolveMinInterval = c.GetTimeSpan("upstreams.resolve-min-interval", d.ResolveMinInterval, allowInfinite: false),
        };
        limits.Validate();
        return limits;
    }

    /// <summary>Throws a <see cref="ConfigurationException"/> naming the first impossible value.</summary>
    public void Validate()
    {
        if (MaxErrors < 1) throw Bad("max-errors must be at least 1", MaxErrors);
        if (ErrorTime <= TimeSpan.Zero) throw Bad("error-time must be positive", ErrorTime);
        if (ReviveTime <= TimeSpan.Zero) throw Bad("revive-time must be positive", ReviveTime);
        if (!(ReviveJitter >= 0 && ReviveJitter <= 10)) throw Bad("revive-jitter must be in 0..10", ReviveJitter);
        if (LazyResolveTime <= TimeSpan.Zero) throw Bad("lazy-resolve-time must be positive", LazyResolveTime);
        if (ResolveMinInterval <= TimeSpan.Zero) throw Bad("resolve-min-interval must be positive", ResolveMinInterval);
    }

    private static ConfigurationException Bad(string rule, object value) =>
        new($"actortcp.upstreams.{rule}, got {value}");
}
