using System.Diagnostics;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Report;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// The closed loop of the task rows (W6S, W6, W7), both sides: <c>count</c> tasks, <c>inFlight</c> at a time (a worker
/// starts the next task when its last one ends), each timed from its start to its end. A task says where it ran (a
/// place: a Lua host, a node) and throws when it failed; the first failure stops the other workers and is thrown.
/// </summary>
internal static class TaskLoop
{
    /// <summary>What a run did: tasks per place, and the latency percentiles over all its tasks and per place.</summary>
    /// <param name="PerPlace">How many tasks ran at each place.</param>
    /// <param name="Latency">Percentiles of all the tasks' latencies.</param>
    /// <param name="LatencyPerPlace">Percentiles of the latencies of the tasks that ran at each place.</param>
    public sealed record Result(int[] PerPlace, Latency Latency, Latency[] LatencyPerPlace)
    {
        /// <summary>The progress note: tasks per place and, with more than one place, their p50 latencies.</summary>
        public string Note(string place) => $"tasks per {place} " + string.Join('/', PerPlace) + (PerPlace.Length < 2 ? ""
            : ", p50 ms " + string.Join('/', LatencyPerPlace.Select(l => Stats.Format(l.P50))));
    }

    /// <summary>
    /// Runs <paramref name="count"/> tasks, <paramref name="inFlight"/> at once; <paramref name="runOne"/> runs one and
    /// returns its place, in [0, <paramref name="placeCount"/>).
    /// </summary>
    public static async Task<Result> RunAsync(int count, int inFlight, int placeCount,
        Func<CancellationToken, Task<int>> runOne, CancellationToken cancellationToken)
    {
        var perPlace = new int[placeCount];
        var latencies = new double[count];
        var places = new int[count];
        var started = 0;
        Exception? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task Worker()
        {
            try
            {
                int task;
                while ((task = Interlocked.Increment(ref started) - 1) < count)
                {
                    var start = Stopwatch.GetTimestamp();
                    var place = await runOne(stop.Token).ConfigureAwait(false);
                    latencies[task] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if ((uint)place >= (uint)placeCount)
                        throw new InvalidOperationException($"a task ran at place {place}, there are {placeCount}");
                    Interlocked.Increment(ref perPlace[place]);
                    places[task] = place;
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // The first failure stops the other workers: the run is failed, the tasks left are not worth running.
                Interlocked.CompareExchange(ref failure, e, null);
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(inFlight, count)).Select(_ => Worker())).ConfigureAwait(false);
        }
        catch (Exception) when (failure is not null)
        {
            // The other workers' cancellations; the first failure is the one to report.
        }
        if (failure is not null) throw new InvalidOperationException(failure.Message, failure);
        var perPlaceLatency = Enumerable.Range(0, placeCount)
            .Select(p => Latency.Of(latencies.Where((_, task) => places[task] == p))).ToArray();
        return new Result(perPlace, Latency.Of(latencies), perPlaceLatency);
    }

    /// <summary>A task row's three rows: tasks/s, p50 and p99 latency (ms), with their targets.</summary>
    public static IReadOnlyList<Metric> Metrics(string id, Target throughput, Target p50, Target p99) =>
    [
        new(id, "tasks/s", s => s.PerSecond, throughput),
        new(id, "p50 ms", s => s.Outcome.Latency?.P50 ?? double.NaN, p50),
        new(id, "p99 ms", s => s.Outcome.Latency?.P99 ?? double.NaN, p99),
    ];
}
