using System.Collections.Immutable;
using System.Text;

namespace ActorTcp.Actors.Upstreams;

/// <summary>
/// One failure report: when it happened, and who reported it (<see cref="Origin"/>, a reporter's random id, and its
/// own sequence number), so that two views holding the same failure count it once when they are merged.
/// </summary>
public readonly record struct FailureMark(long At, long Origin, long Seq) : IComparable<FailureMark>
{
    /// <inheritdoc/>
    public int CompareTo(FailureMark other)
    {
        var c = At.CompareTo(other.At);
        if (c == 0) c = Origin.CompareTo(other.Origin);
        return c != 0 ? c : Seq.CompareTo(other.Seq);
    }
}

/// <summary>
/// The health of one backend (an upstream's <see cref="UpstreamSpec.Key"/>), as data that two views can merge: the
/// failures of the current window, the last <c>ok()</c>, the last forced revival, and the last death. Times are UTC ticks
/// (<see cref="DateTimeOffset.UtcTicks"/>) read from the caller's clock; nothing here reads a clock.
/// </summary>
/// <remarks>
/// <para>A failure is counted only while the backend is alive. The <see cref="UpstreamLimits.MaxErrors"/>-th failure
/// within <see cref="UpstreamLimits.ErrorTime"/> of its window's first one kills the backend until
/// <see cref="DeadUntil"/> (the revive time with a jitter drawn from the key and the time of death, so every view
/// computes the same instant); a failure later than the window starts a new one. <c>ok()</c> clears the window.</para>
/// <para><see cref="Merge"/> is a union of failures (by reporter and sequence) and a maximum of the other times, then the
/// same replay: so a Lua host can apply its own report at once and merge the owner's view later without counting
/// twice, and nodes can exchange views in any order.</para>
/// </remarks>
public sealed record BackendHealth
{
    private BackendHealth(string key) => Key = key;

    /// <summary>The backend's key.</summary>
    public string Key { get; }

    /// <summary>The failures of the current window, oldest first (fewer than <see cref="UpstreamLimits.MaxErrors"/>).</summary>
    public ImmutableArray<FailureMark> Failures { get; private init; } = [];

    /// <summary>Time of the last <c>ok()</c> that cleared failures; 0 if none.</summary>
    public long OkAt { get; private init; }

    /// <summary>Time of the last forced revival (a list found all its upstreams dead); 0 if none.</summary>
    public long RevivedAt { get; private init; }

    /// <summary>Time of the last death; 0 if it never died.</summary>
    public long DeadFrom { get; private init; }

    /// <summary>End of the last dead period (revival by time).</summary>
    public long DeadUntil { get; private init; }

    /// <summary>A backend never reported on.</summary>
    public static BackendHealth Fresh(string key) => new(key);

    /// <summary>
    /// A view as another node held it (<see cref="BackendHealthText"/>): its parts as they were, unchecked; merge it
    /// into a local view (<see cref="Merge"/>) to apply the rules.
    /// </summary>
    public static BackendHealth Restore(string key, IEnumerable<FailureMark> failures, long okAt, long revivedAt, long deadFrom,
        long deadUntil) => new(key)
    {
        Failures = [.. failures.Order()],
        OkAt = okAt,
        RevivedAt = revivedAt,
        DeadFrom = deadFrom,
        DeadUntil = deadUntil,
    };

    /// <summary>The failures counted in the current window (rspamd's error count).</summary>
    public int Errors => Failures.Length;

    /// <summary>When the last death ended: its revival by time, or an earlier forced revival.</summary>
    public long AliveAgainAt => RevivedAt > DeadFrom ? Math.Min(RevivedAt, DeadUntil) : DeadUntil;

    /// <summary>Whether the backend may be selected at <paramref name="now"/>: never died, was revived since, or its dead period is over.</summary>
    public bool IsAlive(long now) => DeadFrom == 0 || RevivedAt > DeadFrom || now >= DeadUntil;

    /// <summary>
    /// A failure at <paramref name="mark"/>'s time: counted when the backend is alive then, possibly killing it. Returns
    /// this same instance when nothing changed (a failure of a dead backend).
    /// </summary>
    public BackendHealth Fail(FailureMark mark, UpstreamLimits limits)
    {
        if (!IsAlive(mark.At)) return this;
        return (this with { Failures = Failures.Add(mark) }).Replay(limits);
    }

    /// <summary>
    /// A success at <paramref name="now"/>: clears the window's failures. Returns this same instance when nothing
    /// changed (no failures, or dead: rspamd ignores <c>ok()</c> on a dead upstream).
    /// </summary>
    public BackendHealth Ok(long now) =>
        Failures.IsEmpty || !IsAlive(now) ? this : this with { Failures = [], OkAt = Math.Max(OkAt, now) };

