using System.Diagnostics;
using ActorTcp.Cluster.Tasks;
using Akka.Actor;
using Akka.Cluster.Tools.Client;

namespace ActorTcp.Hosting.Cli;

/// <summary>
/// The node gateway <c>actortcp submit</c> hands its tasks to: first the gateway of a contacted node (the operator
/// named it), asked directly; once that one died, or when none answers, whichever gateway the ClusterClient finds
/// (the node whose receptionist answers). Then it is spoken to directly and watched. A task lives in its entry gateway
/// until its result comes back, so when that node dies the client's own death watch fails the task as soon as the death
/// is noticed, instead of the task waiting for its deadline; the next task finds another node. Thread-safe.
/// </summary>
/// <param name="system">The client's actor system (remoting on).</param>
/// <param name="client">Its ClusterClient, for every entry after the first.</param>
/// <param name="contacts">The gateways' paths on the contacted nodes, tried in order for the first entry.</param>
/// <param name="findWithin">How long finding an entry may take.</param>
internal sealed class SubmitEntry(ActorSystem system, IActorRef client, IReadOnlyList<ActorPath> contacts, TimeSpan findWithin)
{
    private const string GatewayPath = "/user/" + TaskGateway.Name;
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim _finding = new(1, 1);
    private Gateway? _current;
    private bool _triedContacts;

    /// <summary>A gateway and what completes when it is known dead.</summary>
    public sealed record Gateway(IActorRef Ref, Task Died)
    {
        /// <summary>Its node as <c>host:port</c>.</summary>
        public string Node => $"{Ref.Path.Address.Host}:{Ref.Path.Address.Port}";
    }

    /// <summary>The gateway to use now: the last one found while it lives, otherwise a new one; null when no node answers.</summary>
    public async Task<Gateway?> CurrentAsync()
    {
        if (_current is { Died.IsCompleted: false } alive) return alive;
        await _finding.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_current is { Died.IsCompleted: false } found) return found;
            _current = null;
            var deadline = Stopwatch.GetTimestamp() + (long)(findWithin.TotalSeconds * Stopwatch.Frequency);
            if (!_triedContacts)
            {
                _triedContacts = true;
                if (await ContactGatewayAsync(deadline).ConfigureAwait(false) is { } contacted)
                    return _current = new Gateway(contacted, Watch(contacted));
            }
            while (Stopwatch.GetTimestamp() < deadline)
            {
                ActorIdentity identity;
                try
                {
                    // Local affinity: the gateway of the node whose receptionist answered, which is alive; another
                    // node's could be one that died and is not yet removed, whose messages go to dead letters.
                    identity = await client.Ask<ActorIdentity>(new ClusterClient.Send(GatewayPath, new Identify("submit"), localAffinity: true),
                        Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline)).ConfigureAwait(false);
                }
                catch (AskTimeoutException)
                {
                    return null;
                }
                // Dead letters answer an Identify too (with themselves): only a gateway will do.
                if (identity.Subject is { } gateway && gateway.Path.Name == TaskGateway.Name)
                    return _current = new Gateway(gateway, Watch(gateway));
                await Task.Delay(RetryEvery).ConfigureAwait(false);
            }
            return null;
        }
        finally
        {
            _finding.Release();
        }
    }

    /// <summary>The first contacted node's gateway that answers an Identify within its share of the wait; null for none.</summary>
    private async Task<IActorRef?> ContactGatewayAsync(long deadline)
    {
        foreach (var path in contacts)
        {
            // A node that is not there never answers: each contact gets at most a second, and the rest of the wait is
            // the ClusterClient's.
            var wait = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline).Ticks));
            if (wait <= TimeSpan.Zero) return null;
            try
            {
                var identity = await system.ActorSelection(path).Ask<ActorIdentity>(new Identify("submit"), wait).ConfigureAwait(false);
                if (identity.Subject is { } gateway && gateway.Path.Name == TaskGateway.Name) return gateway;
            }
            catch (AskTimeoutException)
            {
                // Not there (yet): the next contact, then the ClusterClient.
            }
        }
        return null;
    }

    // An actor's death watch, not WatchAsync: only an actor hears that a remote node was found unreachable.
    private Task Watch(IActorRef gateway)
    {
        var died = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new DeathWatcher(gateway, died)));
        return died.Task;
    }

    private sealed class DeathWatcher : ReceiveActor
    {
        public DeathWatcher(IActorRef target, TaskCompletionSource died)
        {
            Context.Watch(target);
            Receive<Terminated>(_ =>
            {
                died.TrySetResult();
                Context.Stop(Self);
            });
        }
    }
}
