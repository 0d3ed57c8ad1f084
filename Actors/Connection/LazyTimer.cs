using System.Diagnostics;
using Akka.Actor;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// The one timer of a connection, over its <see cref="TimeoutClock"/>. It is lazy: a wait that ends leaves the scheduled
/// message running, and a new wait reuses it when it fires no later than the new deadline (it then re-arms for the
/// rest). Starting and cancelling a scheduler timer per read and per write cost ~600 bytes and a scheduler round trip
/// per operation (BENCHMARKS.md, W2).
/// </summary>
internal sealed class LazyTimer(TimeoutClock clock, IScheduler scheduler, IActorRef owner)
{
    /// <summary>The scheduled message. A plain scheduled message, not an IWithTimers timer: those reach the actor wrapped.</summary>
    public sealed class Fired
    {
        public static readonly Fired Instance = new();
        private Fired() { }
        public override string ToString() => "LazyTimer.Fired";
    }

    private long _deadline; // Stopwatch timestamp the armed wait expires at; 0: not armed or no limit
    private long _due;      // Stopwatch timestamp the scheduled message fires at; 0: none scheduled
    private ICancelable? _scheduled;

    /// <summary>Whether a wait is being timed.</summary>
    public bool Armed => clock.Armed;

    /// <summary>Starts timing a wait of <paramref name="phase"/>; returns how long it may last, or null for no limit.</summary>
    public TimeSpan? Arm(WaitPhase phase)
    {
        var limit = clock.Arm(phase);
        if (limit is not { } l)
        {
            _deadline = 0;
            return limit;
        }
        _deadline = Stopwatch.GetTimestamp() + (long)(l.TotalSeconds * Stopwatch.Frequency);
        if (_due == 0 || _due > _deadline) Schedule(l, _deadline);
        return limit;
    }

    /// <summary>Ends the current wait (its time is charged to the budget); the scheduled message stays.</summary>
    public void Disarm()
    {
        if (!clock.Armed) return;
        clock.Disarm();
        _deadline = 0;
    }

    /// <summary>
    /// A <see cref="Fired"/> arrived (maybe from a message replaced since): true when the armed wait really expired;
    /// otherwise it is re-scheduled for what is left of the wait (or left idle when nothing waits).
    /// </summary>
    public bool Expired()
    {
        _due = 0;
        if (_deadline == 0 || !clock.Armed) return false;
        var now = Stopwatch.GetTimestamp();
        if (now >= _deadline) return true;
        Schedule(Stopwatch.GetElapsedTime(now, _deadline), _deadline);
        return false;
    }

    /// <summary>Cancels the scheduled message, for good.</summary>
    public void Cancel() => _scheduled?.Cancel();

    private void Schedule(TimeSpan after, long due)
    {
        _scheduled?.Cancel();
        _scheduled = scheduler.ScheduleTellOnceCancelable(after, owner, Fired.Instance, owner);
        _due = due;
    }
}
