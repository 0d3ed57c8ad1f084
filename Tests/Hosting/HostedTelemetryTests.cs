using ActorTcp.Hosting;
using ActorTcp.TestKit;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// <c>WithActorTcp(options =&gt; options.Metrics.PrometheusPort = ...)</c> in a .NET generic host: the endpoint serves
/// the system's instruments while the host runs, and stops listening with it.
/// </summary>
public sealed class HostedTelemetryTests
{
    [Fact]
    public async Task A_hosted_system_serves_its_metrics_on_the_prometheus_port_until_the_host_stops()
    {
        using var peer = ScriptedPeer.Start(s => s.ExpectLine("PING").SendLine("PONG"));
        var metricsPort = NodeProcess.FreePort();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.Services.AddAkka("hosted-metrics", (akka, _) => akka.WithActorTcp(options =>
        {
            options.Metrics.PrometheusPort = metricsPort;
            options.Metrics.PrometheusHost = "127.0.0.1";
        }));
        builder.Services.AddLuaPlugins();
        using var host = builder.Build();
        await host.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var endpoint = $"http://127.0.0.1:{metricsPort}/metrics";
        try
        {
            var run = await host.Services.GetRequiredService<LuaPluginService>().RunChunkAsync("ping", $$"""
                require('rspamd_tcp').request{host = '127.0.0.1', port = {{peer.Port}}, data = 'PING\r\n', stop_pattern = '\r\n',
                  callback = function(err, data) print(err or tostring(data)) end}
                """).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(run.Succeeded, run.Error);

            var scrape = await http.GetStringAsync(endpoint);
            Assert.Matches(@"actortcp_connection_opened_total\{[^}]*otel_scope_node=""hosted-metrics""\} 1\n", scrape);
            Assert.Contains("service_instance_id=\"hosted-metrics\"", scrape);
        }
        finally
        {
            await host.StopAsync();
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(endpoint));
    }
}
