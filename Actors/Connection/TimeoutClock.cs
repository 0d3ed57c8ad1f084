using System.Diagnostics;

namespace ActorTcp.Actors.Connection;

/// <summary>The network waits that a timeout can bound.</summary>
internal enum WaitPhase { Connect, Read, Write }

/// <summary>
/// rspamd HEAD's timeout model for one connection (docs/lua-api.md#timeouts). Without phases the budget is
/// one allowance for the connection's life, charged only for time spent waiting on the network (never for callbacks);
/// with phases every wait gets its phase's full value.
/// </summary>
internal sealed class TimeoutClock
{
    private readonly bool _phased;
    private readonly TimeSpan? _connect, _read, _write;
    private TimeSpan? _remaining;
    private long _armedAt;

    public TimeoutClock(ConnectionTimeouts timeouts, TimeSpan defaultBudget)
    {
        var budget = timeouts.Budget ?? defaultBudget;
        TimeSpan? budgetOrNone = budget > TimeSpan.Zero ? budget : null;
        _phased = timeouts.Phased;
        _remaining = budgetOrNone;
        _connect = ConnectionTimeouts.IsSet(timeouts.Connect) ? timeouts.Connect : budgetOrNone;
        _read = ConnectionTimeouts.IsSet(timeouts.Read) ? timeouts.Read : budgetOrNone;
        _write = ConnectionTimeouts.IsSet(timeouts.Write) ? timeouts.Write : budgetOrNone;
    }

    /// <summary>Whether a wait is being timed.</summary>
    public bool Armed => _armedAt != 0;

    /// <summary>Starts timing a wait; returns how long it may last, or null for no limit.</summary>
    public TimeSpan? Arm(WaitPhase phase)
    {
        _armedAt = Stopwatch.GetTimestamp();
        if (!_phased) return _remaining is { } r ? (r > TimeSpan.Zero ? r : TimeSpan.Zero) : null;
        return phase switch
        {
            WaitPhase.Connect => _connect,
            WaitPhase.Read => _read,
            _ => _write,
        };
    }

    /// <summary>Ends the current wait, charging its time to the budget.</summary>
    public void Disarm()
    {
        if (_armedAt == 0) return;
        if (!_phased && _remaining is { } r) _remaining = r - Stopwatch.GetElapsedTime(_armedAt);
        _armedAt = 0;
    }
}
