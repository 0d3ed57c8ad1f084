using System.Diagnostics;
using ActorTcp.Actors.Timers;
using Akka.Actor;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// The one timer of a connection, over its <see cref="TimeoutClock"/>, as an entry of the system's
/// <see cref="TimeoutWheel"/>. It is lazy: a wait that ends leaves the entry on the wheel, and a new wait reuses it when
/// it expires no later than the new deadline (it then re-arms for the rest). Starting and cancelling a scheduler timer
/// per read and per write cost ~600 bytes and a scheduler round trip per operation (BENCHMARKS.md, W2).
/// </summary>
internal sealed class LazyTimer(TimeoutClock clock, TimeoutWheel wheel, IActorRef owner) : WheelEntry
{
    /// <summary>What the owner is told when the entry expires.</summary>
    public sealed class Fired
    {
        public static readonly Fired Instance = new();
        private Fired() { }
        public override string ToString() => "LazyTimer.Fired";
    }

    // A field, not the primary constructor's parameter: the struct is updated in place.
    private TimeoutClock _clock = clock;
    private long _deadline; // Stopwatch timestamp the armed wait expires at; 0: not armed or no limit
    private long _due;      // Stopwatch timestamp the entry expires at; 0: not on the wheel (as the owner knows)

    /// <summary>Whether a wait is being timed.</summary>
    public bool Armed => _clock.Armed;

    /// <summary>Starts timing a wait of <paramref name="phase"/>; returns how long it may last, or null for no limit.</summary>
    public TimeSpan? Arm(WaitPhase phase)
    {
        var limit = _clock.Arm(phase);
        if (limit is not { } l)
        {
            _deadline = 0;
            return limit;
        }
        _deadline = Stopwatch.GetTimestamp() + (long)(l.TotalSeconds * Stopwatch.Frequency);
        if (_due == 0 || _due > _deadline) Schedule(_deadline);
        return limit;
    }

    /// <summary>Ends the current wait (its time is charged to the budget); the entry stays on the wheel.</summary>
    public void Disarm()
    {
        if (!_clock.Armed) return;
        _clock.Disarm();
        _deadline = 0;
    }

    /// <summary>
    /// A <see cref="Fired"/> arrived (maybe from an expiry that a later arm replaced): true when the armed wait really
    /// expired; otherwise it is scheduled again for what is left of the wait (or left off the wheel when nothing waits).
    /// </summary>
    public bool Expired()
    {
        _due = 0;
        if (_deadline == 0 || !_clock.Armed) return false;
        if (Stopwatch.GetTimestamp() >= _deadline) return true;
        Schedule(_deadline);
        return false;
    }

    /// <summary>Takes the entry off the wheel, for good.</summary>
    public void Cancel() => wheel.Cancel(this);

    /// <inheritdoc/>
    public override void Expire() => owner.Tell(Fired.Instance, ActorRefs.NoSender);

    private void Schedule(long due)
    {
        wheel.Schedule(this, due);
        _due = due;
    }
}
