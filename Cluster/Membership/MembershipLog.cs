using Akka.Actor;
using Akka.Cluster;

namespace ActorTcp.Cluster.Membership;

/// <summary>
/// Tells an operator what the cluster does, one line per event: when this node joined, who is up, who became
/// unreachable or reachable again, who left or was removed. Lines go to <c>report</c> (the node's log), not to Akka's
/// log, whose level a node keeps at warnings.
/// </summary>
public sealed class MembershipLog : ReceiveActor
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);

    /// <summary>A log writing each line to <paramref name="report"/>.</summary>
    public MembershipLog(Action<string> report)
    {
        Receive<ClusterEvent.MemberUp>(up => report(up.Member.Address == _cluster.SelfAddress
            ? $"joined the cluster as {Describe(up.Member)}"
            : $"member up: {Describe(up.Member)}"));
        Receive<ClusterEvent.MemberLeft>(left => report($"member leaving: {left.Member.Address}"));
        Receive<ClusterEvent.MemberExited>(exited => report($"member exited: {exited.Member.Address}"));
        Receive<ClusterEvent.MemberRemoved>(removed => report($"member removed: {removed.Member.Address} (was {removed.PreviousStatus})"));
        Receive<ClusterEvent.UnreachableMember>(unreachable => report($"member unreachable: {unreachable.Member.Address}"));
        Receive<ClusterEvent.ReachableMember>(reachable => report($"member reachable again: {reachable.Member.Address}"));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    /// <summary>Props of a log writing to <paramref name="report"/>.</summary>
    public static Props Props(Action<string> report) => Akka.Actor.Props.Create(() => new MembershipLog(report));

    /// <inheritdoc/>
    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    /// <inheritdoc/>
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private static string Describe(Member member) => $"{member.Address} (roles: {string.Join(", ", member.Roles.Order())})";
}
