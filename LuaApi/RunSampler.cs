namespace ActorTcp.LuaApi;

/// <summary>
/// Picks which Lua runs a host times for <c>actortcp.lua.callback.duration</c>: one in <see cref="Every"/> on
/// average, at random gaps (1 to 2N-1 runs). A fixed gap would lock onto a plugin's own cycle of runs: a round trip
/// on a persistent connection is a write callback and a read callback, so with an even gap only one of the two would
/// ever be timed, and the percentiles would describe it alone.
/// </summary>
/// <param name="every">The mean gap; 1 times every run.</param>
/// <param name="random">Where the gaps come from (a seeded one in tests). One host's thread only.</param>
internal sealed class RunSampler(int every, Random random)
{
    private int _left;

    /// <summary>The mean gap between timed runs.</summary>
    public int Every { get; } = every >= 1 ? every : throw new ArgumentOutOfRangeException(nameof(every), every, "must be 1 or more");

    /// <summary>Whether the run starting now is one to time (the first run is).</summary>
    public bool Next()
    {
        if (--_left > 0) return false;
        _left = Every == 1 ? 1 : 1 + random.Next(2 * Every - 1);
        return true;
    }
}
