using System.Buffers;
using System.Globalization;
using System.Net;
using ActorTcp.Actors.Dns;

namespace ActorTcp.Actors.Upstreams;

/// <summary>
/// One element of a definition (the text between separators) to an <see cref="UpstreamSpec"/>, or the reason it is
/// dropped. Stricter than rspamd 3.4 where 3.4 silently does something else: ports are range-checked instead of
/// wrapped, bare IPv6 literals are addresses, and inet_aton forms (<c>42</c>, <c>0x7f.1</c>) are refused.
/// </summary>
internal static class UpstreamElementParser
{
    private const string ServicePrefix = "service=";

    // Only these may reach IPAddress.TryParse: it also takes "[::1]:80" and "%zone" suffixes, which are not literals here.
    private static readonly SearchValues<char> IPv6Chars = SearchValues.Create("0123456789abcdefABCDEF:.");
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Parses <paramref name="element"/> (non-empty, without separators).</summary>
    /// <param name="element">The element as written.</param>
    /// <param name="defaultPort">The port of an element that writes none; null: such an element is dropped.</param>
    /// <param name="reason">Why the element is dropped, naming it; null when it parsed.</param>
    /// <returns>The upstream, or null when the element is dropped.</returns>
    public static UpstreamSpec? Parse(string element, int? defaultPort, out string? reason)
    {
        string? why = null;
        var spec = element[0] switch
        {
            // rspamd takes the whole element as the path, so a ':' in it is part of the path.
            '/' or '.' => new UpstreamSpec(element, UpstreamKind.Unix, element, 0, 0),
            '[' => ParseBracketed(element, defaultPort, out why),
            _ when element.StartsWith(ServicePrefix, StringComparison.Ordinal) => ParseService(element, out why),
            _ => ParseHostPort(element, defaultPort, out why),
        };
        reason = spec is null ? $"cannot parse upstream {element}: {why}" : null;
        return spec;
    }

    // service=NAME+DOMAIN[:prio] -> _NAME._tcp.DOMAIN; the ':' is looked for after the '+', as rspamd does.
    private static UpstreamSpec? ParseService(string element, out string? why)
    {
        var rest = element.AsSpan(ServicePrefix.Length);
        var plus = rest.IndexOf('+');
        if (plus < 0) return Fail("no '+' between the service name and the domain (service=NAME+DOMAIN)", out why);
        var service = rest[..plus];
        var domain = rest[(plus + 1)..];
        var colon = domain.IndexOf(':');
        var priority = colon < 0 ? [] : domain[(colon + 1)..];
        if (colon >= 0) domain = domain[..colon];
        if (service.IsEmpty) return Fail("empty service name", out why);
        if (domain.IsEmpty) return Fail("empty domain", out why);
        if (!TryParsePriority(priority, out var weight, out why)) return null;
        var query = $"_{service}._tcp.{domain}";
        why = null;
        return new UpstreamSpec(query, UpstreamKind.Service, query, 0, weight);
    }

    // [v6], [v6]:port, [v6]:port:prio; an IPv4 literal in brackets is taken too.
    private static UpstreamSpec? ParseBracketed(string element, int? defaultPort, out string? why)
    {
        var close = element.IndexOf(']');
        if (close < 0) return Fail("cannot parse address definition, no closing ']'", out why);
        var text = element[1..close];
        var address = TryParseIPv6(text) ?? HostAddress.TryParseIPv4(text);
        if (address is null) return Fail($"'{text}' in brackets is not an IP address", out why);

        var rest = element.AsSpan(close + 1);
        int port, weight = 0;
        if (rest.IsEmpty)
        {
            if (!TryDefaultPort(defaultPort, out port, out why)) return null;
        }
        else if (rest[0] != ':')
        {
            return Fail("only ':port' may follow ']'", out why);
        }
        else if (!TryParsePortAndPriority(rest[1..], out port, out weight, out why))
        {
            return null;
        }
        return new UpstreamSpec(text, UpstreamKind.Address, text, port, weight, address);
    }

