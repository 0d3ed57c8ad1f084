namespace ActorTcp.LuaApi.Pool;

/// <summary>
/// Which Lua host of a pool takes the next session: the one running the fewest sessions (started and not finished),
/// ties going round in turn so equal hosts share the work. Sessions, not mailbox length: a session waiting on the
/// network holds its host's connections and coroutines without a message in its mailbox, and the pool sees every
/// session start and end, so the count is exact. Pure: the pool tells it what it dispatched and what finished.
/// </summary>
internal sealed class HostLoad(int hosts)
{
    private readonly int[] _running = new int[hosts];
    private int _next;

    /// <summary>Number of hosts.</summary>
    public int Count => _running.Length;

    /// <summary>Sessions running on host <paramref name="host"/>.</summary>
    public int Running(int host) => _running[host];

    /// <summary>The host for the next session (not yet counted: call <see cref="Started"/>).</summary>
    public int Pick()
    {
        var best = _next;
        for (var i = 1; i < _running.Length; i++)
        {
            var candidate = (_next + i) % _running.Length;
            if (_running[candidate] < _running[best]) best = candidate;
        }
        _next = (best + 1) % _running.Length;
        return best;
    }

    /// <summary>A session started on <paramref name="host"/>.</summary>
    public void Started(int host) => _running[host]++;

    /// <summary>A session of <paramref name="host"/> finished.</summary>
    public void Finished(int host)
    {
        if (_running[host] > 0) _running[host]--;
    }

    /// <summary>Host <paramref name="host"/> was replaced: none of its sessions runs any more.</summary>
    public void Reset(int host) => _running[host] = 0;
}
