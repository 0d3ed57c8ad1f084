using ActorTcp.Benchmarks.Workloads;

namespace ActorTcp.Benchmarks.Measure;

/// <summary>The measured runs of one workload, per side, and why it stopped early if it did.</summary>
public sealed class WorkloadResult(Workload workload)
{
    /// <summary>The workload.</summary>
    public Workload Workload { get; } = workload;

    /// <summary>ActorTcp's measured runs.</summary>
    public List<Sample> ActorTcp { get; } = [];

    /// <summary>The raw client's measured runs.</summary>
    public List<Sample> Raw { get; } = [];

    /// <summary>What went wrong (a failed check, a timeout), or null.</summary>
    public string? Failure { get; set; }
}
