using System.Net;

namespace ActorTcp.Actors.Upstreams;

/// <summary>What happened to a backend, for rspamd's watchers (<c>add_watcher</c>).</summary>
public enum UpstreamEvent
{
    /// <summary><c>ok()</c> cleared failures.</summary>
    Success,

    /// <summary>A failure was counted.</summary>
    Failure,

    /// <summary>The backend came back (its dead period ended, or a list revived all of its upstreams).</summary>
    Online,

    /// <summary>The backend died.</summary>
    Offline,
}

/// <summary>One event of a backend, with rspamd's <c>cur_errors</c> argument.</summary>
public readonly record struct UpstreamChange(string Key, UpstreamEvent Event, int Errors);

/// <summary>
/// A view of every backend some list names: health, and the addresses of names and targets of SRV elements. The
/// upstream owner holds the node's view; each Lua host keeps a copy that the owner updates by message and that the host
/// changes at once with its own reports, so a selection never waits for an actor. Used from one thread at a time.
/// </summary>
/// <remarks>
/// Local reports (<see cref="Fail"/>, <see cref="Ok"/>, <see cref="Revive"/>) return the new health when it changed,
/// for the caller to send to the owner; <see cref="Merge"/> takes a view from elsewhere. Both report the watchers'
/// events by comparing before and after, and a backend seen dead and found alive at a later look fires
/// <see cref="UpstreamEvent.Online"/> once (revival by time has no message of its own).
/// </remarks>
public sealed class UpstreamTable(UpstreamLimits limits, long origin)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _seq;
    private long _lastStamp;

    /// <summary>The limits health is judged by.</summary>
    public UpstreamLimits Limits { get; } = limits;

    /// <summary>This view's reporter id, carried by the failures it reports.</summary>
    public long Origin { get; } = origin;

    /// <summary>Bumped whenever an SRV element's targets change, so lists know to expand it again.</summary>
    public int TargetsVersion { get; private set; }

    /// <summary>Every backend's key.</summary>
    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>The health of <paramref name="key"/> (fresh when unknown).</summary>
    public BackendHealth Health(string key) => _entries.TryGetValue(key, out var e) ? e.Health : BackendHealth.Fresh(key);

    /// <summary>The resolved addresses of a name, or null while none are known.</summary>
    public IReadOnlyList<IPAddress>? Addresses(string key) => _entries.GetValueOrDefault(key)?.Addresses;

    /// <summary>The targets of an SRV element (by its key), or null while the answer is pending.</summary>
    public IReadOnlyList<UpstreamSpec>? Targets(string key) => _entries.GetValueOrDefault(key)?.Targets;

    /// <summary>Whether <paramref name="key"/> may be selected at <paramref name="now"/>; a revival by time seen here fires <c>online</c>.</summary>
    public bool IsAlive(string key, long now, ICollection<UpstreamChange>? changes = null)
    {
        if (!_entries.TryGetValue(key, out var entry)) return true;
        var alive = entry.Health.IsAlive(now);
        if (alive && !entry.ObservedAlive)
        {
            entry.ObservedAlive = true;
            changes?.Add(new UpstreamChange(key, UpstreamEvent.Online, 0));
        }
        return alive;
    }

    /// <summary>A failure reported here at <paramref name="now"/>; returns the new health to tell the owner, or null when it was not counted.</summary>
    public BackendHealth? Fail(string key, long now, ICollection<UpstreamChange>? changes)
    {
        var entry = GetOrAdd(key);
        now = Stamp(now);
        return Commit(entry, entry.Health.Fail(new FailureMark(now, Origin, ++_seq), Limits), now, changes);
    }

    /// <summary>A success reported here; returns the new health to tell the owner, or null when nothing changed.</summary>
    public BackendHealth? Ok(string key, long now, ICollection<UpstreamChange>? changes)
    {
        // The common case, a success of a backend without failures, must not allocate (one per request).
        if (!_entries.TryGetValue(key, out var entry) || entry.Health.Errors == 0) return null;
        now = Stamp(now);
        return Commit(entry, entry.Health.Ok(now), now, changes);
    }

    /// <summary>Brings a dead backend back now; returns the new health to tell the owner, or null when it was alive.</summary>
    public BackendHealth? Revive(string key, long now, ICollection<UpstreamChange>? changes)
    {
        var entry = GetOrAdd(key);
        return Commit(entry, entry.Health.Revive(now), now, changes);
    }

    /// <summary>Merges a view of <paramref name="health"/>'s backend from elsewhere; returns whether this view changed.</summary>
    public bool Merge(BackendHealth health, long now, ICollection<UpstreamChange>? changes)
    {
        var entry = GetOrAdd(health.Key);
        return Commit(entry, entry.Health.Merge(health, Limits), now, changes) is not null;
    }

    /// <summary>
    /// Sets the addresses of a name (an empty list counts as none). The same addresses again keep the list already held,
    /// so upstreams' address rotations go on (they start over on a new answer).
    /// </summary>
    public void SetAddresses(string key, IReadOnlyList<IPAddress>? addresses)
    {
        var entry = GetOrAdd(key);
        if (entry.Addresses is { } held && addresses is not null && held.SequenceEqual(addresses)) return;
        entry.Addresses = addresses is { Count: > 0 } ? addresses : null;
    }

    /// <summary>Sets the targets of an SRV element.</summary>
    public void SetTargets(string key, IReadOnlyList<UpstreamSpec>? targets)
    {
        var entry = GetOrAdd(key);
        if (entry.Targets is { } old && targets is not null && old.SequenceEqual(targets)) return;
        entry.Targets = targets;
        TargetsVersion++;
    }

    /// <summary>Makes sure <paramref name="key"/> has an entry (a list names it).</summary>
    public void Track(string key) => GetOrAdd(key);

    private BackendHealth? Commit(Entry entry, BackendHealth after, long now, ICollection<UpstreamChange>? changes)
    {
        var before = entry.Health;
        if (ReferenceEquals(before, after) || before.Equals(after)) return null;
        entry.Health = after;
        if (changes is not null) Record(entry, before, after, now, changes);
        else entry.ObservedAlive = after.IsAlive(now);
        return after;
    }

    private void Record(Entry entry, BackendHealth before, BackendHealth after, long now, ICollection<UpstreamChange> changes)
    {
        var key = after.Key;
        if (after.DeadFrom > before.DeadFrom)
        {
            changes.Add(new UpstreamChange(key, UpstreamEvent.Failure, Limits.MaxErrors));
            if (entry.ObservedAlive) changes.Add(new UpstreamChange(key, UpstreamEvent.Offline, Limits.MaxErrors));
            entry.ObservedAlive = false;
        }
        else if (!after.Failures.IsEmpty && (before.Failures.IsEmpty || after.Failures[^1].CompareTo(before.Failures[^1]) > 0))
        {
            changes.Add(new UpstreamChange(key, UpstreamEvent.Failure, after.Errors));
        }
        else if (before.Errors > 0 && after.Errors == 0 && after.OkAt > before.OkAt)
        {
            changes.Add(new UpstreamChange(key, UpstreamEvent.Success, 0));
        }
        IsAlive(key, now, changes);
    }

    /// <summary>
    /// The time of a report made here: never earlier than, nor equal to, this view's previous report, so that
    /// <c>ok()</c> then <c>fail()</c> within one clock tick keep their order (an ok clears only earlier failures).
    /// </summary>
    private long Stamp(long now) => _lastStamp = Math.Max(now, _lastStamp + 1);

    private Entry GetOrAdd(string key)
    {
        if (!_entries.TryGetValue(key, out var entry)) _entries.Add(key, entry = new Entry(BackendHealth.Fresh(key)));
        return entry;
    }

    private sealed class Entry(BackendHealth health)
    {
        public BackendHealth Health { get; set; } = health;
        public IReadOnlyList<IPAddress>? Addresses { get; set; }
        public IReadOnlyList<UpstreamSpec>? Targets { get; set; }
        // The alive state last reported to watchers, so a revival by time fires `online` once.
        public bool ObservedAlive { get; set; } = true;
    }
}
