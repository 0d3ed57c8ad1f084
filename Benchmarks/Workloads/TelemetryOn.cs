using System.Diagnostics;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Hosting.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// What exporting costs (W1M, W2M, W1T): <paramref name="inner"/>'s ActorTcp side with an OpenTelemetry pipeline
/// listening to the benchmark host's meter, as <c>actortcp node --metrics-port</c> runs it (a Prometheus endpoint on
/// 127.0.0.1, not scraped during the run), and with <paramref name="traces"/> an activity per connection too, every one
/// sampled and handed to a batch processor whose exporter drops it. Its target is <paramref name="inner"/>'s ActorTcp
/// figure of the same run, with no listener. The pipeline is started and stopped around each run, unmeasured.
/// </summary>
public sealed class TelemetryOn(Workload inner, bool traces) : Workload
{
    /// <summary>At most 3% slower than without export (the observability issue's target).</summary>
    private const double Target = 0.97;

    public override string Id => inner.Id + (traces ? "T" : "M");
    public override string? ComparedWith => inner.Id;

    public override string Title => traces
        ? $"{Id}: {inner.Id} with metrics exported and an activity per connection, all sampled"
        : $"{Id}: {inner.Id} with metrics exported (OpenTelemetry, Prometheus endpoint)";

    public override IReadOnlyList<Metric> Metrics =>
        [new(Id, inner.Metrics[0].Unit, inner.Metrics[0].Value, Measure.Target.RelativeAtLeast(Target, inner.Id))];

    public override IDisposable? ActorTcpRunScope() => new Pipeline(traces);

    public override Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken) =>
        inner.RunActorTcpAsync(context, cancellationToken);

    public override Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken) =>
        inner.RunRawAsync(context, cancellationToken);

    private sealed class Pipeline : IDisposable
    {
        private readonly ActorTcpTelemetry _metrics;
        private readonly TracerProvider? _tracer;

        public Pipeline(bool traces)
        {
            using var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            port.Start();
            var free = ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
            port.Stop();
            _metrics = ActorTcpTelemetry.Start(new ActorTcpMetricsOptions
            {
                PrometheusPort = free, PrometheusHost = "127.0.0.1", OtlpFromEnvironment = false,
            }, "bench");
            _tracer = traces
                ? Sdk.CreateTracerProviderBuilder().AddActorTcpInstrumentation().SetSampler(new AlwaysOnSampler())
                    .AddProcessor(new BatchActivityExportProcessor(new Dropping())).Build()
                : null;
        }

        public void Dispose()
        {
            _tracer?.Dispose();
            _metrics.Dispose();
        }
    }

    /// <summary>An exporter that takes every batch and keeps nothing: what is measured is ActorTcp's side of tracing.</summary>
    private sealed class Dropping : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
    }
}
