namespace ActorTcp.Actors.Metrics;

/// <summary>
/// A running total that many threads add to at a few nanoseconds each, read by an observable counter at collection
/// (<c>actortcp.io.bytes</c>, the Lua run counts): an interlocked add on one of several cache-line-apart slots, chosen by
/// thread, so threads rarely share a line. Reading sums the slots; a read concurrent with adds sees each add or not.
/// </summary>
/// <remarks>
/// Why not <see cref="System.Diagnostics.Metrics.Counter{T}.Add(T)"/> on the hot path: with an exporter listening, each
/// call looks up its tag set in the exporter's aggregation (30-60 ns with two tags, plus a shared line written by every
/// thread), and a round trip on a persistent connection makes four such counts: 5-8% of W2's CPU (BENCHMARKS.md).
/// </remarks>
internal sealed class StripedCounter
{
    private const int Stripes = 8;
    // 8 longs = 64 bytes: one slot per cache line. The first line is left empty: it holds the array's length, which
    // every Add reads for its bounds check.
    private const int Stride = 8;
    private readonly long[] _slots = new long[(Stripes + 1) * Stride];

    /// <summary>Adds <paramref name="value"/>.</summary>
    public void Add(long value) =>
        Interlocked.Add(ref _slots[((Environment.CurrentManagedThreadId & (Stripes - 1)) + 1) * Stride], value);

    /// <summary>The total so far.</summary>
    public long Value
    {
        get
        {
            long total = 0;
            for (var i = 1; i <= Stripes; i++) total += Volatile.Read(ref _slots[i * Stride]);
            return total;
        }
    }
}
