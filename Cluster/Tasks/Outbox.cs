namespace ActorTcp.Cluster.Tasks;

/// <summary>
/// Messages held per destination until the actor's flush: what arrives in one stretch of the mailbox leaves as one
/// message per destination, so Akka.Remote's cost per message is paid once per batch (BENCHMARKS.md, W7).
/// </summary>
internal sealed class Outbox<TKey, TItem> where TKey : notnull
{
    private readonly Dictionary<TKey, List<TItem>> _held = new();

    /// <summary>Whether anything is held.</summary>
    public bool IsEmpty => _held.Count == 0;

    /// <summary>Holds <paramref name="item"/> for <paramref name="key"/>; true when it is the first since the last flush (schedule one).</summary>
    public bool Add(TKey key, TItem item)
    {
        var first = _held.Count == 0;
        if (!_held.TryGetValue(key, out var items)) _held[key] = items = [];
        items.Add(item);
        return first;
    }

    /// <summary>Everything held, per destination, in the order added; the outbox is empty afterwards.</summary>
    public List<(TKey Key, List<TItem> Items)> Flush()
    {
        var all = _held.Select(h => (h.Key, h.Value)).ToList();
        _held.Clear();
        return all;
    }
}
