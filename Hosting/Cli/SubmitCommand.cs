using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using ActorTcp.Cluster.Tasks;
using Akka.Actor;
using Akka.Cluster.Tools.Client;
using Akka.Configuration;

namespace ActorTcp.Hosting.Cli;

/// <summary>
/// <c>actortcp submit</c>: runs a plugin task on a cluster of <c>actortcp node</c>s from outside it, through Akka's
/// ClusterClient and the nodes' receptionist; the node that takes it sends it to the member with spare capacity.
/// </summary>
public static class SubmitCommand
{
    /// <summary>Exit code when every task succeeded.</summary>
    public const int Done = 0;

    /// <summary>Exit code when a task failed (and none timed out).</summary>
    public const int Failed = 1;

    /// <summary>Exit code when no contact answered.</summary>
    public const int Unreachable = 3;

    /// <summary>Exit code when a task timed out.</summary>
    public const int TimedOut = 124;

    private static readonly TimeSpan ContactWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AnswerGrace = TimeSpan.FromSeconds(3);

    // The client's own system: remoting on an ephemeral loopback port, no logs, dead nodes noticed quickly.
    private const string ClientHocon = """
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        # Off: submit reports every failure itself, and remoting's own errors (a node that died disassociates) would
        # land on stdout between the results.
        akka.loglevel = OFF
        akka.stdout-loglevel = OFF
        akka.cluster.client { heartbeat-interval = 1s, acceptable-heartbeat-pause = 3s }
        # The entry gateway is watched: a node killed while holding tasks is known dead within a few seconds.
        akka.remote.watch-failure-detector { heartbeat-interval = 1s, acceptable-heartbeat-pause = 3s }
        """;

    /// <summary>Runs the tasks; returns the exit code. One result per task on <paramref name="stdout"/>, or a summary with --repeat (per node, status and symbol).</summary>
    public static async Task<int> RunAsync(SubmitOptions options, Config overrides, TextWriter stdout, TextWriter stderr)
    {
        var config = ConfigurationFactory.ParseString(ClientHocon).WithFallback(overrides).WithFallback(HoconLoader.Defaults)
            .WithFallback(ClusterTaskSerialization.Config);
        var system = ActorSystem.Create("actortcp-submit", config);
        try
        {
            var contacts = options.Contacts.Select(c => ActorPath.Parse($"akka.tcp://actortcp@{c}/system/receptionist")).ToImmutableHashSet();
            var client = system.ActorOf(ClusterClient.Props(ClusterClientSettings.Create(system).WithInitialContacts(contacts)), "client");
            var gateways = options.Contacts.Select(c => ActorPath.Parse($"akka.tcp://actortcp@{c}/user/{TaskGateway.Name}")).ToArray();
            var entry = new SubmitEntry(system, client, gateways, ContactWait);

            // Reachability first: some node's gateway answers; none within the wait means no node is up there.
            if (await entry.CurrentAsync().ConfigureAwait(false) is null)
            {
                await stderr.WriteLineAsync($"actortcp submit: no node could be reached at {string.Join(", ", options.Contacts)} " +
                    $"within {ContactWait.TotalSeconds:0} s").ConfigureAwait(false);
                return Unreachable;
            }

            var results = new ClusterTaskResult[options.Repeat];
            var next = -1;
            async Task Worker()
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < options.Repeat)
                    results[i] = await RunOneAsync(entry, i, options).ConfigureAwait(false);
            }
            await Task.WhenAll(Enumerable.Range(0, Math.Min(options.Concurrency, options.Repeat)).Select(_ => Worker())).ConfigureAwait(false);

            if (options.Repeat == 1) await PrintAsync(results[0], stdout).ConfigureAwait(false);
            else await SummarizeAsync(results, stdout).ConfigureAwait(false);
            foreach (var failed in results.Where(r => r.Status != ClusterTaskStatus.Ok).Select(r => r.Error).Distinct().Take(3))
                await stderr.WriteLineAsync($"actortcp submit: {options.Function}: {failed}").ConfigureAwait(false);
            return results.Any(r => r.Status == ClusterTaskStatus.Timeout) ? TimedOut
                : results.Any(r => r.Status == ClusterTaskStatus.Error) ? Failed
                : Done;
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    /// <summary>One task through the entry gateway: its result, or why none came.</summary>
    private static async Task<ClusterTaskResult> RunOneAsync(SubmitEntry entry, int index, SubmitOptions options)
    {
        if (await entry.CurrentAsync().ConfigureAwait(false) is not { } gateway)
            return new ClusterTaskResult(index, "", 0, ClusterTaskStatus.Error, "no node could be reached", TimeSpan.Zero, []);
        var started = Stopwatch.GetTimestamp();
        // The gateway answers by the deadline and a second; the rest covers the way back.
        var ask = gateway.Ref.Ask<ClusterTaskResult>(new RunClusterTask(options.Function, options.Fields, options.Deadline),
            options.Deadline + AnswerGrace);
        if (await Task.WhenAny(ask, gateway.Died).ConfigureAwait(false) != ask)
            return new ClusterTaskResult(index, gateway.Node, 0, ClusterTaskStatus.Error,
                $"node {gateway.Node}, which took the task, stopped answering", Stopwatch.GetElapsedTime(started), []);
        try
        {
            return await ask.ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return new ClusterTaskResult(index, gateway.Node, 0, ClusterTaskStatus.Timeout, "no answer from the cluster within the deadline",
                Stopwatch.GetElapsedTime(started), []);
        }
    }

    private static async Task PrintAsync(ClusterTaskResult result, TextWriter stdout)
    {
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"node={result.Node} status={Status(result.Status)} elapsed_ms={(long)result.Elapsed.TotalMilliseconds}")).ConfigureAwait(false);
        foreach (var symbol in result.Symbols)
        {
            var options = symbol.Options.Count == 0 ? "" : $" [{string.Join(",", symbol.Options)}]";
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{symbol.Name} {symbol.Score}{options}")).ConfigureAwait(false);
        }
    }

    private static async Task SummarizeAsync(IReadOnlyList<ClusterTaskResult> results, TextWriter stdout)
    {
        await stdout.WriteLineAsync($"tasks={results.Count}").ConfigureAwait(false);
        foreach (var node in results.GroupBy(r => r.Node.Length == 0 ? "-" : r.Node).OrderBy(g => g.Key, StringComparer.Ordinal))
            await stdout.WriteLineAsync($"node={node.Key} tasks={node.Count()}").ConfigureAwait(false);
        foreach (var status in results.GroupBy(r => r.Status).OrderBy(g => g.Key))
            await stdout.WriteLineAsync($"status={Status(status.Key)} tasks={status.Count()}").ConfigureAwait(false);
        // How many tasks inserted each symbol: what a plugin found, over the whole run.
        foreach (var symbol in results.SelectMany(r => r.Symbols.Select(s => s.Name).Distinct()).GroupBy(n => n).OrderBy(g => g.Key, StringComparer.Ordinal))
            await stdout.WriteLineAsync($"symbol={symbol.Key} tasks={symbol.Count()}").ConfigureAwait(false);
    }

    private static string Status(ClusterTaskStatus status) => status switch
    {
        ClusterTaskStatus.Ok => "ok",
        ClusterTaskStatus.Error => "error",
        _ => "timeout",
    };
}
