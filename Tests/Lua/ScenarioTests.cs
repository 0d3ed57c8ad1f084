using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.LuaApi;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// Runs every Lua scenario of Tests/Lua/Scenarios through the Lua host (rspamd_tcp facade) against the servers of
/// <see cref="ScenarioServers"/>, and compares what the script printed with the scenario's <c>.expected</c> file,
/// exactly. A scenario whose first line names a case in quotes ("partial", "slow drip") repeats a case probed on
/// rspamd 3.4; its expected output is rspamd HEAD's behaviour or ActorTcp's fix
/// (docs/lua-api.md#where-actortcp-departs-from-rspamd-and-why). The others are ActorTcp's own cases. Each first line
/// says what the scenario shows and, where it helps, the section of docs/lua-api.md it checks.
/// </summary>
/// <remarks>
/// Each scenario gets its own actor system (HOCON.conf, the test overrides, DNS pointed at the fixture's dnsmasq) and
/// Lua host. A setup chunk first defines the global <c>servers</c> table and the printing helpers
/// (<see cref="ScenarioServers.LuaSetup"/>); then the scenario runs until <see cref="ScriptFinished"/>.
/// Directives in comment lines of the scenario (<c>-- @name: value</c>):
/// <list type="bullet">
/// <item><c>@script-error: text</c>: the chunk itself must fail with an error containing <c>text</c>
/// (otherwise <see cref="ScriptFinished.Error"/> must be null).</item>
/// <item><c>@log: text</c>: an Info or Error log line containing <c>text</c> must appear (e.g. <c>callback call failed</c>, an error).</item>
/// <item><c>@min-seconds: x</c> / <c>@max-seconds: x</c>: bounds of the time from running the script to
/// <see cref="ScriptFinished"/>.</item>
/// <item><c>@timeout: x</c>: how long to wait for <see cref="ScriptFinished"/> (default 15 s).</item>
/// <item><c>@hocon: line</c>: extra configuration for this scenario's actor system.</item>
/// </list>
/// </remarks>
public sealed class ScenarioTests(ScenarioServers servers, ITestOutputHelper output) : IClassFixture<ScenarioServers>
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(3);

    /// <summary>The scenario directory in the test output.</summary>
    public static string ScenarioDirectory => Path.Combine(AppContext.BaseDirectory, "Lua", "Scenarios");

    /// <summary>Every scenario's name (its .lua file without extension), sorted.</summary>
    public static IEnumerable<object[]> Scenarios() =>
        Directory.GetFiles(ScenarioDirectory, "*.lua")
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)
            .Select(name => new object[] { name! });

    [Fact]
    public void Every_scenario_has_an_expected_file_and_there_are_at_least_40()
    {
        var names = Scenarios().Select(s => (string)s[0]).ToArray();
        Assert.True(names.Length >= 40, $"only {names.Length} scenarios");
        foreach (var name in names)
            Assert.True(File.Exists(Path.Combine(ScenarioDirectory, name + ".expected")), $"{name}.expected is missing");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario(string name)
    {
        var code = await File.ReadAllTextAsync(Path.Combine(ScenarioDirectory, name + ".lua"));
        var expected = Normalize(await File.ReadAllTextAsync(Path.Combine(ScenarioDirectory, name + ".expected")));
        var directives = Directives.Parse(code);

        var hocon = new StringBuilder();
        hocon.AppendLine(CultureInfo.InvariantCulture, $"actortcp.dns.nameservers = [\"{servers.Dns.EndPoint}\"]");
        hocon.AppendLine("actortcp.dns.timeout = 1s");
        hocon.AppendLine("actortcp.dns.retries = 0");
        hocon.AppendLine(TestPki.TrustCaHocon);
        foreach (var line in directives.Hocon) hocon.AppendLine(line);
        var config = ConnectionTestKit.BuildConfig(hocon.ToString());

        var kit = new Akka.TestKit.Xunit2.TestKit(config, "scenario", output);
        try
        {
            var sys = kit.Sys;
            var logs = new ConcurrentQueue<string>();
            var logCollector = sys.ActorOf(Props.Create(() => new LogCollector(logs)));
            sys.EventStream.Subscribe(logCollector, typeof(Info));
            sys.EventStream.Subscribe(logCollector, typeof(Error));

            var settings = ActorTcpSettings.Create(sys.Settings.Config);
            var resolver = sys.ActorOf(ResolverActor.Props(settings), "resolver");
            var manager = sys.ActorOf(ConnectionManager.Props(settings, resolver), "connections");
            var printed = new PrintedLines();
            var host = sys.ActorOf(LuaHostActor.Props(manager, printed), "lua");
            var probe = kit.CreateTestProbe();

            host.Tell(new RunScript("setup.lua", Encoding.UTF8.GetBytes(servers.LuaSetup()), [], probe.Ref));
            var setup = await probe.ExpectMsgAsync<ScriptFinished>(TimeSpan.FromSeconds(10));
            Assert.Null(setup.Error);
            Assert.Equal("", printed.Text);

            var clock = Stopwatch.StartNew();
            host.Tell(new RunScript(name + ".lua", Encoding.UTF8.GetBytes(code), [], probe.Ref));
            ScriptFinished? finished = null;
            try
            {
                finished = await probe.ExpectMsgAsync<ScriptFinished>(directives.Timeout ?? DefaultTimeout);
            }
            catch (Exception e)
            {
                var waited = clock.Elapsed;
                string stats;
                try
                {
                    stats = (await host.Ask<LuaStats>(GetLuaStats.Instance, TimeSpan.FromSeconds(5))).ToString();
                }
                catch (Exception statsError)
                {
                    stats = "no answer from the Lua host: " + statsError.Message;
                }
                try
                {
                    stats += $"; manager: {(await manager.Ask<ConnectionCount>(GetConnectionCount.Instance, TimeSpan.FromSeconds(5))).Open} open";
                }
                catch (Exception countError)
                {
                    stats += "; no answer from the connection manager: " + countError.Message;
                }
                Assert.Fail($"{name}: no ScriptFinished within {directives.Timeout ?? DefaultTimeout} (waited {waited.TotalSeconds:F1} s; " +
                            $"{e.Message}); Lua host: {stats}; printed so far:\n{printed.Text}");
            }
            var elapsed = clock.Elapsed;
            output.WriteLine($"--- {name}: finished after {elapsed.TotalSeconds:F2} s, error: {finished!.Error ?? "none"}");
            output.WriteLine($"--- printed:\n{printed.Text}--- end");

            if (directives.ScriptError is { } wantedError)
            {
                Assert.True(finished.Error is not null && finished.Error.Contains(wantedError, StringComparison.Ordinal),
                    $"{name}: expected the script to fail with '{wantedError}', got: {finished.Error ?? "no error"}");
            }
            else
            {
                Assert.True(finished.Error is null, $"{name}: the script failed: {finished.Error}\nprinted:\n{printed.Text}");
            }

            if (expected != printed.Text)
                Assert.Fail($"{name}: printed output differs.\n--- expected:\n{expected}--- actual:\n{printed.Text}--- end");

            if (directives.MinSeconds is { } min)
                Assert.True(elapsed.TotalSeconds >= min, $"{name}: finished after {elapsed.TotalSeconds:F2} s, expected at least {min} s");
            if (directives.MaxSeconds is { } max)
                Assert.True(elapsed.TotalSeconds <= max, $"{name}: finished after {elapsed.TotalSeconds:F2} s, expected at most {max} s");

            foreach (var wanted in directives.Logs)
            {
                var deadline = Stopwatch.StartNew();
                while (!logs.Any(l => l.Contains(wanted, StringComparison.Ordinal)) && deadline.Elapsed < LogWait)
                    await Task.Delay(20);
                Assert.True(logs.Any(l => l.Contains(wanted, StringComparison.Ordinal)),
                    $"{name}: no Info or Error log containing '{wanted}'; logged:\n{string.Join("\n", logs)}");
            }
        }
        finally
        {
            kit.Shutdown(TimeSpan.FromSeconds(10), verifySystemShutdown: false);
        }
    }

    private static string Normalize(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return text.Length == 0 || text.EndsWith('\n') ? text : text + "\n";
    }

    /// <summary>What the script printed: one line per <c>print</c> call, bytes kept as Latin-1 characters.</summary>
    /// <summary>Keeps the Info and Error log lines (the Lua host logs failed callbacks as errors).</summary>
    private sealed class LogCollector : ReceiveActor
    {
        public LogCollector(ConcurrentQueue<string> logs)
        {
            Receive<Info>(info => logs.Enqueue(info.Message?.ToString() ?? ""));
            Receive<Error>(error => logs.Enqueue(error.Message?.ToString() ?? ""));
        }
    }

    private sealed record Directives
    {
        public string? ScriptError { get; private init; }
        public List<string> Logs { get; } = [];
        public List<string> Hocon { get; } = [];
        public double? MinSeconds { get; private init; }
        public double? MaxSeconds { get; private init; }
        public TimeSpan? Timeout { get; private init; }

        public static Directives Parse(string code)
        {
            var d = new Directives();
            foreach (var raw in code.Split('\n'))
            {
                var line = raw.Trim();
                if (!line.StartsWith("-- @", StringComparison.Ordinal)) continue;
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0) throw new InvalidOperationException($"bad directive: {line}");
                var key = line[4..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                d = key switch
                {
                    "script-error" => d with { ScriptError = value },
                    "log" => Add(d, d.Logs, value),
                    "hocon" => Add(d, d.Hocon, value),
                    "min-seconds" => d with { MinSeconds = Seconds(value) },
                    "max-seconds" => d with { MaxSeconds = Seconds(value) },
                    "timeout" => d with { Timeout = TimeSpan.FromSeconds(Seconds(value)) },
                    _ => throw new InvalidOperationException($"unknown directive: {line}"),
                };
            }
            return d;
        }

        private static Directives Add(Directives d, List<string> list, string value)
        {
            list.Add(value);
            return d;
        }

        private static double Seconds(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
