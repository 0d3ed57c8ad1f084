using System.Net;
using System.Net.Sockets;

namespace ActorTcp.Actors.Upstreams;

/// <summary>How a list picks an upstream: rspamd's rotations. A list's prefix (<c>random:</c>, ...) overrides the method called.</summary>
public enum UpstreamRotation
{
    /// <summary>Smooth weighted round robin over the alive upstreams (<c>round-robin:</c>, <c>get_upstream_round_robin</c>).</summary>
    RoundRobin,

    /// <summary>The alive upstream with the highest weight, ties by list order (<c>master-slave:</c>).</summary>
    MasterSlave,

    /// <summary>rspamd 3.4's consistent hash of a key over the list's positions (<c>hash:</c>, <c>get_upstream_by_hash</c>).</summary>
    Hash,

    /// <summary>A uniform pick among the alive upstreams (<c>random:</c>).</summary>
    Random,
}

/// <summary>What an element of a definition names.</summary>
public enum UpstreamKind
{
    /// <summary>An IP literal: its one address is known at once.</summary>
    Address,

    /// <summary>A unix socket path (the element starts with <c>/</c> or <c>.</c>).</summary>
    Unix,

    /// <summary>A DNS name: its addresses come from the resolver (A and AAAA), re-resolved now and then.</summary>
    Name,

    /// <summary>An SRV element (<c>service=NAME+DOMAIN</c>): each target of the SRV answer becomes an upstream.</summary>
    Service,
}

/// <summary>
/// One upstream of a definition, as parsed: <see cref="Name"/> is what <c>get_name()</c> shows (rspamd's name, which may
/// lack the port), <see cref="Key"/> names the backend whose health every list naming it shares.
/// </summary>
/// <param name="Name">rspamd's name: <c>127.0.0.1:1</c>, <c>127.0.0.1</c> (port from the default), <c>::1</c>, <c>/path</c>, <c>_smtp._tcp.example.com</c>.</param>
/// <param name="Kind">What the element names.</param>
/// <param name="Host">The IP literal's text (IPv6 without brackets), the path, the DNS name, or the SRV query name.</param>
/// <param name="Port">The port after defaults; 0 for unix sockets and SRV elements (the SRV answer gives each target's).</param>
/// <param name="Weight">The element's priority (<c>host:port:priority</c>), 0 when absent.</param>
/// <param name="Address">The address of an <see cref="UpstreamKind.Address"/> element; null otherwise.</param>
public sealed record UpstreamSpec(string Name, UpstreamKind Kind, string Host, int Port, int Weight, IPAddress? Address = null)
{
    /// <summary>
    /// The backend this upstream stands for: <c>host:port</c> with the port after defaults (<c>[v6]:port</c> for IPv6, the
    /// name in lower case), the path of a unix socket, <c>service:</c> and the query name of an SRV element.
    /// </summary>
    /// <remarks>Computed on each read rather than stored, so that a copy made with <c>with</c> has the key of its own fields.</remarks>
    public string Key => BackendKey(Kind, Host, Port, Address);

    /// <summary>The backend key of an upstream of <paramref name="kind"/>.</summary>
    public static string BackendKey(UpstreamKind kind, string host, int port, IPAddress? address = null) => kind switch
    {
        UpstreamKind.Unix => host,
        UpstreamKind.Service => "service:" + host.ToLowerInvariant(),
        UpstreamKind.Address when address is { AddressFamily: AddressFamily.InterNetworkV6 } => $"[{address}]:{port}",
        UpstreamKind.Address when address is not null => $"{address}:{port}",
        _ => $"{host.ToLowerInvariant()}:{port}",
    };

    /// <inheritdoc/>
    public override string ToString() => $"Upstream({Name}, {Kind}, key {Key}, weight {Weight})";
}

/// <summary>
/// A parsed definition (<c>[prefix] element (separator element)*</c>, or a table of such strings): the rotation its
/// prefix set (null: none, the method called decides), its upstreams in definition order, and a reason for every
/// element that was dropped (logged by the caller).
/// </summary>
public sealed record UpstreamDefinition(UpstreamRotation? Rotation, IReadOnlyList<UpstreamSpec> Members, IReadOnlyList<string> Rejected);
