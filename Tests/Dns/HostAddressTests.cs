using ActorTcp.Actors.Dns;
using Xunit;

namespace ActorTcp.Tests.Dns;

public sealed class HostAddressTests
{
    [Theory]
    [InlineData("/var/run/clamav/clamd.ctl", true)]
    [InlineData("./rspamd.sock", true)]
    [InlineData(".sock", true)]
    [InlineData("", false)]
    [InlineData("example.com", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("sock/path", false)]
    public void Unix_path_starts_with_slash_or_dot(string host, bool expected)
    {
        Assert.Equal(expected, HostAddress.IsUnixPath(host));
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("192.0.2.255", "192.0.2.255")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("127.0.0.1:8080", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("[::1]", "::1")]
    [InlineData("[::1]:5353", "::1")]
    [InlineData("2001:db8::10", "2001:db8::10")]
    [InlineData("[2001:DB8::10]", "2001:db8::10")]
    [InlineData("::ffff:127.0.0.1", "::ffff:127.0.0.1")]
    public void Address_literal_is_its_own_address(string host, string expected)
    {
        Assert.True(HostAddress.TryGetStaticAddresses(host, out var addresses));
        Assert.Equal([expected], addresses.Select(a => a.ToString()));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("LocalHost")]
    public void Localhost_is_IPv4_loopback_then_IPv6_loopback(string host)
    {
        Assert.True(HostAddress.TryGetStaticAddresses(host, out var addresses));
        Assert.Equal(["127.0.0.1", "::1"], addresses.Select(a => a.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("example.com")]
    [InlineData("localhost.localdomain")]
    [InlineData("1234")]
    [InlineData("127.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("127.0.0.01")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("127.0.0.1:http")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData("[::1]:")]
    [InlineData("[127.0.0.1]")]
    [InlineData("::1]")]
    [InlineData("/var/run/sock")]
    public void Anything_else_needs_dns_or_is_not_an_address(string host)
    {
        Assert.False(HostAddress.TryGetStaticAddresses(host, out var addresses));
        Assert.Empty(addresses);
    }
}
