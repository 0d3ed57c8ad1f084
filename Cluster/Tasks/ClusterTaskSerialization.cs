using Akka.Configuration;

namespace ActorTcp.Cluster.Tasks;

/// <summary>
/// The HOCON that binds the task messages (<see cref="RunClusterTask"/>, <see cref="ClusterTask"/>,
/// <see cref="ClusterTaskResult"/>) to <see cref="ClusterTaskSerializer"/>. Every actor system that sends or receives
/// tasks adds it as a fallback: <c>WithActorTcpCluster</c> and <c>actortcp submit</c> do. It is not in HOCON.conf
/// because HOCON.conf is built into ActorTcp.Actors, and a host without this assembly would warn at every start that
/// the types it names do not resolve.
/// </summary>
public static class ClusterTaskSerialization
{
    /// <summary>The binding, as HOCON text.</summary>
    public static string Hocon { get; } = $$"""
        akka.actor {
          serializers.actortcp-tasks = "{{TypeName<ClusterTaskSerializer>()}}"
          serialization-bindings {
            "{{TypeName<ClusterTask>()}}" = actortcp-tasks
            "{{TypeName<RunClusterTask>()}}" = actortcp-tasks
            "{{TypeName<ClusterTaskResult>()}}" = actortcp-tasks
            "{{TypeName<ClusterTaskBatch>()}}" = actortcp-tasks
            "{{TypeName<ClusterTaskResultBatch>()}}" = actortcp-tasks
          }
        }
        """;

    /// <summary>The binding, parsed (a new object each time).</summary>
    public static Config Config => ConfigurationFactory.ParseString(Hocon);

    private static string TypeName<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";
}
