namespace ActorTcp.Benchmarks.Measure;

/// <summary>What one run of a workload did; <see cref="Operations"/> is round trips, megabytes (W3) or connections (W4).</summary>
/// <param name="Operations">Units of work done.</param>
/// <param name="ManagedBytesPerConnection">W4 only: growth of the managed heap per open connection.</param>
/// <param name="ResidentBytesPerConnection">W4 only: growth of the process's resident memory per open connection.</param>
/// <param name="Note">Shown after the run's figures in the progress output (task rows: tasks per Lua host or node), or null.</param>
/// <param name="Latency">Per-operation latency percentiles (the task rows), or null.</param>
public sealed record Outcome(double Operations, double? ManagedBytesPerConnection = null,
    double? ResidentBytesPerConnection = null, string? Note = null, Latency? Latency = null);

/// <summary>One measured run: the outcome and what it cost this process and the server.</summary>
/// <param name="Outcome">What the workload reported.</param>
/// <param name="Wall">Elapsed time.</param>
/// <param name="Cpu">This process's CPU time (all threads) during the run.</param>
/// <param name="AllocatedBytes">Managed bytes allocated during the run (all threads).</param>
/// <param name="ServerCpu">The echo server's CPU time during the run.</param>
/// <param name="PoolWorkItems">Work items the .NET thread pool ran during the run (each a hand-off to a pool thread).</param>
public sealed record Sample(Outcome Outcome, TimeSpan Wall, TimeSpan Cpu, long AllocatedBytes, TimeSpan ServerCpu, long PoolWorkItems = 0)
{
    /// <summary>Operations per second of wall time.</summary>
    public double PerSecond => Outcome.Operations / Wall.TotalSeconds;

    /// <summary>Managed bytes allocated per operation.</summary>
    public double AllocatedPerOperation => AllocatedBytes / Outcome.Operations;

    /// <summary>This process's CPU microseconds per operation.</summary>
    public double CpuMicrosPerOperation => Cpu.TotalMicroseconds / Outcome.Operations;

    /// <summary>.NET thread-pool work items per operation.</summary>
    public double PoolWorkItemsPerOperation => PoolWorkItems / Outcome.Operations;

    /// <summary>The server's CPU time as a share of wall time (1.0 = one core busy).</summary>
    public double ServerCpuShare => ServerCpu / Wall;
}
