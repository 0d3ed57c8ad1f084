using ActorTcp.Actors.Metrics;
using Akka.Actor;

namespace ActorTcp.Hosting.Cli;

/// <summary>
/// <c>actortcp run --stats</c>: a <see cref="MetricsSummary"/> of the run's actor system, started with the system and
/// written to stderr as a <see cref="SummaryTable"/> once the system has terminated.
/// </summary>
internal sealed class RunStats : IDisposable
{
    // The host's StopAsync returns once the system terminated, and its termination disposed the meter; this only bounds
    // the wait should a stop have given up early.
    private static readonly TimeSpan s_completionWait = TimeSpan.FromSeconds(5);

    // Set by the actor system's startup task, read after the run.
    private MetricsSummary? _summary;

    /// <summary>Starts summing <paramref name="system"/>'s measurements (before any ActorTcp actor exists).</summary>
    public void Start(ActorSystem system) => Volatile.Write(ref _summary, MetricsSummary.Of(system));

    /// <summary>
    /// Writes the table to <paramref name="stderr"/>, after the actor system terminated: the last Lua run of a session
    /// is counted after the session replied. Nothing when the system never started.
    /// </summary>
    public async Task WriteAsync(TextWriter stderr)
    {
        if (Volatile.Read(ref _summary) is not { } summary) return;
        try
        {
            await summary.Completed.WaitAsync(s_completionWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await stderr.WriteLineAsync("actortcp run: --stats: the actor system had not terminated; figures may be incomplete")
                .ConfigureAwait(false);
        }
        await stderr.WriteAsync(SummaryTable.Format(summary.Snapshot())).ConfigureAwait(false);
        await stderr.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => Volatile.Read(ref _summary)?.Dispose();
}
