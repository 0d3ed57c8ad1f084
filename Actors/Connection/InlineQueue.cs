using System.Diagnostics.CodeAnalysis;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// A first-in first-out queue whose oldest item waits in a field; a <see cref="Queue{T}"/> is made for the others only
/// when a second item arrives before the first was taken. A connection's queues (its mailbox, its handlers) hold none
/// or one item while it is idle, and so keep no array (BENCHMARKS.md W4); a queue once made is kept, since a busy
/// connection gets bursts again. A mutable struct for its owner's field: never copy it. Not thread-safe.
/// </summary>
internal struct InlineQueue<T>
{
    private T? _first;
    private bool _hasFirst;
    // The items after _first, oldest first. _first is only filled while this is empty, so it is always the oldest.
    private Queue<T>? _rest;

    /// <summary>Items queued.</summary>
    public readonly int Count => (_hasFirst ? 1 : 0) + (_rest?.Count ?? 0);

    /// <summary>Appends <paramref name="item"/>.</summary>
    public void Enqueue(T item)
    {
        if (!_hasFirst && (_rest is null || _rest.Count == 0))
        {
            _first = item;
            _hasFirst = true;
            return;
        }
        (_rest ??= new Queue<T>(4)).Enqueue(item);
    }

    /// <summary>Removes the oldest item; false when there is none.</summary>
    public bool TryDequeue([MaybeNullWhen(false)] out T item)
    {
        if (_hasFirst)
        {
            item = _first!;
            _first = default;
            _hasFirst = false;
            return true;
        }
        if (_rest is not null) return _rest.TryDequeue(out item);
        item = default;
        return false;
    }

    /// <summary>The oldest item, left queued; false when there is none.</summary>
    public readonly bool TryPeek([MaybeNullWhen(false)] out T item)
    {
        if (_hasFirst)
        {
            item = _first!;
            return true;
        }
        if (_rest is not null) return _rest.TryPeek(out item);
        item = default;
        return false;
    }

    /// <summary>Whether an item after the oldest matches <paramref name="match"/>.</summary>
    public readonly bool AnyAfterFirst(Func<T, bool> match)
    {
        if (_rest is null) return false;
        // Without _first the queue's own first item is the oldest, and is skipped.
        var skip = !_hasFirst;
        foreach (var item in _rest)
        {
            if (skip)
            {
                skip = false;
                continue;
            }
            if (match(item)) return true;
        }
        return false;
    }
}
