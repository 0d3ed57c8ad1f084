using ActorTcp.Actors.Dns;
using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// The DNS instruments (lookups and their duration, by kind and outcome), measured on the resolver actor asking a
/// scripted name server on 127.0.0.1: an answer, NXDOMAIN, SERVFAIL, silence, SRV answers. The timeout is long enough
/// for a loaded machine's answers, so only silence times out.
/// </summary>
public sealed class DnsMetricsTests(ITestOutputHelper output) : MetricsTestKit(output,
    "actortcp.dns.timeout = 1s\nactortcp.dns.retries = 0",
    ScriptedDns.Start()
        .A("mail.test", "127.0.0.1")
        .NxDomain("missing.test")
        .ServFail("broken.test")
        .Timeout("slow.test")
        .Srv("_smtp._tcp.mail.test", new SrvRecord(10, 1, 2525, "mail.test"))
        .Srv("_smtp._tcp.closed.test", new SrvRecord(0, 0, 0, ".")))
{
    private async Task<object> AskAsync(object question)
    {
        var probe = CreateTestProbe();
        Resolver.Tell(question, probe.Ref);
        return await probe.ExpectMsgAsync<object>(DefaultWait);
    }

    /// <summary>Asserts one lookup of <paramref name="kind"/> was counted and timed, with <paramref name="outcome"/>.</summary>
    private void AssertOneLookup(string kind, string outcome)
    {
        Recorder.AssertSum(1, DnsLookups);
        Recorder.AssertSum(1, DnsLookups, ("kind", kind), ("outcome", outcome));
        Assert.Equal(1, DurationsOf(DnsLookupDuration, ("kind", kind), ("outcome", outcome)));
    }

    [Fact]
    public async Task A_name_with_an_address_is_one_address_lookup_ok()
    {
        Assert.IsType<Resolved>(await AskAsync(new Resolve("mail.test", 1)));
        AssertOneLookup("address", "ok");
    }

    [Fact]
    public async Task An_nxdomain_is_one_address_lookup_not_found()
    {
        Assert.IsType<ResolveFailed>(await AskAsync(new Resolve("missing.test", 1)));
        AssertOneLookup("address", "not_found");
    }

    [Fact]
    public async Task A_servfail_is_one_address_lookup_error()
    {
        Assert.IsType<ResolveFailed>(await AskAsync(new Resolve("broken.test", 1)));
        AssertOneLookup("address", "error");
    }

    [Fact]
    public async Task A_silent_server_is_one_address_lookup_timeout()
    {
        Assert.IsType<ResolveFailed>(await AskAsync(new Resolve("slow.test", 1)));
        AssertOneLookup("address", "timeout");
        Assert.InRange(Recorder.Of(DnsLookupDuration).Single().Value, 0.9, 10);
    }

    [Fact]
    public async Task An_srv_answer_is_one_service_lookup_ok_and_a_missing_or_closed_service_not_found()
    {
        Assert.IsType<ServiceResolved>(await AskAsync(new ResolveService("_smtp._tcp.mail.test", 1)));
        AssertOneLookup("service", "ok");

        Assert.IsType<ResolveFailed>(await AskAsync(new ResolveService("_smtp._tcp.missing.test", 2)));
        // NOERROR whose only target is "." (the service is decidedly not there).
        Assert.IsType<ResolveFailed>(await AskAsync(new ResolveService("_smtp._tcp.closed.test", 3)));
        Recorder.AssertSum(2, DnsLookups, ("kind", "service"), ("outcome", "not_found"));
    }

    [Fact]
    public async Task A_literal_address_asks_no_server_and_is_no_lookup()
    {
        Assert.IsType<Resolved>(await AskAsync(new Resolve("127.0.0.1", 1)));
        Recorder.AssertSum(0, DnsLookups);
        Assert.Empty(DnsServer!.Queries);
    }
}
