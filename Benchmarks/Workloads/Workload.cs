using ActorTcp.Benchmarks.Measure;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// One workload of issue 7, done twice the same way: by ActorTcp through its Lua API and by a plain .NET async socket
/// client, both against the same server. Each side throws on a wrong reply or a failure.
/// </summary>
public abstract class Workload
{
    /// <summary>Id used by <c>--only</c> (W1...W5, W1P, W1U, W1M, W1T, W2M, W2C10, W2C1000, W6S, W6, W7, W8, W8N, W8S, W9).</summary>
    public abstract string Id { get; }

    /// <summary>What it does, with its sizes after scaling.</summary>
    public abstract string Title { get; }

    /// <summary>
    /// The workload this one is compared with (W1U's target is relative to W1P's figure, W1P is W1 on two ports), or
    /// null. Selecting this one runs that one too, their runs interleaved, so both see the same machine.
    /// </summary>
    public virtual string? ComparedWith => null;

    /// <summary>
    /// The persistent connections its round trips share (the W2 rows), so a plot can show throughput against
    /// concurrency; null for a workload without such a count.
    /// </summary>
    public virtual int? Connections => null;

    /// <summary>The table rows it feeds.</summary>
    public abstract IReadOnlyList<Metric> Metrics { get; }

    /// <summary>The ActorTcp side (a Lua script in the benchmark's host).</summary>
    public abstract Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken);

    /// <summary>The raw .NET socket side.</summary>
    public abstract Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Prepares what every run needs, unmeasured, once before the first run (W6: its own ActorTcp host; W7: its
    /// cluster); a failure here fails the workload.
    /// </summary>
    public virtual Task SetUpAsync(BenchContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Unmeasured set-up around one run of the ActorTcp side: what it returns is disposed, unmeasured, after the run
    /// (W1M, W2M: an export pipeline listening only while that row runs). Null: nothing.
    /// </summary>
    public virtual IDisposable? ActorTcpRunScope() => null;

    /// <summary>Releases what <see cref="SetUpAsync"/> made, once after the last run (also after a failure).</summary>
    public virtual ValueTask TearDownAsync() => ValueTask.CompletedTask;

    /// <summary>Scales a full-size count down by <c>--scale</c>, keeping at least <paramref name="minimum"/>.</summary>
    protected static int Scaled(int full, double scale, int minimum = 1) => Math.Max(minimum, (int)Math.Round(full * scale));

    /// <summary>Throughput in operations per second, with a ratio target.</summary>
    protected Metric Throughput(string unit, double ratio) =>
        new(Id, unit, s => s.PerSecond, Target.RatioAtLeast(ratio));
}
