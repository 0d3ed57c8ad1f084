using System.Diagnostics;
using Akka.Actor;

namespace ActorTcp.Actors.Timers;

/// <summary>
/// The connection timeouts of one actor system on one <see cref="TimerWheel"/>, advanced by a single repeating task on
/// Akka's scheduler at its own tick (<c>akka.scheduler.tick-duration</c>, so timeouts keep the resolution they had as
/// scheduled messages). A connection schedules its timer as an entry of the wheel instead of a scheduler registration
/// of its own, which an idle connection held with a cancelable and its token source (~230 bytes, BENCHMARKS.md W4).
/// </summary>
internal sealed class TimeoutWheel : IExtension, IDisposable
{
    // Akka's scheduler wheel has as many; most timeouts (seconds) go round a few times, each bucket visited per turn.
    private const int Buckets = 512;

    private readonly object _gate = new();
    private readonly TimerWheel _wheel;
    private readonly long _timestampsPerTick;
    // Used only by Advance, which the scheduler runs on its one thread, a tick at a time.
    private readonly List<WheelEntry> _expired = [];
    private readonly ICancelable _ticking;

    /// <summary>A wheel advanced every <paramref name="tick"/> by <paramref name="scheduler"/> until disposed.</summary>
    public TimeoutWheel(IScheduler scheduler, TimeSpan tick)
    {
        _timestampsPerTick = Math.Max(1, (long)(tick.TotalSeconds * Stopwatch.Frequency));
        _wheel = new TimerWheel(Buckets, Stopwatch.GetTimestamp() / _timestampsPerTick);
        _ticking = scheduler.Advanced.ScheduleRepeatedlyCancelable(tick, tick, Advance);
    }

    /// <summary>The wheel of <paramref name="system"/>, made on first use and stopped with the system.</summary>
    public static TimeoutWheel Get(ActorSystem system) => system.WithExtension<TimeoutWheel, Provider>();

    /// <summary>Entries waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _wheel.Count;
        }
    }

    /// <summary>
    /// Expires <paramref name="entry"/> at the first tick at or after <paramref name="dueTimestamp"/> (a
    /// <see cref="Stopwatch"/> timestamp), replacing the time it was scheduled for, if any.
    /// </summary>
    public void Schedule(WheelEntry entry, long dueTimestamp)
    {
        // Rounded up: an entry never expires before its time.
        var dueTick = (dueTimestamp + _timestampsPerTick - 1) / _timestampsPerTick;
        lock (_gate) _wheel.Schedule(entry, dueTick);
    }

    /// <summary>Takes <paramref name="entry"/> off the wheel: it will not expire unless scheduled again.</summary>
    public void Cancel(WheelEntry entry)
    {
        lock (_gate) _wheel.Remove(entry);
    }

    /// <inheritdoc/>
    public void Dispose() => _ticking.Cancel();

    private void Advance()
    {
        lock (_gate) _wheel.Advance(Stopwatch.GetTimestamp() / _timestampsPerTick, _expired);
        if (_expired.Count == 0) return;
        // Outside the lock: an entry tells its actor, whose next arm must not wait for the rest of the batch.
        foreach (var entry in _expired) entry.Expire();
        _expired.Clear();
    }

    private sealed class Provider : ExtensionIdProvider<TimeoutWheel>
    {
        public override TimeoutWheel CreateExtension(ExtendedActorSystem system)
        {
            var tick = system.Settings.Config.GetTimeSpan("akka.scheduler.tick-duration", TimeSpan.FromMilliseconds(10), allowInfinite: false);
            var wheel = new TimeoutWheel(system.Scheduler, tick);
            system.RegisterOnTermination(wheel.Dispose);
            return wheel;
        }
    }
}
