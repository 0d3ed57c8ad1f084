using System.Net;
using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using Xunit;
using Outcome = ActorTcp.Actors.Dns.ResolverActor.QueryOutcome;

namespace ActorTcp.Tests.Dns;

/// <summary>How the resolver combines its A and AAAA outcomes, and how it configures DnsClient.</summary>
public sealed class ResolverCombineTests
{
    private static readonly IPAddress V4 = IPAddress.Parse("192.0.2.1"), V6 = IPAddress.Parse("2001:db8::1");

    [Fact]
    public void Addresses_from_both_answers_give_IPv4_first()
    {
        var reply = ResolverActor.Combine("h", 1, Outcome.NoError([V4]), Outcome.NoError([V6]));
        Assert.Equal(new[] { V4, V6 }, Assert.IsType<Resolved>(reply).Addresses);
    }

    [Fact]
    public void Any_address_wins_over_a_failed_query()
    {
        Assert.Equal(new[] { V4 }, Assert.IsType<Resolved>(
            ResolverActor.Combine("h", 1, Outcome.NoError([V4]), Outcome.Failed("ServerFailure"))).Addresses);
        Assert.Equal(new[] { V6 }, Assert.IsType<Resolved>(
            ResolverActor.Combine("h", 1, Outcome.Failed("ConnectionTimeout"), Outcome.NoError([V6]))).Addresses);
    }

    [Fact]
    public void Two_NOERROR_answers_without_address_are_unable_to_resolve_as_rspamd_prints_them()
    {
        // rspamd 3.4 and 4.1: "unable to resolve host: NAME", without "; no records with this name".
        var reply = ResolverActor.Combine("h.test", 5, Outcome.NoError([]), Outcome.NoError([]));
        Assert.Equal(new ResolveFailed(5, "unable to resolve host: h.test"), reply);
    }

    [Fact]
    public void No_address_and_any_failure_is_unable_to_resolve()
    {
        Assert.Equal(new ResolveFailed(5, "unable to resolve host: h.test"),
            ResolverActor.Combine("h.test", 5, Outcome.NoError([]), Outcome.Failed("Refused")));
        Assert.Equal(new ResolveFailed(5, "unable to resolve host: h.test"),
            ResolverActor.Combine("h.test", 5, Outcome.Failed("NotExistentDomain"), Outcome.Failed("NotExistentDomain")));
    }

    [Fact]
    public void Options_follow_the_settings_and_take_error_answers_as_final()
    {
        var servers = new[] { new IPEndPoint(IPAddress.Loopback, 5353), new IPEndPoint(IPAddress.IPv6Loopback, 53) };
        var options = ResolverActor.CreateOptions(ActorTcpSettings.Default with
        {
            NameServers = servers,
            DnsTimeout = TimeSpan.FromMilliseconds(750),
            DnsRetries = 3,
            DnsUseCache = false,
        });

        Assert.Equal(servers, options.NameServers.Select(n => new IPEndPoint(IPAddress.Parse(n.Address), n.Port)));
        Assert.False(options.AutoResolveNameServers);
        Assert.Equal(TimeSpan.FromMilliseconds(750), options.Timeout);
        Assert.Equal(3, options.Retries);
        Assert.False(options.UseCache);
        Assert.False(options.ThrowDnsErrors);
        Assert.False(options.ContinueOnDnsError);
        Assert.True(options.UseTcpFallback);
    }

    [Fact]
    public void Empty_name_server_list_means_the_systems_resolvers()
    {
        var options = ResolverActor.CreateOptions(ActorTcpSettings.Default);
        Assert.Empty(options.NameServers);
        Assert.True(options.AutoResolveNameServers);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
        Assert.Equal(1, options.Retries);
        Assert.True(options.UseCache);
    }

    [Fact]
    public void Non_positive_dns_timeout_is_rejected()
    {
        Assert.Throws<ArgumentException>(() =>
            ResolverActor.CreateOptions(ActorTcpSettings.Default with { DnsTimeout = TimeSpan.Zero }));
    }
}
