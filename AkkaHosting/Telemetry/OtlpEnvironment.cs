namespace ActorTcp.Hosting.Telemetry;

/// <summary>
/// Whether OpenTelemetry's standard environment variables name an OTLP endpoint. Without one the exporter would send
/// to localhost:4317 and log a failure every interval, so ActorTcp adds it only when asked.
/// </summary>
internal static class OtlpEnvironment
{
    private const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string MetricsEndpoint = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    private const string TracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

    /// <summary>The process's environment.</summary>
    public static string? Process(string name) => Environment.GetEnvironmentVariable(name);

    public static bool MetricsEndpointSet(Func<string, string?> environment) =>
        IsSet(environment(Endpoint)) || IsSet(environment(MetricsEndpoint));

    public static bool TracesEndpointSet(Func<string, string?> environment) =>
        IsSet(environment(Endpoint)) || IsSet(environment(TracesEndpoint));

    private static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);
}