    /// <summary>Brings a dead backend back at <paramref name="now"/> (a list found all of its upstreams dead); this same instance when alive.</summary>
    /// <remarks>A revival is always later than the death it ends, even within one clock tick.</remarks>
    public BackendHealth Revive(long now) => IsAlive(now) ? this : this with { RevivedAt = Math.Max(now, DeadFrom + 1) };

    /// <summary>This view and <paramref name="other"/> (of the same key) as one: commutative, and idempotent.</summary>
    public BackendHealth Merge(BackendHealth other, UpstreamLimits limits)
    {
        if (!string.Equals(Key, other.Key, StringComparison.Ordinal))
            throw new ArgumentException($"cannot merge the health of {other.Key} into {Key}", nameof(other));
        if (Equals(other)) return this;
        var (deadFrom, deadUntil) = (DeadFrom, DeadUntil).CompareTo((other.DeadFrom, other.DeadUntil)) >= 0
            ? (DeadFrom, DeadUntil)
            : (other.DeadFrom, other.DeadUntil);
        var merged = this with
        {
            Failures = Failures.Union(other.Failures).ToImmutableArray(),
            OkAt = Math.Max(OkAt, other.OkAt),
            RevivedAt = Math.Max(RevivedAt, other.RevivedAt),
            DeadFrom = deadFrom,
            DeadUntil = deadUntil,
        };
        return merged.Replay(limits);
    }

    /// <summary>Value equality (the generated one compares the failure array by reference).</summary>
    public bool Equals(BackendHealth? other) =>
        other is not null && Key == other.Key && OkAt == other.OkAt && RevivedAt == other.RevivedAt &&
        DeadFrom == other.DeadFrom && DeadUntil == other.DeadUntil && Failures.SequenceEqual(other.Failures);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Key, OkAt, RevivedAt, DeadFrom, Failures.Length);

    /// <inheritdoc/>
    public override string ToString() =>
        $"BackendHealth({Key}, errors {Errors}, dead {DeadFrom}..{DeadUntil}, ok {OkAt}, revived {RevivedAt})";

    /// <summary>
    /// Keeps the failures that count (after the last ok, outside any dead period), sorted, and runs the window rule over
    /// them: a death keeps only what came after it, and the replay goes on from there.
    /// </summary>
    private BackendHealth Replay(UpstreamLimits limits)
    {
        var state = this;
        while (true)
        {
            var counted = state.CountedFailures();
            var windowStart = 0;
            BackendHealth? died = null;
            for (var i = 0; i < counted.Length; i++)
            {
                if (counted[i].At - counted[windowStart].At > limits.ErrorTime.Ticks) windowStart = i;
                if (i - windowStart + 1 < limits.MaxErrors) continue;
                var at = counted[i].At;
                died = state with { Failures = counted[(i + 1)..], DeadFrom = at, DeadUntil = at + DeadPeriod(at, limits) };
                break;
            }
            if (died is null) return state with { Failures = counted[windowStart..] };
            state = died;
        }
    }

    private ImmutableArray<FailureMark> CountedFailures()
    {
        var floor = OkAt;
        var aliveAgain = DeadFrom == 0 ? 0 : AliveAgainAt;
        var builder = ImmutableArray.CreateBuilder<FailureMark>(Failures.Length);
        foreach (var mark in Failures)
            if (mark.At > floor && mark.At >= aliveAgain) builder.Add(mark);
        builder.Sort();
        return builder.DrainToImmutable();
    }

    /// <summary>The revive time with its jitter, drawn from the key and the time of death (the same in every view).</summary>
    private long DeadPeriod(long at, UpstreamLimits limits)
    {
        var draw = UnitDraw(Key, at);
        return limits.ReviveTime.Ticks + (long)(limits.ReviveTime.Ticks * limits.ReviveJitter * draw);
    }

    /// <summary>A number in [0, 1) that depends only on <paramref name="key"/> and <paramref name="at"/> (FNV-1a, then SplitMix64's finaliser).</summary>
    internal static double UnitDraw(string key, long at)
    {
        var h = 0xcbf29ce484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(key)) h = (h ^ b) * 0x100000001b3UL;
        h ^= (ulong)at;
        h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9UL;
        h = (h ^ (h >> 27)) * 0x94d049bb133111ebUL;
        h ^= h >> 31;
        return (h >> 11) * (1.0 / (1UL << 53));
    }
}
