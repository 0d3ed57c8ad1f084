using System.Net;
using System.Net.Sockets;

namespace ActorTcp.Actors.Upstreams;

/// <summary>One address of an upstream: an IP address and port, or a unix socket path (rspamd's <c>rspamd{ip}</c>).</summary>
public sealed record UpstreamAddress
{
    private UpstreamAddress(IPAddress? ip, string? path, int port)
    {
        Ip = ip;
        UnixPath = path;
        Port = port;
    }

    /// <summary>The IP address; null for a unix socket.</summary>
    public IPAddress? Ip { get; }

    /// <summary>The unix socket path; null for an IP address.</summary>
    public string? UnixPath { get; }

    /// <summary>The port (0 for a unix socket).</summary>
    public int Port { get; }

    /// <summary>An IP address and port.</summary>
    public static UpstreamAddress Of(IPAddress ip, int port) => new(ip, null, port);

    /// <summary>A unix socket.</summary>
    public static UpstreamAddress Unix(string path) => new(null, path, 0);

    /// <summary>4 or 6, as rspamd's <c>get_version()</c> (4 for a unix socket too, as rspamd answers).</summary>
    public int Version => Ip is { AddressFamily: AddressFamily.InterNetworkV6 } ? 6 : 4;

    /// <summary>What a connection request's host is: the address text (IPv6 without brackets) or the path.</summary>
    public string Host => UnixPath ?? Ip!.ToString();

    /// <summary>rspamd's <c>to_string([with_port])</c>: <c>127.0.0.1</c> / <c>127.0.0.1:3310</c>, <c>::1</c> / <c>[::1]:80</c>, <c>/path</c> / <c>unix:/path</c>.</summary>
    public string Format(bool withPort)
    {
        if (UnixPath is not null) return withPort ? "unix:" + UnixPath : UnixPath;
        if (!withPort) return Ip!.ToString();
        return Version == 6 ? $"[{Ip}]:{Port}" : $"{Ip}:{Port}";
    }

    /// <inheritdoc/>
    public override string ToString() => Format(withPort: true);
}
