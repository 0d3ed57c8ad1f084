using ActorTcp.Tests.Support;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// <c>actortcp run --nameserver</c> against a real DNS server on loopback (dnsmasq, <see cref="DnsmasqServer"/>): names
/// only that server knows resolve, so the option is what made them resolve.
/// </summary>
public sealed class NameserverOptionTests(DnsmasqServer dns) : IClassFixture<DnsmasqServer>
{
    private const string Script = """
        local tcp = require 'rspamd_tcp'
        tcp.request{host = arg[1], port = fixtures.echo, data = 'via dns\n', stop_pattern = '\n', timeout = 5,
          callback = function(err, data) print(err or tostring(data)) end}
        """;

    [Fact]
    public async Task A_name_served_only_by_the_given_nameserver_resolves_and_the_request_goes_through()
    {
        using var script = new TempScript(Script);

        var run = await ActortcpProcess.RunAsync(
            ["run", "--nameserver", dns.EndPoint.ToString(), "--fixtures", script.Path, DnsmasqServer.ARecordName]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("via dns\n", run.Stdout);
        Assert.Contains($"query[A] {DnsmasqServer.ARecordName}", dns.Output);
    }

    [Fact]
    public async Task An_unknown_name_at_the_given_nameserver_fails_with_rspamds_resolve_error()
    {
        using var script = new TempScript(Script);

        var run = await ActortcpProcess.RunAsync(
            ["run", "--nameserver", dns.EndPoint.ToString(), "--fixtures", script.Path, DnsmasqServer.MissingName]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"unable to resolve host: {DnsmasqServer.MissingName}\n", run.Stdout);
        Assert.Contains($"query[A] {DnsmasqServer.MissingName}", dns.Output);
    }
}
