using System.Net;
using ActorTcp.Actors.Upstreams;
using Xunit;

namespace ActorTcp.Tests.Upstreams.Units;

/// <summary>One element of a definition, through <see cref="UpstreamDefinitionParser.Parse"/>: its forms, names, keys and reasons.</summary>
public class UpstreamDefinitionParserElementTests
{
    private static UpstreamSpec One(string element, int? defaultPort = 25)
    {
        var definition = UpstreamDefinitionParser.Parse(element, defaultPort);
        Assert.Empty(definition.Rejected);
        return Assert.Single(definition.Members);
    }

    private static string Rejected(string element, int? defaultPort = 25)
    {
        var definition = UpstreamDefinitionParser.Parse(element, defaultPort);
        Assert.Empty(definition.Members);
        return Assert.Single(definition.Rejected);
    }

    [Theory]
    [InlineData("/var/run/clamd.sock")]
    [InlineData("./clamd.sock")]
    public void An_element_starting_with_a_slash_or_a_dot_is_a_unix_socket_path(string path)
    {
        Assert.Equal(new UpstreamSpec(path, UpstreamKind.Unix, path, 0, 0), One(path));
        Assert.Equal(path, One(path).Key);
    }

    [Fact]
    public void A_colon_in_a_unix_socket_path_is_part_of_the_path()
    {
        var spec = One("/tmp/x.sock:5");

        Assert.Equal(("/tmp/x.sock:5", "/tmp/x.sock:5", 0, 0), (spec.Name, spec.Host, spec.Port, spec.Weight));
    }

    [Fact]
    public void A_unix_socket_path_needs_no_default_port()
    {
        Assert.Equal(UpstreamKind.Unix, One("/tmp/x.sock", defaultPort: null).Kind);
    }

    [Fact]
    public void A_service_element_names_the_SRV_query()
    {
        var spec = One("service=smtp+example.com");

        Assert.Equal(new UpstreamSpec("_smtp._tcp.example.com", UpstreamKind.Service, "_smtp._tcp.example.com", 0, 0), spec);
        Assert.Equal("service:_smtp._tcp.example.com", spec.Key);
    }

    [Fact]
    public void A_service_element_takes_a_priority_as_its_weight()
    {
        Assert.Equal(5, One("service=smtp+example.com:5").Weight);
        Assert.Equal(0, One("service=smtp+example.com:").Weight);
    }

    [Fact]
    public void A_service_element_keeps_its_case_in_the_name_and_lowercases_its_key()
    {
        var spec = One("service=SMTP+Example.COM");

        Assert.Equal(("_SMTP._tcp.Example.COM", "service:_smtp._tcp.example.com"), (spec.Name, spec.Key));
    }

    [Fact]
    public void The_service_prefix_is_case_sensitive()
    {
        Assert.Contains("is not a valid host name", Rejected("SERVICE=smtp+example.com"));
    }

    [Theory]
    [InlineData("service=smtp.example.com", "no '+' between the service name and the domain")]
    [InlineData("service=+example.com", "empty service name")]
    [InlineData("service=smtp+", "empty domain")]
    [InlineData("service=smtp+:5", "empty domain")]
    [InlineData("service=smtp+example.com:x", "priority 'x' must be digits only")]
    public void A_malformed_service_element_is_rejected_with_its_reason(string element, string why)
    {
        Assert.StartsWith($"cannot parse upstream {element}: {why}", Rejected(element));
    }

    [Fact]
    public void A_bracketed_IPv6_literal_takes_the_default_port()
    {
        var spec = One("[::1]");

        Assert.Equal(new UpstreamSpec("::1", UpstreamKind.Address, "::1", 25, 0, IPAddress.IPv6Loopback), spec);
        Assert.Equal("[::1]:25", spec.Key);
    }

    [Fact]
    public void A_bracketed_IPv6_literal_takes_a_port_and_a_priority_outside_its_name()
    {
        var spec = One("[fe80::1]:80:3");

        Assert.Equal(("fe80::1", "fe80::1", 80, 3), (spec.Name, spec.Host, spec.Port, spec.Weight));
        Assert.Equal("[fe80::1]:80", spec.Key);
    }

    [Fact]
    public void An_IPv6_key_uses_the_canonical_form_while_the_name_keeps_the_text()
    {
        var spec = One("[0:0::0:1]:80");

        Assert.Equal(("0:0::0:1", "[::1]:80"), (spec.Name, spec.Key));
    }

    [Fact]
    public void An_IPv4_literal_in_brackets_is_taken_too()
    {
        var spec = One("[127.0.0.1]:80");

        Assert.Equal(new UpstreamSpec("127.0.0.1", UpstreamKind.Address, "127.0.0.1", 80, 0, IPAddress.Loopback), spec);
        Assert.Equal("127.0.0.1:80", spec.Key);
    }

    [Fact]
    public void A_bracket_that_is_never_closed_cannot_be_parsed_as_an_address_definition()
    {
        Assert.Equal("cannot parse upstream [::1:80: cannot parse address definition, no closing ']'", Rejected("[::1:80"));
    }

