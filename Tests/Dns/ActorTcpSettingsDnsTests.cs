using System.Net;
using ActorTcp.Actors;
using Akka.Configuration;
using Xunit;

namespace ActorTcp.Tests.Dns;

public sealed class ActorTcpSettingsDnsTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 53)]
    [InlineData("127.0.0.1:5353", "127.0.0.1", 5353)]
    [InlineData("::1", "::1", 53)]
    [InlineData("[::1]", "::1", 53)]
    [InlineData("[::1]:5353", "::1", 5353)]
    public void Name_server_is_an_address_with_an_optional_port(string text, string address, int port)
    {
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), ActorTcpSettings.ParseNameServer(text));
    }

    [Theory]
    [InlineData("dns.example")]
    [InlineData("")]
    public void Name_server_that_is_not_an_address_is_a_configuration_error(string text)
    {
        Assert.Throws<ConfigurationException>(() => ActorTcpSettings.ParseNameServer(text));
    }

    [Fact]
    public void HOCON_conf_gives_the_documented_defaults()
    {
        var config = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")));

        var settings = ActorTcpSettings.Create(config);

        Assert.Equal(TimeSpan.FromSeconds(5), settings.DefaultTimeout);
        Assert.Equal(8192, settings.ReadChunkSize);
        Assert.Equal(16L * 1024 * 1024, settings.MaxReadBuffer);
        Assert.Equal(10_000, settings.MaxConnections);
        Assert.Equal(1024, settings.MaxQueuedHandlers);
        Assert.Equal(256L * 1024 * 1024, settings.MaxQueuedWriteBytes);
        Assert.Equal(64 * 1024, settings.WriteChunkSize);
        Assert.Equal(256 * 1024, settings.MaxBytesInFlight);
        Assert.Empty(settings.NameServers);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.DnsTimeout);
        Assert.Equal(1, settings.DnsRetries);
        Assert.True(settings.DnsUseCache);
    }

    [Fact]
    public void HOCON_conf_defaults_match_the_built_in_defaults()
    {
        var config = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")));

        var settings = ActorTcpSettings.Create(config);

        // Collections compare by reference in a record: compare them apart.
        Assert.Empty(settings.TlsCaCertificates);
        Assert.Equal(ActorTcpSettings.Default with { NameServers = settings.NameServers, TlsCaCertificates = settings.TlsCaCertificates }, settings);
    }

    [Fact]
    public void Dns_section_overrides_are_read()
    {
        var config = ConfigurationFactory.ParseString("""
            actortcp.dns {
              nameservers = ["127.0.0.1:5353", "[::1]"]
              timeout = 300ms
              retries = 0
              use-cache = off
            }
            """);

        var settings = ActorTcpSettings.Create(config);

        Assert.Equal(
            [new IPEndPoint(IPAddress.Loopback, 5353), new IPEndPoint(IPAddress.IPv6Loopback, 53)],
            settings.NameServers);
        Assert.Equal(TimeSpan.FromMilliseconds(300), settings.DnsTimeout);
        Assert.Equal(0, settings.DnsRetries);
        Assert.False(settings.DnsUseCache);
    }
}
