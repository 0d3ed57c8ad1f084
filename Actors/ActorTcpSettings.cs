using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorTcp.Actors.Upstreams;
using Akka.Configuration;

namespace ActorTcp.Actors;

/// <summary>
/// The <c>actortcp { }</c> section of the configuration, read once. Defaults live in HOCON.conf at the repository root;
/// <see cref="Default"/> mirrors them for callers that build settings without a configuration file.
/// </summary>
public sealed record ActorTcpSettings
{
    /// <summary>Timeout budget of a request that gives no timeout; zero or negative means none.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most bytes delivered by a pattern-less read or by one partial-mode callback.</summary>
    public int ReadChunkSize { get; init; } = 8192;

    /// <summary>Most bytes before a stop pattern: a longer line fails its read, however its bytes were split into reads.</summary>
    public long MaxReadBuffer { get; init; } = 16L * 1024 * 1024;

    /// <summary>Most connections open at once through one manager.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Most handlers queued on one connection.</summary>
    public int MaxQueuedHandlers { get; init; } = 1024;

    /// <summary>Most bytes queued for writing on one connection.</summary>
    public long MaxQueuedWriteBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Bytes per Akka.IO <c>Write</c> command.</summary>
    public int WriteChunkSize { get; init; } = 64 * 1024;

    /// <summary>Most unacknowledged written bytes per connection.</summary>
    public int MaxBytesInFlight { get; init; } = 256 * 1024;

    /// <summary>DNS servers; empty means the system's.</summary>
    public IReadOnlyList<IPEndPoint> NameServers { get; init; } = [];

    /// <summary>Time allowed for one DNS query attempt.</summary>
    public TimeSpan DnsTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>DNS retries after a timed-out attempt.</summary>
    public int DnsRetries { get; init; } = 1;

    /// <summary>Whether DNS answers are cached for their TTL.</summary>
    public bool DnsUseCache { get; init; } = true;

    /// <summary>Most bytes one socket read takes (<c>io.read-size</c>); handlers still get chunks of <see cref="ReadChunkSize"/>.</summary>
    public int SocketReadSize { get; init; } = 512 * 1024;

    /// <summary>
    /// The dispatcher connection actors run on (<c>connection-dispatcher</c>, <c>actortcp.io-dispatcher</c> in HOCON.conf);
    /// empty for Akka's default.
    /// </summary>
    public string ConnectionDispatcher { get; init; } = "actortcp.io-dispatcher";

    /// <summary>What carries TCP connections (<c>io.transport</c>): an own socket per connection actor, or Akka.IO.</summary>
    public TransportKind Transport { get; init; } = TransportKind.Socket;

    /// <summary>PEM file of CA certificates trusted for TLS besides the system store (<c>tls.ca-file</c>); empty for none.</summary>
    public string TlsCaFile { get; init; } = "";

    /// <summary>The certificates of <see cref="TlsCaFile"/>, loaded once when the settings are read.</summary>
    public X509Certificate2Collection TlsCaCertificates { get; init; } = new();

    /// <summary>
    /// Whether a TLS handshake may resume a session from an earlier connection to the same server name
    /// (<c>tls.session-resumption</c>; .NET's client session cache). Certificate checks run on resumed sessions too.
    /// </summary>
    public bool TlsSessionResumption { get; init; } = true;

    /// <summary>The limits of upstream health and name lookups (<c>upstreams</c>).</summary>
    public UpstreamLimits Upstreams { get; init; } = UpstreamLimits.Default;

    /// <summary>The built-in defaults (the same values HOCON.conf holds).</summary>
    public static ActorTcpSettings Default { get; } = new();

