using System.Diagnostics.Metrics;
using System.Reflection;
using Akka.Actor;

namespace ActorTcp.Actors.Metrics;

/// <summary>
/// ActorTcp's instruments (System.Diagnostics.Metrics; names, units and tags in docs/metrics.md): one
/// <see cref="System.Diagnostics.Metrics.Meter"/> named <see cref="MeterName"/> per actor system, an Akka extension
/// (<see cref="Get"/>), disposed when the system terminates. An exporter subscribes by the name
/// (OpenTelemetry's <c>AddMeter("ActorTcp")</c>); a <see cref="MeterListener"/> in a process running several actor
/// systems tells one system's measurements from another's by <see cref="Instrument.Meter"/> being this
/// <see cref="Meter"/>. The meter carries the tag <c>node</c> (<see cref="Node"/>), and so do the upstream instruments.
/// </summary>
/// <remarks>
/// Measurements are taken where the events happen (connection actors, transports, the resolver, the upstream owner,
/// the Lua hosts). With nobody listening an instrument call costs a few nanoseconds and allocates nothing; timestamps
/// for durations are read only while the histogram is enabled.
/// </remarks>
public sealed partial class ActorTcpMetrics : IExtension
{
    /// <summary>The meter's name: what an exporter subscribes to.</summary>
    public const string MeterName = "ActorTcp";

    /// <summary>The tag naming the node (on the meter, and on every upstream measurement).</summary>
    public const string NodeTag = "node";

    // Bucket advice (seconds) for what is over in microseconds to seconds: connects, handshakes, DNS lookups.
    private static readonly double[] s_networkBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // For what lasts as long as a request or a plugin task: milliseconds to a minute.
    private static readonly double[] s_requestBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private static readonly int[] s_queueBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    // OpenTelemetry's network.io.direction, made once: a tag per measurement would be built on every read.
    private static readonly KeyValuePair<string, object?> s_receive = new("network.io.direction", "receive");
    private static readonly KeyValuePair<string, object?> s_transmit = new("network.io.direction", "transmit");

    /// <summary>Creates the meter and its instruments, for the node named <paramref name="node"/>.</summary>
    internal ActorTcpMetrics(string node)
    {
        Node = node;
        NodeTagPair = new KeyValuePair<string, object?>(NodeTag, node);
        Meter = new Meter(new MeterOptions(MeterName)
        {
            Version = typeof(ActorTcpMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            Tags = [NodeTagPair],
        });

        ConnectionsOpened = Meter.CreateCounter<long>("actortcp.connection.opened", "{connection}",
            "Connections started (one per request, refused ones included).");
        ConnectionsActive = Meter.CreateUpDownCounter<long>("actortcp.connection.active", "{connection}",
            "Connections started and not yet ended.");
        ConnectionsClosed = Meter.CreateCounter<long>("actortcp.connection.closed", "{connection}",
            "Connections ended, by outcome.");
        ConnectionDuration = Histogram("actortcp.connection.duration", "Time from a connection's start to its end, by outcome.",
            s_requestBuckets);
        ConnectDuration = Histogram("actortcp.connection.connect.duration",
            "Time of the TCP connect (every address tried), by outcome.", s_networkBuckets);
        TlsHandshakeDuration = Histogram("actortcp.tls.handshake.duration", "Time of the TLS handshake, by outcome.",
            s_networkBuckets);
        Meter.CreateObservableCounter("actortcp.io.bytes", ObserveBytes, "By",
            "Bytes received from and handed to sockets (TLS records included), by network.io.direction.");
        HandlerQueueMax = Meter.CreateHistogram<int>("actortcp.handler_queue.depth.max", "{handler}",
            "The most handlers one connection had queued at once, recorded at its end.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = s_queueBuckets });
        DnsLookups = Meter.CreateCounter<long>("actortcp.dns.lookups", "{lookup}", "DNS lookups, by kind and outcome.");
        DnsLookupDuration = Histogram("actortcp.dns.lookup.duration", "Time of a DNS lookup, by kind and outcome.",
            s_networkBuckets);
        CreateLuaInstruments();
        CreateUpstreamInstruments();
    }

    /// <summary>The metrics of <paramref name="system"/>, created on first use.</summary>
    public static ActorTcpMetrics Get(ActorSystem system) => system.WithExtension<ActorTcpMetrics, Provider>();

    /// <summary>This system's meter: every ActorTcp instrument of the system belongs to it.</summary>
    public Meter Meter { get; }

    /// <summary>The node: <c>host:port</c> of a remoting system's address, else the actor system's name.</summary>
    public string Node { get; }

    /// <summary>The <c>node</c> tag, made once.</summary>
    internal KeyValuePair<string, object?> NodeTagPair { get; }

    internal Counter<long> ConnectionsOpened { get; }

    internal UpDownCounter<long> ConnectionsActive { get; }

    internal Counter<long> ConnectionsClosed { get; }

    internal Histogram<double> ConnectionDuration { get; }

    internal Histogram<double> ConnectDuration { get; }

    internal Histogram<double> TlsHandshakeDuration { get; }

    // Observed at collection (StripedCounter says why).
    private readonly StripedCounter _bytesReceived = new();
    private readonly StripedCounter _bytesSent = new();

    internal Histogram<int> HandlerQueueMax { get; }

    internal Counter<long> DnsLookups { get; }

    internal Histogram<double> DnsLookupDuration { get; }

    /// <summary>Bytes a socket received (one read).</summary>
    internal void BytesReceived(int count) => _bytesReceived.Add(count);

    /// <summary>Bytes handed to a socket (one write).</summary>
    internal void BytesSent(int count) => _bytesSent.Add(count);

    /// <summary>
    /// Raised just before the meter is disposed (its actor system terminated), on the thread that runs the system's
    /// termination callbacks: the last chance to read the observable instruments (bytes, Lua runs), whose totals die
    /// with the meter. <see cref="MetricsSummary"/> and the hosting's export pipelines collect once more here.
    /// </summary>
    public event Action? Completing;

    /// <summary>Unpublishes every instrument (listeners hear <c>MeasurementsCompleted</c>): the system terminated.</summary>
    internal void Dispose()
    {
        try
        {
            Completing?.Invoke();
        }
        finally
        {
            // A handler that throws must not leave the instruments published and every listener waiting.
            Meter.Dispose();
        }
    }

    // A direction's series appears with its first byte, as a counter's would.
    private IEnumerable<Measurement<long>> ObserveBytes()
    {
        if (_bytesReceived.Value is > 0 and var received) yield return new Measurement<long>(received, s_receive);
        if (_bytesSent.Value is > 0 and var sent) yield return new Measurement<long>(sent, s_transmit);
    }

    private Histogram<double> Histogram(string name, string description, double[] buckets) =>
        Meter.CreateHistogram<double>(name, "s", description,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    /// <summary>The node of <paramref name="system"/>: its address's <c>host:port</c> when it has one (remoting), else its name.</summary>
    internal static string NodeOf(ExtendedActorSystem system)
    {
        var address = system.Provider.DefaultAddress;
        return address.Host is { } host && address.Port is { } port ? $"{host}:{port}" : system.Name;
    }

    /// <summary>The extension id: one <see cref="ActorTcpMetrics"/> per actor system, disposed with it.</summary>
    private sealed class Provider : ExtensionIdProvider<ActorTcpMetrics>
    {
        public override ActorTcpMetrics CreateExtension(ExtendedActorSystem system)
        {
            var metrics = new ActorTcpMetrics(NodeOf(system));
            system.RegisterOnTermination(metrics.Dispose);
            return metrics;
        }
    }
}
