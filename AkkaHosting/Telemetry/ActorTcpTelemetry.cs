using ActorTcp.Actors.Metrics;
using Akka.Actor;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ActorTcp.Hosting.Telemetry;

/// <summary>
/// The export pipelines of one node, as <see cref="ActorTcpMetricsOptions"/> asks: an OpenTelemetry
/// <see cref="MeterProvider"/> with the Prometheus endpoint and/or OTLP, and a <see cref="TracerProvider"/> with OTLP.
/// Built with the SDK's own builders (not the host's service collection, which an Akka.Hosting extension cannot reach),
/// so it lives as long as this object: dispose it after the actor system (the last export is flushed then).
/// </summary>
/// <remarks>
/// OpenTelemetry subscribes by name, so one pipeline exports every actor system's <c>ActorTcp</c> meter in the process:
/// start one per process.
/// </remarks>
public sealed class ActorTcpTelemetry : IDisposable
{
    private readonly MeterProvider? _meters;
    private readonly TracerProvider? _tracer;

    private ActorTcpTelemetry(MeterProvider? meters, TracerProvider? tracer, Uri? prometheus)
    {
        _meters = meters;
        _tracer = tracer;
        PrometheusEndpoint = prometheus;
    }

    /// <summary>The scrape address, when a Prometheus endpoint was asked for.</summary>
    public Uri? PrometheusEndpoint { get; }

    /// <summary>Whether OTLP export runs (an endpoint was set in the environment).</summary>
    public bool Otlp { get; private init; }

    /// <summary>
    /// Starts what <paramref name="options"/> asks for; <paramref name="node"/> becomes the resource's
    /// <c>service.instance.id</c> (and <c>service.name</c> is <c>actortcp</c> unless <c>OTEL_SERVICE_NAME</c> says
    /// otherwise). Throws <see cref="InvalidOperationException"/> when the Prometheus endpoint cannot listen (a port in
    /// use), naming it.
    /// </summary>
    public static ActorTcpTelemetry Start(ActorTcpMetricsOptions options, string node) =>
        Start(options, node, OtlpEnvironment.Process);

    /// <summary>
    /// <see cref="Start(ActorTcpMetricsOptions, string)"/> when <paramref name="options"/> asks for an export (a
    /// Prometheus port, or an OTLP endpoint in the environment); otherwise null.
    /// </summary>
    public static ActorTcpTelemetry? StartIfAsked(ActorTcpMetricsOptions options, string node)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ExportsAnything(OtlpEnvironment.Process) ? Start(options, node) : null;
    }

    internal static ActorTcpTelemetry Start(ActorTcpMetricsOptions options, string node, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        var otlpMetrics = options.OtlpFromEnvironment && OtlpEnvironment.MetricsEndpointSet(environment);
        var otlpTraces = options.OtlpFromEnvironment && OtlpEnvironment.TracesEndpointSet(environment);
        var prometheus = options.PrometheusPort is { } port ? PrometheusUri(options, port) : null;

        MeterProvider? meters = null;
        if (prometheus is not null || otlpMetrics)
        {
            var builder = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(resource => Describe(resource, node, environment))
                .AddActorTcpInstrumentation();
            if (prometheus is not null)
            {
                builder.AddPrometheusHttpListener(listener =>
                {
                    listener.Host = options.PrometheusHost;
                    listener.Port = options.PrometheusPort!.Value;
                    listener.ScrapeEndpointPath = options.PrometheusPath;
                });
            }
            if (otlpMetrics) builder.AddOtlpExporter();
            try
            {
                meters = builder.Build();
            }
            catch (InvalidOperationException e) when (prometheus is not null)
            {
                throw new InvalidOperationException(
                    $"the metrics endpoint {prometheus} cannot listen: {e.GetBaseException().Message}", e);
            }
        }

        TracerProvider? tracer;
        try
        {
            tracer = otlpTraces
                ? Sdk.CreateTracerProviderBuilder()
                    .ConfigureResource(resource => Describe(resource, node, environment))
                    .AddActorTcpInstrumentation()
                    .AddOtlpExporter()
                    .Build()
                : null;
        }
        catch
        {
            meters?.Dispose(); // its endpoint would keep the port
            throw;
        }
        return new ActorTcpTelemetry(meters, tracer, prometheus) { Otlp = otlpMetrics || otlpTraces };
    }

    /// <summary>
    /// Collects and exports once more just before <paramref name="system"/>'s ActorTcp meter goes (its
    /// <see cref="ActorTcpMetrics.Completing"/>): the observable counters (bytes, Lua runs) can be read only while the
    /// meter lives, so a pipeline disposed after the system would lose what they counted since the last export. The
    /// export runs on the termination callbacks' thread, bounded by <paramref name="timeout"/>.
    /// </summary>
    public void CollectBeforeEnd(ActorSystem system, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (_meters is not { } meters) return;
        ActorTcpMetrics.Get(system).Completing += () => meters.ForceFlush((int)timeout.TotalMilliseconds);
    }

    /// <summary>Flushes what is pending and stops exporting (the Prometheus endpoint stops listening).</summary>
    public void Dispose()
    {
        _tracer?.Dispose();
        _meters?.Dispose();
    }

    private static void Describe(ResourceBuilder resource, string node, Func<string, string?> environment)
    {
        // OTEL_SERVICE_NAME, when set, is the operator's choice; the SDK reads it (and OTEL_RESOURCE_ATTRIBUTES) itself.
        if (string.IsNullOrWhiteSpace(environment("OTEL_SERVICE_NAME")))
            resource.AddService("actortcp", serviceInstanceId: node, autoGenerateServiceInstanceId: false);
        else
            resource.AddAttributes([new KeyValuePair<string, object>("service.instance.id", node)]);
    }

    private static Uri PrometheusUri(ActorTcpMetricsOptions options, int port)
    {
        if (port is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(options), port, "the metrics port must be within 1-65535");
        var host = options.PrometheusHost is "*" or "+" ? "0.0.0.0" : options.PrometheusHost;
        if (host.Contains(':') && !host.StartsWith('[')) host = $"[{host}]";
        return new Uri($"http://{host}:{port}{options.PrometheusPath}");
    }
}
