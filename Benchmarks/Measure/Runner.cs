using System.Diagnostics;
using ActorTcp.Benchmarks.Workloads;

namespace ActorTcp.Benchmarks.Measure;

/// <summary>
/// Runs a workload: warm-ups first, then measured runs with the two sides interleaved (ActorTcp, raw, ActorTcp...) so
/// drift on the machine touches both alike; workloads compared with each other are interleaved the same way. Every run
/// is bounded by the run timeout; a failed or timed-out run ends the workload, is reported, and the server drops what
/// the failed side left open.
/// </summary>
public sealed class Runner(BenchContext context, BenchOptions options, TextWriter progress, AllocationSampler? sampler)
{
    private const int TopTypes = 12;

    private delegate Task<Outcome> Side(BenchContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="group"/> as the options say: one workload, or one with those compared with it
    /// (<see cref="Workload.ComparedWith"/>). Every run goes through each workload of the group in turn, in alternating
    /// order, so rows compared with each other see the same drift (W1 speeds up run after run while tiered JIT settles).
    /// </summary>
    public async Task<IReadOnlyList<WorkloadResult>> RunAsync(IReadOnlyList<Workload> group, CancellationToken cancellationToken)
    {
        var results = group.Select(w => new WorkloadResult(w)).ToArray();
        foreach (var workload in group) await progress.WriteLineAsync(workload.Title).ConfigureAwait(false);
        try
        {
            foreach (var result in results) await SetUpAsync(result, cancellationToken).ConfigureAwait(false);
            var runs = options.Warmups + options.Runs;
            for (var run = 0; run < runs; run++)
            {
                var order = run % 2 == 0 ? results : Enumerable.Reverse(results);
                foreach (var result in order)
                {
                    if (result.Failure is null) await RunOnceAsync(result, run, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            foreach (var workload in group) await workload.TearDownAsync().ConfigureAwait(false);
        }
        return results;
    }

    /// <summary>The workload's unmeasured set-up, bounded by the run timeout; a failure ends the workload.</summary>
    private async Task SetUpAsync(WorkloadResult result, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RunTimeout);
        try
        {
            await result.Workload.SetUpAsync(context, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var why = e is OperationCanceledException ? $"timed out after {options.RunTimeout.TotalSeconds:0} s" : e.Message;
            result.Failure = "set-up: " + why;
            await progress.WriteLineAsync($"  {result.Workload.Id} {result.Failure}").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Run <paramref name="run"/> of <paramref name="result"/>'s workload, each side once; a failure ends the workload.
    /// </summary>
    private async Task RunOnceAsync(WorkloadResult result, int run, CancellationToken cancellationToken)
    {
        var workload = result.Workload;
        var sides = new List<(string Name, Side Run, List<Sample> Samples)>();
        if (options.Sides != Sides.Raw) sides.Add(("actortcp", workload.RunActorTcpAsync, result.ActorTcp));
        if (options.Sides != Sides.ActorTcp) sides.Add(("raw", workload.RunRawAsync, result.Raw));

        var runs = options.Warmups + options.Runs;
        var warmup = run < options.Warmups;
        foreach (var (name, side, samples) in sides)
        {
            var label = warmup ? $"warm-up {run + 1}" : $"run {run - options.Warmups + 1}";
            try
            {
                Sample sample;
                using (name == "actortcp" ? workload.ActorTcpRunScope() : null)
                    sample = await MeasureAsync(side, cancellationToken).ConfigureAwait(false);
                if (!warmup) samples.Add(sample);
                await progress.WriteLineAsync(Describe(workload, name, label, sample)).ConfigureAwait(false);
                if (sampler is not null && run == runs - 1) await PrintAllocationsAsync(workload, name, sample).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var why = e is OperationCanceledException ? $"timed out after {options.RunTimeout.TotalSeconds:0} s" : e.Message;
                result.Failure = $"{name} {label}: {why}";
                await progress.WriteLineAsync($"  {workload.Id} {result.Failure}").ConfigureAwait(false);
                await RecoverAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task<Sample> MeasureAsync(Side side, CancellationToken cancellationToken)
    {
        // Garbage of the previous run is not this run's cost.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RunTimeout);

        var cpu = ProcessStats.CpuTimeOf(Environment.ProcessId);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var server = context.Server.CpuTime;
        var poolItems = ThreadPool.CompletedWorkItemCount;
        sampler?.Start();
        var started = Stopwatch.GetTimestamp();
        var outcome = await side(context, timeout.Token).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(started);
        _allocations = sampler?.Stop() ?? [];
        return new Sample(outcome, wall, ProcessStats.CpuTimeOf(Environment.ProcessId) - cpu,
            GC.GetTotalAllocatedBytes(precise: true) - allocated, context.Server.CpuTime - server,
            ThreadPool.CompletedWorkItemCount - poolItems);
    }

    private IReadOnlyList<(string Type, long Bytes)> _allocations = [];

    private async Task PrintAllocationsAsync(Workload workload, string side, Sample sample)
    {
        await progress.WriteLineAsync($"  {workload.Id} {side}: sampled allocations of the last run, bytes per op " +
                                      $"(total {sample.AllocatedPerOperation:0} B/op)").ConfigureAwait(false);
        foreach (var (type, bytes) in _allocations.Take(TopTypes))
            await progress.WriteLineAsync($"    {bytes / sample.Outcome.Operations,10:0} {type}").ConfigureAwait(false);
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        // What the failed side left open ends when the server drops it (Lua callbacks get their errors then).
        var dropped = await context.Server.DropAllAsync(cancellationToken).ConfigureAwait(false);
        await progress.WriteLineAsync($"  server dropped {dropped} connections left open").ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(Workload workload, string side, string label, Sample sample)
    {
        var figures = string.Join(", ", workload.Metrics.Select(m => $"{m.Value(sample):0.##} {m.Unit}"));
        return $"  {workload.Id} {side,-8} {label,-10} {figures}  ({sample.Wall.TotalSeconds:0.000} s, " +
               $"CPU {sample.CpuMicrosPerOperation:0.0} us/op, alloc {sample.AllocatedPerOperation:0} B/op, " +
               $"server CPU {sample.ServerCpuShare:P0}, pool items {sample.PoolWorkItemsPerOperation:0.##}/op)" + (sample.Outcome.Note is { } note ? "; " + note : "");
    }
}