    /// <summary>Reads the <c>actortcp</c> section of <paramref name="config"/>; absent keys keep their defaults.</summary>
    public static ActorTcpSettings Create(Config config)
    {
        var c = config.GetConfig("actortcp");
        var d = Default;
        if (c is null || c.IsEmpty) return d;
        return new ActorTcpSettings
        {
            DefaultTimeout = c.GetTimeSpan("default-timeout", d.DefaultTimeout, allowInfinite: false),
            ReadChunkSize = (int)Positive(c.GetByteSize("read-chunk-size") ?? d.ReadChunkSize, "read-chunk-size"),
            MaxReadBuffer = Positive(c.GetByteSize("limits.max-read-buffer") ?? d.MaxReadBuffer, "limits.max-read-buffer"),
            MaxConnections = (int)Positive(c.GetInt("limits.max-connections", d.MaxConnections), "limits.max-connections"),
            MaxQueuedHandlers = (int)Positive(c.GetInt("limits.max-queued-handlers", d.MaxQueuedHandlers), "limits.max-queued-handlers"),
            MaxQueuedWriteBytes = Positive(c.GetByteSize("limits.max-queued-write-bytes") ?? d.MaxQueuedWriteBytes, "limits.max-queued-write-bytes"),
            WriteChunkSize = (int)Positive(c.GetByteSize("io.write-chunk-size") ?? d.WriteChunkSize, "io.write-chunk-size"),
            MaxBytesInFlight = (int)Positive(c.GetByteSize("io.max-bytes-in-flight") ?? d.MaxBytesInFlight, "io.max-bytes-in-flight"),
            NameServers = c.GetStringList("dns.nameservers", []).Select(ParseNameServer).ToArray(),
            DnsTimeout = c.GetTimeSpan("dns.timeout", d.DnsTimeout, allowInfinite: false),
            DnsRetries = c.GetInt("dns.retries", d.DnsRetries),
            DnsUseCache = c.GetBoolean("dns.use-cache", d.DnsUseCache),
            SocketReadSize = (int)Positive(c.GetByteSize("io.read-size") ?? d.SocketReadSize, "io.read-size"),
            ConnectionDispatcher = CheckConnectionDispatcher(config, c.GetString("connection-dispatcher", d.ConnectionDispatcher) ?? ""),
            Transport = ParseTransport(c.GetString("io.transport", "socket")),
            TlsCaFile = c.GetString("tls.ca-file", d.TlsCaFile) ?? "",
            TlsCaCertificates = LoadCaFile(c.GetString("tls.ca-file", d.TlsCaFile) ?? ""),
            TlsSessionResumption = c.GetBoolean("tls.session-resumption", d.TlsSessionResumption),
            Upstreams = UpstreamLimits.Create(c),
        };
    }

    private static TransportKind ParseTransport(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "socket" => TransportKind.Socket,
        "akka-io" => TransportKind.AkkaIo,
        _ => throw new ConfigurationException($"actortcp.io.transport must be \"socket\" or \"akka-io\", got \"{text}\""),
    };

    /// <summary>The CA certificates of a PEM file; an empty path means none. A file without certificates is an error.</summary>
    public static X509Certificate2Collection LoadCaFile(string path)
    {
        var certificates = new X509Certificate2Collection();
        if (string.IsNullOrWhiteSpace(path)) return certificates;
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ConfigurationException($"actortcp.tls.ca-file: cannot read CA certificates from '{path}': {e.Message}");
        }
        if (certificates.Count == 0) throw new ConfigurationException($"actortcp.tls.ca-file: '{path}' holds no PEM certificate");
        return certificates;
    }

    /// <summary>Parses <c>host</c>, <c>host:port</c>, <c>v6</c> or <c>[v6]:port</c> as a name server address (port 53 by default).</summary>
    public static IPEndPoint ParseNameServer(string text)
    {
        // Not IPAddress.TryParse: it accepts "[::1]:5353" and drops the port.
        if (IPEndPoint.TryParse(text, out var ep)) return ep.Port == 0 ? new IPEndPoint(ep.Address, 53) : ep;
        throw new ConfigurationException($"actortcp.dns.nameservers: '{text}' is not an IP address or IP:port");
    }

    /// <summary>
    /// The connection actors' dispatcher must be configured, and must not be a pinned one: that gives each actor a thread
    /// of its own, so every connection would start and stop a thread (the one-thread mode wants the Lua host's
    /// dispatcher made a one-thread ForkJoinDispatcher, HOCON.conf).
    /// </summary>
    private static string CheckConnectionDispatcher(Config config, string id)
    {
        if (id.Length == 0) return id;
        // A dispatcher HOCON.conf declares is declared by the manager in a system configured without the file.
        var declared = config.HasPath(id) ? config : ActorTcpDefaults.Config;
        if (!declared.HasPath(id))
            throw new ConfigurationException($"actortcp.connection-dispatcher: no dispatcher '{id}' is configured");
        if (string.Equals(declared.GetString($"{id}.type", null), "PinnedDispatcher", StringComparison.Ordinal))
            throw new ConfigurationException($"actortcp.connection-dispatcher: '{id}' is a PinnedDispatcher, which would " +
                "give every connection a thread of its own; name a ForkJoinDispatcher (one thread: Lua and the connections together)");
        return id;
    }

    private static long Positive(long value, string key) =>
        value > 0 ? value : throw new ConfigurationException($"actortcp.{key} must be positive, got {value}");
}

/// <summary>What carries a TCP connection under its connection actor.</summary>
public enum TransportKind
{
    /// <summary>A socket owned by the connection actor itself (<c>Transport/SocketTransport</c>).</summary>
    Socket,

    /// <summary>An Akka.IO <c>Tcp</c> connection actor in pull mode with acknowledged writes.</summary>
    AkkaIo,
}
