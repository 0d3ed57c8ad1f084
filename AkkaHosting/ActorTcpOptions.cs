using ActorTcp.Hosting.Telemetry;
using ActorTcp.LuaApi;
using AkkaLogLevel = Akka.Event.LogLevel;

namespace ActorTcp.Hosting;

/// <summary>
/// Options of <see cref="ActorTcpHostingExtensions.WithActorTcp"/>. Settings of the connections themselves (timeouts,
/// limits, DNS) are HOCON: the <c>actortcp { }</c> section of the actor system's configuration, over HOCON.conf.
/// </summary>
public sealed class ActorTcpOptions
{
    /// <summary>
    /// DNS servers (<c>IP</c>, <c>IP:PORT</c> or <c>[IPv6]:PORT</c>) that replace <c>actortcp.dns.nameservers</c>;
    /// empty keeps the configured ones.
    /// </summary>
    public IList<string> NameServers { get; } = new List<string>();

    /// <summary>Where Lua's <c>print</c> writes; null logs each line (category <c>ActorTcp.Lua.Print</c>, Information).</summary>
    public ILuaOutput? Output { get; set; }

    /// <summary>
    /// Route Akka's own log events (connection manager, resolver, Akka.IO) to the host's <c>ILoggerFactory</c>, replacing
    /// Akka's loggers (default true). Turn it off when the host configures Akka's loggers itself.
    /// </summary>
    public bool RouteAkkaLogging { get; set; } = true;

    /// <summary>Akka's log level when <see cref="RouteAkkaLogging"/> is on (default Warning, as HOCON.conf).</summary>
    public AkkaLogLevel AkkaLogLevel { get; set; } = AkkaLogLevel.WarningLevel;

    /// <summary>Name of the resolver actor (<c>/user/actortcp-dns</c>).</summary>
    public string ResolverName { get; set; } = "actortcp-dns";

    /// <summary>Name of the connection manager actor (<c>/user/actortcp-connections</c>).</summary>
    public string ManagerName { get; set; } = "actortcp-connections";

    /// <summary>Name of the upstream owner actor (<c>/user/actortcp-upstreams</c>).</summary>
    public string UpstreamsName { get; set; } = "actortcp-upstreams";

    /// <summary>The clock upstream health is timed by (default: the system's); tests pass a fake one.</summary>
    public TimeProvider? Clock { get; set; }

    /// <summary>
    /// Export of the node's metrics and traces: a Prometheus endpoint (<see cref="ActorTcpMetricsOptions.PrometheusPort"/>)
    /// and OTLP from the standard environment variables. A host that runs OpenTelemetry itself leaves these unset and
    /// adds <c>AddActorTcpInstrumentation()</c> to its own meter and tracer providers instead.
    /// </summary>
    public ActorTcpMetricsOptions Metrics { get; } = new();

    /// <summary>Name of the pool of Lua hosts (<c>/user/actortcp-lua</c>; its hosts are <c>host-N-G</c> under it).</summary>
    public string LuaHostName { get; set; } = "actortcp-lua";
}