    [Theory]
    [InlineData("[example.com]:80", "'example.com' in brackets is not an IP address")]
    [InlineData("[fe80::1%eth0]:80", "'fe80::1%eth0' in brackets is not an IP address")]
    [InlineData("[]:80", "'' in brackets is not an IP address")]
    [InlineData("[::1]80", "only ':port' may follow ']'")]
    [InlineData("[::1]:0", "port must be 1..65535")]
    [InlineData("[::1]:", "empty port")]
    [InlineData("[::1]:80:x", "priority 'x' must be digits only")]
    public void A_bad_bracketed_element_is_rejected_with_its_reason(string element, string why)
    {
        Assert.Equal($"cannot parse upstream {element}: {why}", Rejected(element));
    }

    [Fact]
    public void A_bracketed_literal_without_a_port_is_rejected_when_there_is_no_default_port()
    {
        Assert.Equal("cannot parse upstream [::1]: no port, and the list has no default port", Rejected("[::1]", defaultPort: null));
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("2001:db8::10")]
    [InlineData("::1:80")]
    [InlineData("::ffff:1.2.3.4")]
    public void A_bare_IPv6_literal_is_an_address_with_the_default_port(string element)
    {
        var spec = One(element);

        Assert.Equal(new UpstreamSpec(element, UpstreamKind.Address, element, 25, 0, IPAddress.Parse(element)), spec);
        Assert.Equal($"[{IPAddress.Parse(element)}]:25", spec.Key);
    }

    [Fact]
    public void A_bare_IPv6_literal_is_rejected_when_there_is_no_default_port()
    {
        Assert.Equal("cannot parse upstream ::1: no port, and the list has no default port", Rejected("::1", defaultPort: null));
    }

    [Theory]
    [InlineData("a:1:2:3")]
    [InlineData("fe80::1:2%eth0")]
    [InlineData("1::2::3")]
    public void More_than_two_colons_outside_an_IPv6_literal_are_rejected(string element)
    {
        Assert.Equal($"cannot parse upstream {element}: too many ':' (not an IPv6 literal either; write [v6]:port)", Rejected(element));
    }

    [Fact]
    public void An_IPv6_literal_with_a_zone_is_no_address()
    {
        Assert.Empty(UpstreamDefinitionParser.Parse("fe80::1%eth0", 25).Members);
    }

    [Fact]
    public void An_IPv4_literal_with_a_port_is_an_address_named_as_written()
    {
        var spec = One("127.0.0.1:80");

        Assert.Equal(new UpstreamSpec("127.0.0.1:80", UpstreamKind.Address, "127.0.0.1", 80, 0, IPAddress.Loopback), spec);
        Assert.Equal("127.0.0.1:80", spec.Key);
    }

    [Fact]
    public void An_element_without_a_port_takes_the_default_port_which_is_in_the_key_but_not_the_name()
    {
        var spec = One("127.0.0.1", defaultPort: 3310);

        Assert.Equal(("127.0.0.1", 3310, "127.0.0.1:3310"), (spec.Name, spec.Port, spec.Key));
    }

    [Fact]
    public void A_written_port_wins_over_the_default_port()
    {
        Assert.Equal(80, One("127.0.0.1:80", defaultPort: 3310).Port);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("example.com")]
    public void An_element_without_a_port_is_rejected_when_there_is_no_default_port(string element)
    {
        Assert.Equal($"cannot parse upstream {element}: no port, and the list has no default port", Rejected(element, defaultPort: null));
    }

    [Fact]
    public void The_priority_is_the_weight_and_no_part_of_the_name()
    {
        var spec = One("127.0.0.1:80:7");

        Assert.Equal(("127.0.0.1:80", 7, "127.0.0.1:80"), (spec.Name, spec.Weight, spec.Key));
    }

    [Theory]
    [InlineData("127.0.0.1:80:", 0)]
    [InlineData("127.0.0.1:80:2147483647", int.MaxValue)]
    [InlineData("127.0.0.1:80:007", 7)]
    public void A_priority_is_digits_within_int_range_and_empty_means_0(string element, int weight)
    {
        Assert.Equal(weight, One(element).Weight);
    }

    [Theory]
    [InlineData("127.0.0.1:80:x", "priority 'x' must be digits only")]
    [InlineData("127.0.0.1:80:-1", "priority '-1' must be digits only")]
    [InlineData("127.0.0.1:80:+1", "priority '+1' must be digits only")]
    [InlineData("127.0.0.1:80:2147483648", "priority must be at most 2147483647")]
    public void A_bad_priority_drops_the_element_with_a_reason(string element, string why)
    {
        Assert.Equal($"cannot parse upstream {element}: {why}", Rejected(element));
    }

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:99999999999")]
    [InlineData("example.com:0")]
    public void A_port_outside_1_to_65535_drops_the_element_with_a_reason(string element)
    {
        Assert.Equal($"cannot parse upstream {element}: port must be 1..65535", Rejected(element));
    }

