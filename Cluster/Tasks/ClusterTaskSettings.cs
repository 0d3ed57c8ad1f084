using Akka.Configuration;

namespace ActorTcp.Cluster.Tasks;

/// <summary>The limits of tasks over the cluster: <c>actortcp.cluster</c> in HOCON.conf, read once.</summary>
/// <param name="MaxTaskSize">Most bytes of one task's fields (names and values as they travel).</param>
public sealed record ClusterTaskSettings(long MaxTaskSize)
{
    // What a task carries besides its fields (function name, deadline, the reply path, remoting's envelope).
    private const long Envelope = 64 * 1024;

    /// <summary>The built-in default (the value HOCON.conf holds).</summary>
    public static ClusterTaskSettings Default { get; } = new(4L * 1024 * 1024);

    /// <summary>
    /// Reads <c>actortcp.cluster</c> of <paramref name="config"/>. A task must fit one Akka.Remote frame, so a limit
    /// that <c>akka.remote.dot-netty.tcp.maximum-frame-size</c> cannot hold is a configuration error here rather than
    /// tasks silently dropped by remoting later.
    /// </summary>
    /// <exception cref="ConfigurationException">A limit that is not positive or does not fit the frame.</exception>
    public static ClusterTaskSettings Create(Config config)
    {
        var max = config.GetByteSize("actortcp.cluster.max-task-size") ?? Default.MaxTaskSize;
        if (max <= 0) throw new ConfigurationException($"actortcp.cluster.max-task-size must be positive, got {max}");
        if (config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") is { } frame && max + Envelope > frame)
            throw new ConfigurationException($"actortcp.cluster.max-task-size ({max} bytes) does not fit " +
                $"akka.remote.dot-netty.tcp.maximum-frame-size ({frame} bytes): the frame needs the limit plus {Envelope / 1024} KiB");
        return new ClusterTaskSettings(max);
    }

    /// <summary>
    /// Why a task with <paramref name="fields"/> cannot travel (a value of another type, or too many bytes); null when it
    /// can. <paramref name="size"/> is what the fields take on the wire (0 when a type is refused).
    /// </summary>
    public string? Refusal(IReadOnlyDictionary<string, object?> fields, out long size)
    {
        size = 0;
        if (ClusterTaskSerializer.UnsupportedField(fields) is { } unsupported) return unsupported;
        size = ClusterTaskSerializer.FieldsSize(fields);
        if (size <= MaxTaskSize) return null;
        var largest = fields.MaxBy(f => ClusterTaskSerializer.FieldsSize([f])).Key;
        return $"task fields take {size} bytes (the largest is {largest}), more than actortcp.cluster.max-task-size ({MaxTaskSize} bytes)";
    }
}
