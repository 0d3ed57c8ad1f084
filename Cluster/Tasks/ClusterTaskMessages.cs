using Akka.Actor;

namespace ActorTcp.Cluster.Tasks;

/// <summary>How a task ended.</summary>
public enum ClusterTaskStatus
{
    /// <summary>The plugin function returned and everything its session started ended.</summary>
    Ok,
    /// <summary>A Lua error, or no node could run it (see <see cref="ClusterTaskResult.Error"/>).</summary>
    Error,
    /// <summary>Its deadline passed: its session was destroyed, or its node did not answer in time.</summary>
    Timeout,
}

/// <summary>Asks a node's <see cref="TaskGateway"/> to run a task on the node with the most spare capacity; answered with <see cref="ClusterTaskResult"/>.</summary>
/// <param name="Function">The global plugin function to call.</param>
/// <param name="Fields">The task's fields: strings, byte arrays, 64-bit integers, doubles, booleans.</param>
/// <param name="Deadline">When the task's session is destroyed; also how long the caller waits for a node.</param>
public sealed record RunClusterTask(string Function, IReadOnlyDictionary<string, object?> Fields, TimeSpan Deadline);

/// <summary>A task sent to the gateway of the node that runs it (between gateways, over Akka.Remote).</summary>
public sealed record ClusterTask(long Id, string Function, IReadOnlyDictionary<string, object?> Fields, TimeSpan Deadline, IActorRef ReplyTo);

/// <summary>A symbol a task inserted (<c>task:insert_result</c>).</summary>
public sealed record ClusterTaskSymbol(string Name, double Score, IReadOnlyList<string> Options);

/// <summary>The end of a task: where it ran, how it ended, how long it took, and what it inserted.</summary>
/// <param name="Id">The task's id at the gateway that sent it.</param>
/// <param name="Node">The address (<c>host:port</c>) of the node that ran it; empty when none did.</param>
/// <param name="Host">The Lua host of that node.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Error">The Lua error with its traceback, or why no node ran it; null when it succeeded.</param>
/// <param name="Elapsed">From the gateway taking the task to its end.</param>
/// <param name="Symbols">What the task inserted with <c>task:insert_result</c>, in order.</param>
public sealed record ClusterTaskResult(long Id, string Node, int Host, ClusterTaskStatus Status, string? Error, TimeSpan Elapsed,
    IReadOnlyList<ClusterTaskSymbol> Symbols);

/// <summary>Tasks for one node sent together (<see cref="TaskGateway"/> batches what it has when it flushes).</summary>
public sealed record ClusterTaskBatch(IReadOnlyList<ClusterTask> Tasks);

/// <summary>Results for one gateway sent together.</summary>
public sealed record ClusterTaskResultBatch(IReadOnlyList<ClusterTaskResult> Results);
