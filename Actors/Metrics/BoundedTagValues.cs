using System.Collections.Concurrent;

namespace ActorTcp.Actors.Metrics;

/// <summary>
/// Tags whose values come from an open set, kept bounded: the first <paramref name="limit"/> distinct values each get a
/// tag of their own (made once), every later value the tag <paramref name="overflow"/>. Thread-safe without a lock.
/// </summary>
internal sealed class BoundedTagValues(string name, int limit, string overflow)
{
    private readonly ConcurrentDictionary<string, KeyValuePair<string, object?>> _admitted = new(StringComparer.Ordinal);
    private readonly KeyValuePair<string, object?> _overflow = new(name, overflow);
    // Admissions so far; two threads admitting one value at once spend two, so the bound holds.
    private int _admissions;

    /// <summary>The tag for <paramref name="value"/>.</summary>
    public KeyValuePair<string, object?> Tag(string value)
    {
        if (_admitted.TryGetValue(value, out var tag)) return tag;
        if (Interlocked.Increment(ref _admissions) > limit) return _overflow;
        return _admitted.GetOrAdd(value, new KeyValuePair<string, object?>(name, value));
    }
}
