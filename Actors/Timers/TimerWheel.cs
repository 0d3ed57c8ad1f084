namespace ActorTcp.Actors.Timers;

/// <summary>
/// Something a <see cref="TimerWheel"/> can hold. The wheel links entries in place (each is its own list node), so a
/// scheduled entry costs no allocation and an idle connection's timer is one object, not a scheduler registration,
/// a cancelable and its token source (BENCHMARKS.md, W4).
/// </summary>
internal abstract class WheelEntry
{
    // Owned by the wheel, read and written only under its owner's lock.
    internal WheelEntry? Next;
    internal WheelEntry? Previous;
    internal long DueTick;
    internal int Bucket = -1; // -1: not on the wheel

    /// <summary>Whether the entry is on a wheel.</summary>
    internal bool Scheduled => Bucket >= 0;

    /// <summary>Its tick came. Called by the wheel's owner outside its lock, once per scheduling.</summary>
    public abstract void Expire();
}

/// <summary>
/// A hashed timer wheel: entries are kept in a bucket per tick modulo the wheel's size and handed out when a tick at
/// or after their due tick is reached. Ticks are whatever unit the owner counts in; the wheel reads no clock and takes
/// no lock (<see cref="TimeoutWheel"/> does both).
/// </summary>
internal sealed class TimerWheel
{
    private readonly WheelEntry?[] _buckets;
    private readonly int _mask;
    private long _current;

    /// <summary>A wheel of <paramref name="buckets"/> buckets (a power of two) whose time starts at <paramref name="now"/>.</summary>
    public TimerWheel(int buckets, long now)
    {
        if (buckets <= 0 || (buckets & (buckets - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(buckets), buckets, "the bucket count must be a power of two");
        _buckets = new WheelEntry?[buckets];
        _mask = buckets - 1;
        _current = now;
    }

    /// <summary>Entries on the wheel.</summary>
    public int Count { get; private set; }

    /// <summary>The last tick advanced to.</summary>
    public long Current => _current;

    /// <summary>
    /// Puts <paramref name="entry"/> on the wheel for <paramref name="dueTick"/>, moving it when it was on already. A due
    /// tick already reached means the next one: what is scheduled never expires before its time is handed out.
    /// </summary>
    public void Schedule(WheelEntry entry, long dueTick)
    {
        Remove(entry);
        if (dueTick <= _current) dueTick = _current + 1;
        var bucket = (int)(dueTick & _mask);
        entry.DueTick = dueTick;
        entry.Bucket = bucket;
        entry.Previous = null;
        entry.Next = _buckets[bucket];
        if (entry.Next is { } next) next.Previous = entry;
        _buckets[bucket] = entry;
        Count++;
    }

    /// <summary>Takes <paramref name="entry"/> off the wheel; false when it was not on it.</summary>
    public bool Remove(WheelEntry entry)
    {
        if (entry.Bucket < 0) return false;
        if (entry.Previous is { } previous) previous.Next = entry.Next;
        else _buckets[entry.Bucket] = entry.Next;
        if (entry.Next is { } next) next.Previous = entry.Previous;
        entry.Next = entry.Previous = null;
        entry.Bucket = -1;
        Count--;
        return true;
    }

    /// <summary>
    /// Moves time to <paramref name="now"/>: every entry due by then leaves the wheel and is added to
    /// <paramref name="expired"/>. Ticks skipped (a late caller) are caught up, each bucket visited at most once.
    /// </summary>
    public void Advance(long now, List<WheelEntry> expired)
    {
        if (now <= _current) return;
        var steps = Math.Min(now - _current, _buckets.Length);
        for (var tick = now - steps + 1; tick <= now; tick++)
        {
            var entry = _buckets[(int)(tick & _mask)];
            while (entry is not null)
            {
                var next = entry.Next;
                if (entry.DueTick <= now)
                {
                    Remove(entry);
                    expired.Add(entry);
                }
                entry = next;
            }
        }
        _current = now;
    }
}