    [Theory]
    [InlineData("127.0.0.1:1", 1)]
    [InlineData("127.0.0.1:65535", 65535)]
    [InlineData("127.0.0.1:0080", 80)]
    public void Ports_1_to_65535_written_in_digits_are_taken(string element, int port)
    {
        Assert.Equal(port, One(element).Port);
    }

    [Theory]
    [InlineData("127.0.0.1:-1", "-1")]
    [InlineData("127.0.0.1:+25", "+25")]
    [InlineData("127.0.0.1:abc", "abc")]
    [InlineData("127.0.0.1:0x50", "0x50")]
    [InlineData("127.0.0.1:80a:1", "80a")]
    public void A_port_that_is_not_all_digits_drops_the_element_with_a_reason(string element, string port)
    {
        Assert.Equal($"cannot parse upstream {element}: port '{port}' must be digits only, 1..65535", Rejected(element));
    }

    [Theory]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1::5")]
    public void An_empty_port_drops_the_element_rather_than_taking_the_default(string element)
    {
        Assert.Equal($"cannot parse upstream {element}: empty port", Rejected(element));
    }

    [Theory]
    [InlineData(":80")]
    [InlineData(":80:1")]
    public void An_empty_host_drops_the_element(string element)
    {
        Assert.Equal($"cannot parse upstream {element}: empty host", Rejected(element));
    }

    [Fact]
    public void A_DNS_name_is_a_name_element_without_an_address_and_its_key_is_lowercase()
    {
        var spec = One("Redis.Example.com:6379");

        Assert.Equal(new UpstreamSpec("Redis.Example.com:6379", UpstreamKind.Name, "Redis.Example.com", 6379, 0), spec);
        Assert.Equal("redis.example.com:6379", spec.Key);
    }

    [Fact]
    public void Localhost_is_a_name_whose_case_is_kept_in_the_name_only()
    {
        var plain = One("localhost");
        var upper = One("LOCALHOST:80");

        Assert.Equal((UpstreamKind.Name, "localhost", "localhost:25"), (plain.Kind, plain.Name, plain.Key));
        Assert.Equal((UpstreamKind.Name, "LOCALHOST:80", "LOCALHOST", "localhost:80"), (upper.Kind, upper.Name, upper.Host, upper.Key));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("1.2.3")]
    [InlineData("256.1.1.1")]
    [InlineData("0x7f.1")]
    [InlineData("0X7F000001")]
    [InlineData("01.2.3.4")]
    [InlineData("1.2.3.4.5")]
    [InlineData("127.0.0.1.")]
    public void A_host_that_looks_numeric_but_is_no_dotted_quad_is_not_a_valid_IPv4_address(string host)
    {
        Assert.Equal(
            $"cannot parse upstream {host}:80: '{host}' is not a valid IPv4 address (a dotted quad such as 127.0.0.1 is expected)",
            Rejected(host + ":80"));
    }

    [Theory]
    [InlineData("my_host-1.example.com")]
    [InlineData("example.com.")]
    [InlineData("host.1")]
    [InlineData("1host.example")]
    [InlineData("0xcafe.com")]
    public void Plausible_host_names_are_names(string host)
    {
        Assert.Equal(UpstreamKind.Name, One(host + ":80").Kind);
    }

    [Fact]
    public void A_host_name_may_have_labels_of_63_characters_and_253_characters_in_all()
    {
        var label = new string('a', 63);
        var longest = string.Join('.', label, label, label, new string('b', 61));

        Assert.Equal(253, longest.Length);
        Assert.Equal(longest, One(longest).Host);
        Assert.Equal(longest + ".", One(longest + ".").Host);
    }

    [Theory]
    [InlineData("a..b", "empty label")]
    [InlineData("a.b..", "empty label")]
    [InlineData("*", "'*' is not a letter, digit, '-' or '_'")]
    [InlineData("ex*ample.com", "'*' is not a letter, digit, '-' or '_'")]
    [InlineData("a/b", "'/' is not a letter, digit, '-' or '_'")]
    [InlineData("b\u00fccher.de", "'\u00fc' is not a letter, digit, '-' or '_'")]
    public void An_implausible_host_name_is_rejected_with_its_reason(string host, string why)
    {
        Assert.Equal($"cannot parse upstream {host}: '{host}' is not a valid host name ({why})", Rejected(host));
    }

    [Fact]
    public void A_host_name_label_over_63_characters_is_rejected()
    {
        var host = new string('a', 64) + ".com";

        Assert.Equal($"cannot parse upstream {host}: '{host}' is not a valid host name (label longer than 63 characters)", Rejected(host));
    }

    [Fact]
    public void A_host_name_over_253_characters_is_rejected()
    {
        var label = new string('a', 63);
        var host = string.Join('.', label, label, label, new string('b', 62));

        Assert.Equal($"cannot parse upstream {host}: host name longer than 253 characters", Rejected(host));
    }
}
