using System.CommandLine;
using System.Globalization;

namespace ActorTcp.Hosting.Cli;

// actortcp node: its options and help.
public static partial class CommandLine
{
    /// <summary>What <c>actortcp node --help</c> prints after the options.</summary>
    public const string NodeDetails = """
        A cluster member with the role mail-filter (Akka.Cluster over Akka.Remote on HOST:PORT). With no --seed it
        seeds itself; otherwise it joins the seeds (HOST:PORT of nodes started the same way) and stops with exit 1
        when none answers within 20 s. Backend health (rspamd_upstream_list) is shared with every member. The plugin
        files are loaded into every Lua host, in order. Membership changes are logged on stderr. SIGTERM or SIGINT:
        the node leaves the cluster gracefully and exits 0. With --metrics-port it serves its metrics to Prometheus;
        OTEL_EXPORTER_OTLP_ENDPOINT (and OpenTelemetry's other OTLP variables) exports metrics and traces by OTLP.

        Exit codes: 0 after leaving, 1 when it could not start (a port is taken), load a plugin or join, 2 for
        bad arguments or configuration.
        """;

    private static Command NodeCommandLine(TextWriter stderr)
    {
        var host = new Option<string>("--host")
        {
            HelpName = "HOST", DefaultValueFactory = _ => "127.0.0.1",
            Description = "the address Akka.Remote binds and other nodes reach this one at",
        };
        var port = new Option<int>("--port")
        {
            HelpName = "PORT", Required = true, Description = "the port Akka.Remote binds (1..65535)",
            CustomParser = r => ParsePort(r.Tokens.Single().Value, "--port", r.AddError),
        };
        var seeds = new Option<string[]>("--seed")
        {
            HelpName = "HOST:PORT", AllowMultipleArgumentsPerToken = false,
            Description = "a seed node to join (repeatable); none: this node seeds itself",
            CustomParser = r => r.Tokens.Select(t => ParseSeed(t.Value, r.AddError)).ToArray(),
        };
        var plugins = new Option<string[]>("--plugin")
        {
            HelpName = "FILE", AllowMultipleArgumentsPerToken = false,
            Description = "a Lua plugin file loaded into every Lua host (repeatable, in order)",
        };
        var luaHosts = new Option<int?>("--lua-hosts")
        {
            HelpName = "N", Description = "the number of Lua hosts (default: actortcp.lua.hosts, one per processor)",
            CustomParser = r =>
            {
                var text = r.Tokens.Single().Value;
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1) return n;
                r.AddError($"--lua-hosts: '{text}' is not a positive number");
                return null;
            },
        };
        var metricsPort = new Option<int?>("--metrics-port")
        {
            HelpName = "PORT", Description = "serve Prometheus metrics at http://METRICS-HOST:PORT/metrics (docs/metrics.md)",
            CustomParser = r => ParsePort(r.Tokens.Single().Value, "--metrics-port", r.AddError),
        };
        var metricsHost = new Option<string?>("--metrics-host")
        {
            HelpName = "HOST", Description = "the address the metrics endpoint listens on (default: --host; * for every interface)",
        };
        var config = new Option<string>("--config") { HelpName = "FILE", Description = "HOCON that overrides any key of the defaults (HOCON.conf)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "debug logs on stderr (Akka's included)" };

        var node = new Command("node", "Runs a clustered mail-filter node until SIGTERM or SIGINT.")
        {
            host, port, seeds, plugins, luaHosts, metricsPort, metricsHost, config, verbose,
        };
        node.Validators.Add(r =>
        {
            foreach (var plugin in r.GetValue(plugins) ?? [])
                if (!File.Exists(plugin)) r.AddError($"--plugin: {plugin}: no such file");
            if (r.GetValue(metricsHost) is not { } listen) return;
            if (r.GetValue(metricsPort) is null) r.AddError("--metrics-host: needs --metrics-port");
            else if (listen is not ("*" or "+") && Uri.CheckHostName(listen.Trim('[', ']')) == UriHostNameType.Unknown)
                r.AddError($"--metrics-host: '{listen}' is not a host name or address");
        });
        node.SetAction(async (result, _) =>
        {
            var options = new NodeOptions(result.GetRequiredValue(host), result.GetValue(port), result.GetValue(seeds) ?? [],
                result.GetValue(plugins) ?? [], result.GetValue(luaHosts), result.GetValue(config), result.GetValue(verbose))
            {
                MetricsPort = result.GetValue(metricsPort),
                MetricsHost = result.GetValue(metricsHost),
            };
            if (await LoadConfigurationAsync("actortcp node", options.ConfigFile, [], stderr) is not { } overrides)
                return BadArguments;
            return await NodeCommand.RunAsync(options, overrides, stderr);
        });
        return node;
    }

    private static int ParsePort(string text, string option, Action<string> error)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535) return port;
        error($"{option}: '{text}' is not a port (1..65535)");
        return 0;
    }

    private static string ParseSeed(string text, Action<string> error)
    {
        var colon = text.LastIndexOf(':');
        if (colon > 0) ParsePort(text[(colon + 1)..], "--seed", _ => error($"--seed: '{text}' is not HOST:PORT"));
        else error($"--seed: '{text}' is not HOST:PORT");
        return text;
    }
}
