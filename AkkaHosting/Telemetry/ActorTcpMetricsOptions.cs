namespace ActorTcp.Hosting.Telemetry;

/// <summary>
/// Where ActorTcp's metrics and traces go (<see cref="ActorTcpOptions.Metrics"/>, <c>actortcp node --metrics-port</c>):
/// a Prometheus scrape endpoint, and OTLP when the standard <c>OTEL_EXPORTER_OTLP_*</c> environment variables name an
/// endpoint. Nothing is exported by default; the instruments (docs/metrics.md) exist either way, for any listener.
/// </summary>
public sealed class ActorTcpMetricsOptions
{
    /// <summary>Serve the Prometheus text format on this TCP port (path <see cref="PrometheusPath"/>); null: no endpoint.</summary>
    public int? PrometheusPort { get; set; }

    /// <summary>
    /// The host name or address the endpoint listens on (default <c>localhost</c>: loopback only). <c>*</c> or <c>+</c>
    /// listens on every interface, for a Prometheus server on another machine.
    /// </summary>
    public string PrometheusHost { get; set; } = "localhost";

    /// <summary>The scrape path (default <c>/metrics</c>).</summary>
    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>
    /// Export metrics and traces by OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or its <c>_METRICS_</c> or
    /// <c>_TRACES_</c> form) is set (default true). The exporter reads the other standard variables itself: protocol,
    /// headers, timeout, <c>OTEL_METRIC_EXPORT_INTERVAL</c>, <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>.
    /// </summary>
    public bool OtlpFromEnvironment { get; set; } = true;

    /// <summary>Whether anything is to be exported, given the environment <paramref name="environment"/> reads.</summary>
    internal bool ExportsAnything(Func<string, string?> environment) =>
        PrometheusPort is not null || (OtlpFromEnvironment && (OtlpEnvironment.MetricsEndpointSet(environment)
            || OtlpEnvironment.TracesEndpointSet(environment)));
}
