using ActorTcp.Actors.Metrics;

// OpenTelemetry's convention: instrumentation extensions live in the namespace of the builder they extend.
namespace OpenTelemetry.Metrics
{
    /// <summary>Adds ActorTcp's meter to an OpenTelemetry metrics pipeline.</summary>
    public static class ActorTcpMeterProviderBuilderExtensions
    {
        /// <summary>
        /// Subscribes to every actor system's <c>ActorTcp</c> meter (<see cref="ActorTcpMetrics.MeterName"/>): connections,
        /// TLS, bytes, DNS, Lua runs, sessions, tasks, upstream health (docs/metrics.md).
        /// </summary>
        public static MeterProviderBuilder AddActorTcpInstrumentation(this MeterProviderBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            return builder.AddMeter(ActorTcpMetrics.MeterName);
        }
    }
}

namespace OpenTelemetry.Trace
{
    /// <summary>Adds ActorTcp's activities to an OpenTelemetry tracing pipeline.</summary>
    public static class ActorTcpTracerProviderBuilderExtensions
    {
        /// <summary>
        /// Subscribes to the <c>ActorTcp</c> activity source (<see cref="ActorTcpActivities.SourceName"/>): an activity per
        /// plugin task and per connection, the connection a child of the task that opened it.
        /// </summary>
        public static TracerProviderBuilder AddActorTcpInstrumentation(this TracerProviderBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            return builder.AddSource(ActorTcpActivities.SourceName);
        }
    }
}
