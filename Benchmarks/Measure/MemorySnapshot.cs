namespace ActorTcp.Benchmarks.Measure;

/// <summary>
/// Managed heap and resident memory after a full, aggressive collection: garbage is not counted, and the GC gives
/// freed memory back to the OS, so a previous run's heap does not shrink the next run's resident figure.
/// </summary>
public readonly record struct MemorySnapshot(long ManagedBytes, long ResidentBytes)
{
    /// <summary>Collects garbage, then reads both figures.</summary>
    public static MemorySnapshot Take()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var managed = GC.GetTotalMemory(forceFullCollection: false);
        return new MemorySnapshot(managed, ProcessStats.ResidentBytes());
    }

    /// <summary>Per-connection growth from <paramref name="before"/> to this snapshot, as an <see cref="Outcome"/>.</summary>
    public Outcome PerConnectionSince(MemorySnapshot before, int connections) => new(connections,
        (double)(ManagedBytes - before.ManagedBytes) / connections,
        (double)(ResidentBytes - before.ResidentBytes) / connections);
}
