using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ActorTcp.Actors.Dns;

/// <summary>
/// Classifies a request's <c>host</c> the way rspamd_tcp does before it asks DNS (docs/lua-api.md#addresses-and-dns):
/// a unix socket path, an address literal, <c>localhost</c>, or a name to resolve.
/// </summary>
public static class HostAddress
{
    private static readonly IReadOnlyList<IPAddress> Localhost = [IPAddress.Loopback, IPAddress.IPv6Loopback];

    /// <summary>Whether <paramref name="host"/> names a unix domain socket: it starts with <c>/</c> or <c>.</c>, as in rspamd.</summary>
    public static bool IsUnixPath(string host) => host.Length > 0 && (host[0] == '/' || host[0] == '.');

    /// <summary>
    /// The addresses of <paramref name="host"/> when they are known without DNS: an IPv4 literal (dotted quad), an IPv6
    /// literal with or without brackets, or <c>localhost</c> (any case; 127.0.0.1 then ::1). Like rspamd, a port after the
    /// literal (<c>v4:port</c>, <c>[v6]:port</c>) is accepted and dropped, because the request's <c>port</c> wins.
    /// </summary>
    /// <param name="host">The request's host.</param>
    /// <param name="addresses">The addresses, in connect order; empty when this returns false.</param>
    /// <returns>True when no DNS query is needed.</returns>
    public static bool TryGetStaticAddresses(string host, out IReadOnlyList<IPAddress> addresses)
    {
        addresses = [];
        if (string.IsNullOrEmpty(host)) return false;

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            addresses = Localhost;
            return true;
        }

        if (TryParseLiteral(host) is { } address)
        {
            addresses = [address];
            return true;
        }
        return false;
    }

    private static IPAddress? TryParseLiteral(string host)
    {
        if (host[0] == '[')
        {
            var close = host.IndexOf(']');
            if (close < 0) return null;
            var rest = host.AsSpan(close + 1);
            if (!rest.IsEmpty && !(rest[0] == ':' && IsPort(rest[1..]))) return null;
            return TryParseIPv6(host.AsSpan(1, close - 1));
        }

        var colon = host.IndexOf(':');
        if (colon < 0) return TryParseIPv4(host);

        // One colon after a dotted quad is "v4:port"; anything else with a colon can only be bare IPv6.
        if (colon == host.LastIndexOf(':') && TryParseIPv4(host.AsSpan(0, colon)) is { } v4)
            return IsPort(host.AsSpan(colon + 1)) ? v4 : null;
        return TryParseIPv6(host);
    }

    /// <summary>
    /// Strict dotted quad (inet_pton): <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> also takes inet_aton
    /// forms such as <c>127.1</c> or <c>0x7f.0.0.1</c>, which rspamd would send to DNS as names.
    /// </summary>
    internal static IPAddress? TryParseIPv4(ReadOnlySpan<char> text)
    {
        Span<byte> bytes = stackalloc byte[4];
        var part = 0;
        foreach (var range in text.Split('.'))
        {
            if (part == 4) return null;
            var octet = text[range];
            if (octet.Length is 0 or > 3 || (octet.Length > 1 && octet[0] == '0')) return null;
            foreach (var c in octet)
                if (!char.IsAsciiDigit(c)) return null;
            var value = int.Parse(octet, NumberStyles.None, CultureInfo.InvariantCulture);
            if (value > 255) return null;
            bytes[part++] = (byte)value;
        }
        return part == 4 ? new IPAddress(bytes) : null;
    }

    internal static IPAddress? TryParseIPv6(ReadOnlySpan<char> text) =>
        text.Contains(':') && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? address
            : null;

    private static bool IsPort(ReadOnlySpan<char> text)
    {
        if (text.Length is 0 or > 5) return false;
        foreach (var c in text)
            if (!char.IsAsciiDigit(c)) return false;
        return int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) <= 65535;
    }
}