    // host, host:port, host:port:prio; before that, an element with two or more ':' that is an IPv6 literal as a whole.
    private static UpstreamSpec? ParseHostPort(string element, int? defaultPort, out string? why)
    {
        var colons = element.AsSpan().Count(':');
        if (colons >= 2 && TryParseIPv6(element) is { } v6)
        {
            // "::1:80" is the address ::1:80, not ::1 port 80: a port after a bare IPv6 literal needs brackets.
            if (!TryDefaultPort(defaultPort, out var v6Port, out why)) return null;
            return new UpstreamSpec(element, UpstreamKind.Address, element, v6Port, 0, v6);
        }
        if (colons > 2) return Fail("too many ':' (not an IPv6 literal either; write [v6]:port)", out why);

        var firstColon = element.IndexOf(':');
        var host = firstColon < 0 ? element : element[..firstColon];
        if (host.Length == 0) return Fail("empty host", out why);

        int port, weight = 0;
        string name;
        if (firstColon < 0)
        {
            if (!TryDefaultPort(defaultPort, out port, out why)) return null;
            name = host;
        }
        else
        {
            if (!TryParsePortAndPriority(element.AsSpan(firstColon + 1), out port, out weight, out why)) return null;
            // The name is host:port as written; the priority never is part of it.
            var secondColon = element.IndexOf(':', firstColon + 1);
            name = secondColon < 0 ? element : element[..secondColon];
        }

        if (HostAddress.TryParseIPv4(host) is { } v4)
            return Ok(new UpstreamSpec(name, UpstreamKind.Address, host, port, weight, v4), out why);
        if (LooksNumeric(host))
            return Fail($"'{host}' is not a valid IPv4 address (a dotted quad such as 127.0.0.1 is expected)", out why);
        if (HostNameProblem(host) is { } problem) return Fail(problem, out why);
        return Ok(new UpstreamSpec(name, UpstreamKind.Name, host, port, weight), out why);
    }

    // "port" or "port:prio" (the text after the first ':').
    private static bool TryParsePortAndPriority(ReadOnlySpan<char> text, out int port, out int weight, out string? why)
    {
        weight = 0;
        var colon = text.IndexOf(':');
        if (!TryParsePort(colon < 0 ? text : text[..colon], out port, out why)) return false;
        return colon < 0 || TryParsePriority(text[(colon + 1)..], out weight, out why);
    }

    private static bool TryParsePort(ReadOnlySpan<char> text, out int port, out string? why)
    {
        port = 0;
        if (text.IsEmpty) return Refuse("empty port", out why);
        if (!IsDigits(text)) return Refuse($"port '{text}' must be digits only, 1..65535", out why);
        // Digits only, so a failed parse is an overflow: out of range like 70000.
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            port = 0;
            return Refuse("port must be 1..65535", out why);
        }
        why = null;
        return true;
    }

    private static bool TryParsePriority(ReadOnlySpan<char> text, out int weight, out string? why)
    {
        weight = 0;
        why = null;
        if (text.IsEmpty) return true;
        if (!IsDigits(text)) return Refuse($"priority '{text}' must be digits only", out why);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out weight)) return true;
        return Refuse($"priority must be at most {int.MaxValue}", out why);
    }

    private static bool TryDefaultPort(int? defaultPort, out int port, out string? why)
    {
        port = defaultPort ?? 0;
        why = defaultPort is null ? "no port, and the list has no default port" : null;
        return defaultPort is not null;
    }

    private static IPAddress? TryParseIPv6(string text) =>
        text.AsSpan().ContainsAnyExcept(IPv6Chars) ? null : HostAddress.TryParseIPv6(text);

    /// <summary>
    /// Whether every dot-separated part is a number as inet_aton reads it (decimal, octal or 0x hex): rspamd 3.4 hands
    /// such hosts to getaddrinfo, which turns <c>42</c> into 0.0.0.42; here only strict dotted quads are addresses.
    /// </summary>
    private static bool LooksNumeric(string host)
    {
        var text = host.AsSpan();
        if (text[^1] == '.') text = text[..^1];
        if (text.IsEmpty) return false;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (part.Length >= 2 && part[0] == '0' && part[1] is 'x' or 'X')
            {
                if (part[2..].ContainsAnyExcept(HexDigits)) return false;
            }
            else if (part.IsEmpty || !IsDigits(part))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Why <paramref name="host"/> is not a plausible DNS name, or null when it is.</summary>
    private static string? HostNameProblem(string host)
    {
        var text = host.AsSpan();
        if (text[^1] == '.') text = text[..^1];
        if (text.Length > 253) return "host name longer than 253 characters";
        foreach (var range in text.Split('.'))
        {
            var label = text[range];
            if (label.IsEmpty) return $"'{host}' is not a valid host name (empty label)";
            if (label.Length > 63) return $"'{host}' is not a valid host name (label longer than 63 characters)";
            foreach (var c in label)
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_'))
                    return $"'{host}' is not a valid host name ('{c}' is not a letter, digit, '-' or '_')";
        }
        return null;
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    private static UpstreamSpec? Fail(string message, out string? why)
    {
        why = message;
        return null;
    }

    private static bool Refuse(string message, out string? why)
    {
        why = message;
        return false;
    }

    private static UpstreamSpec Ok(UpstreamSpec spec, out string? why)
    {
        why = null;
        return spec;
    }
}
