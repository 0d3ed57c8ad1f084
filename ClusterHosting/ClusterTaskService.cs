using ActorTcp.Cluster.Tasks;
using Akka.Actor;
using Akka.Hosting;

namespace ActorTcp.Hosting;

/// <summary>
/// Runs plugin tasks over the cluster (<see cref="ActorTcpClusterHostingExtensions.WithActorTcpCluster"/>): each on the
/// mail-filter node with the most spare capacity, whichever node calls. Register it with
/// <see cref="ClusterTaskServiceCollectionExtensions.AddClusterTasks"/>. Thread-safe.
/// </summary>
public sealed class ClusterTaskService(IReadOnlyActorRegistry registry, ActorSystem system)
{
    /// <summary>
    /// Runs the plugin function <paramref name="function"/> for a task holding <paramref name="fields"/> (strings, byte
    /// arrays, integers, numbers, booleans) on some node, within <paramref name="deadline"/>. Completes with where it
    /// ran, how it ended and the symbols it inserted; never later than the deadline and a second, even when its node
    /// dies (then it says so).
    /// </summary>
    public async Task<ClusterTaskResult> RunTaskAsync(string function, IReadOnlyDictionary<string, object?> fields,
        TimeSpan deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(deadline, TimeSpan.Zero);
        var gateway = await registry.GetAsync<TaskGateway>(cancellationToken).ConfigureAwait(false);
        var ask = gateway.Ask<ClusterTaskResult>(new RunClusterTask(function, fields, deadline), timeout: null, cancellationToken);
        if (await Task.WhenAny(ask, system.WhenTerminated).ConfigureAwait(false) != ask)
            throw new InvalidOperationException($"{function}: the actor system stopped before the task finished");
        return await ask.ConfigureAwait(false);
    }
}
