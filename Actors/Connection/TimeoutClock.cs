using System.Diagnostics;

namespace ActorTcp.Actors.Connection;

/// <summary>The network waits that a timeout can bound.</summary>
internal enum WaitPhase { Connect, Read, Write }

/// <summary>
/// rspamd HEAD's timeout model for one connection (docs/lua-api.md#timeouts). Without phases the budget is
/// one allowance for the connection's life, charged only for time spent waiting on the network (never for callbacks);
/// with phases every wait gets its phase's full value. A mutable struct held in its timer's field (one object less
/// per connection): never copy it.
/// </summary>
internal struct TimeoutClock
{
    private const long None = -1; // a budget of no value: no timer

    // The request's timeouts (often shared, ConnectionTimeouts.OfBudget) for the phases; with phases, _remaining never
    // changes and is what an unset phase falls back to.
    private readonly ConnectionTimeouts _timeouts;
    private readonly bool _phased;
    private long _remaining; // TimeSpan ticks, or None
    private long _armedAt;

    public TimeoutClock(ConnectionTimeouts timeouts, TimeSpan defaultBudget)
    {
        var budget = timeouts.Budget ?? defaultBudget;
        _timeouts = timeouts;
        _phased = timeouts.Phased;
        _remaining = budget > TimeSpan.Zero ? budget.Ticks : None;
    }

    /// <summary>Whether a wait is being timed.</summary>
    public readonly bool Armed => _armedAt != 0;

    /// <summary>Starts timing a wait; returns how long it may last, or null for no limit.</summary>
    public TimeSpan? Arm(WaitPhase phase)
    {
        _armedAt = Stopwatch.GetTimestamp();
        var limit = !_phased ? null : phase switch
        {
            WaitPhase.Connect => _timeouts.Connect,
            WaitPhase.Read => _timeouts.Read,
            _ => _timeouts.Write,
        };
        if (ConnectionTimeouts.IsSet(limit)) return limit;
        return _remaining == None ? null : TimeSpan.FromTicks(Math.Max(0, _remaining));
    }

    /// <summary>Ends the current wait, charging its time to the budget.</summary>
    public void Disarm()
    {
        if (_armedAt == 0) return;
        // Spent to below zero stays a (zero) limit, never None.
        if (!_phased && _remaining != None) _remaining = Math.Max(0, _remaining - Stopwatch.GetElapsedTime(_armedAt).Ticks);
        _armedAt = 0;
    }
}
