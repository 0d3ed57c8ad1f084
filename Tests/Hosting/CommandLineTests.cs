using ActorTcp.Hosting.Cli;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// The <c>actortcp</c> command line as a new user meets it, run in-process through <see cref="CommandLine.RunAsync"/>:
/// help on every command, <c>--version</c>, and bad arguments or configuration as one line on stderr with exit 2, for
/// <c>run</c> and <c>request</c> alike.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _folder =
        Path.Combine(Path.GetTempPath(), "actortcp-tests", "cli-" + Guid.NewGuid().ToString("N")[..8]);

    public CommandLineTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString().Replace("\r\n", "\n", StringComparison.Ordinal),
            stderr.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Describe((int ExitCode, string Stdout, string Stderr) r) =>
        $"exit {r.ExitCode}\n--- stdout\n{r.Stdout}--- stderr\n{r.Stderr}";

    [Theory]
    [InlineData("--help", "run", "request")]
    [InlineData("-h", "run", "request")]
    [InlineData("run --help", "actortcp run <SCRIPT.lua> [<ARGS>...] [options]", "--strict")]
    [InlineData("request --help", "actortcp request [options]", "--stop-pattern <TEXT>")]
    [InlineData("help request", "actortcp request [options]", "--host <HOST>")]
    [InlineData("node --help", "actortcp node [options]", "--seed <HOST:PORT>")]
    [InlineData("submit --help", "actortcp submit <FUNCTION>", "--contact <HOST:PORT>")]
    public async Task Help_on_every_command_prints_its_usage_on_stdout_and_exits_0(string commandLine, string first, string second)
    {
        var r = await RunAsync(commandLine.Split(' '));

        Assert.True(r.ExitCode == 0, Describe(r));
        Assert.Contains(first, r.Stdout);
        Assert.Contains(second, r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public async Task Request_help_documents_every_option_and_the_exit_codes()
    {
        var r = await RunAsync("request", "--help");

        foreach (var text in new[]
                 {
                     "--host <HOST>", "--port <PORT>", "--data <TEXT>", "--stop-pattern <TEXT>", "--timeout <SECONDS>",
                     "--config <FILE>", "C escapes", "unix socket", "Exit codes: 0 success; 1",
                 })
            Assert.Contains(text, r.Stdout);
    }

    [Fact]
    public async Task Version_prints_the_assemblys_informational_version_and_exits_0()
    {
        var r = await RunAsync("--version");

        Assert.True(r.ExitCode == 0, Describe(r));
        Assert.Equal(CommandLine.Version + "\n", r.Stdout);
        Assert.Matches(@"^\d+\.\d+\.\d+", CommandLine.Version);
    }

    [Theory]
    [InlineData("", "actortcp: a command is required")]
    [InlineData("frobnicate", "actortcp: Unrecognized command or argument 'frobnicate'")]
    [InlineData("run", "actortcp run: Required argument 'SCRIPT.lua' missing")]
    [InlineData("run --frobnicate x.lua", "actortcp run: unknown option '--frobnicate' (options go before the script)")]
    [InlineData("run --config", "actortcp run: Required argument missing for option: '--config'")]
    [InlineData("run --timeout banana x.lua", "actortcp run: --timeout: 'banana' is not a number of seconds")]
    [InlineData("run --nameserver not-an-address x.lua", "actortcp run: --nameserver: 'not-an-address' is not an IP address")]
    [InlineData("request --port 7", "actortcp request: Option '--host' is required")]
    [InlineData("request --host example.org", "actortcp request: --port is required")]
    [InlineData("request --host example.org --port 70000", "actortcp request: --port: '70000' is not a port (1..65535)")]
    [InlineData("request --host example.org --port 7 --timeout soon", "actortcp request: --timeout: 'soon' is not a positive number")]
    [InlineData("request --host example.org --port 7 --frobnicate 1", "actortcp request: Unrecognized command or argument '--frobnicate'")]
    [InlineData("request --help-me", "actortcp request: ")]
    [InlineData("node", "actortcp node: Option '--port' is required")]
    [InlineData("submit f", "actortcp submit: Option '--contact' is required")]
    [InlineData("submit --contact nowhere f", "actortcp submit: --contact: 'nowhere' is not HOST:PORT")]
    [InlineData("submit --contact 127.0.0.1:9 --deadline 0 f", "actortcp submit: --deadline: '0' is not a positive number")]
    [InlineData("submit --contact 127.0.0.1:9 --repeat 1.5 f", "actortcp submit: --repeat: '1.5' is not a positive whole number")]
    [InlineData("submit --contact 127.0.0.1:9 f novalue", "actortcp submit: field 'novalue' is not KEY=VALUE or KEY=@FILE")]
    [InlineData("submit --contact 127.0.0.1:9 f body=@/no/such/file", "actortcp submit: field body: cannot read /no/such/file: ")]
    [InlineData("node --port 0", "actortcp node: --port: '0' is not a port (1..65535)")]
    [InlineData("node --port 4000 --seed nowhere", "actortcp node: --seed: 'nowhere' is not HOST:PORT")]
    [InlineData("node --port 4000 --seed 127.0.0.1:99999", "actortcp node: --seed: '127.0.0.1:99999' is not HOST:PORT")]
    [InlineData("node --port 4000 --lua-hosts 0", "actortcp node: --lua-hosts: '0' is not a positive number")]
    [InlineData("node --port 4000 --plugin /no/such/plugin.lua", "actortcp node: --plugin: /no/such/plugin.lua: no such file")]
    [InlineData("node --port 4000 --metrics-host 127.0.0.1", "actortcp node: --metrics-host: needs --metrics-port")]
    [InlineData("node --port 4000 --metrics-port 9100 --metrics-host a/b", "actortcp node: --metrics-host: 'a/b' is not a host name or address")]
    public async Task Bad_arguments_are_one_line_on_stderr_naming_the_command_and_exit_2(string commandLine, string message)
    {
        var r = await RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(r.ExitCode == 2, Describe(r));
        Assert.Equal("", r.Stdout);
        Assert.StartsWith(message, r.Stderr);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("request")]
    [InlineData("node")]
    public async Task A_missing_config_file_is_one_line_naming_the_file_and_exits_2(string command)
    {
        var missing = Path.Combine(_folder, "missing.conf");

        var r = await RunAsync(Command(command, "--config", missing));

        Assert.True(r.ExitCode == 2, Describe(r));
        Assert.StartsWith($"actortcp {command}: configuration: cannot read {missing}: ", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("run", "actortcp.default-timeout = banana", "actortcp.default-timeout: ")]
    [InlineData("request", "actortcp.default-timeout = banana", "actortcp.default-timeout: ")]
    [InlineData("run", "actortcp.lua.hosts = 0", "actortcp.lua.hosts must be auto or a positive number, got '0'")]
    [InlineData("request", "actortcp.lua.hosts = 0", "actortcp.lua.hosts must be auto or a positive number, got '0'")]
    [InlineData("run", "actortcp { upstreams { revive-time = never } }", "actortcp.upstreams.revive-time: ")]
    [InlineData("request", "actortcp.lua.gc = sometimes", "actortcp.lua.gc must be generational or incremental, not 'sometimes'")]
    [InlineData("run", "actortcp.io.transport = pigeons", "actortcp.io.transport must be \"socket\" or \"akka-io\"")]
    [InlineData("request", "actortcp.dns.retries = -1", "actortcp.dns.retries must not be negative, got -1")]
    [InlineData("node", "actortcp.lua.memory-limit = lots", "actortcp.lua.memory-limit must be auto, a byte size")]
    [InlineData("node", "actortcp.cluster.max-task-size = 8 MiB",
        "actortcp.cluster.max-task-size (8388608 bytes) does not fit akka.remote.dot-netty.tcp.maximum-frame-size (4259840 bytes)")]
    [InlineData("submit", "actortcp.cluster.max-task-size = 0", "actortcp.cluster.max-task-size must be positive, got 0")]
    [InlineData("node", "actortcp.lua.rspamd-lualib = /nonexistent/lualib",
        "actortcp.lua.rspamd-lualib: directory '/nonexistent/lualib' does not exist")]
    [InlineData("run", "actortcp.lua.lpeg = /nonexistent/lpeg.so", "actortcp.lua.lpeg: file '/nonexistent/lpeg.so' does not exist")]
    [InlineData("run", "actortcp.connection-dispatcher = \"actortcp.lua-dispatcher\"",
        "actortcp.connection-dispatcher: 'actortcp.lua-dispatcher' is a PinnedDispatcher, which would give every connection a thread")]
    [InlineData("node", "actortcp.connection-dispatcher = \"actortcp.nowhere\"",
        "actortcp.connection-dispatcher: no dispatcher 'actortcp.nowhere' is configured")]
    public async Task A_bad_config_value_is_one_line_naming_the_file_and_the_key_and_exits_2(string command, string setting,
        string message)
    {
        var config = Write("bad.conf", setting + "\n");

        var r = await RunAsync(Command(command, "--config", config));

        Assert.True(r.ExitCode == 2, Describe(r));
        Assert.Equal("", r.Stdout);
        Assert.StartsWith($"actortcp {command}: configuration: {config}: {message}", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task A_submit_whose_fields_exceed_the_task_size_limit_is_refused_before_any_node_is_contacted_and_exits_2()
    {
        var body = Path.Combine(_folder, "big.eml");
        await File.WriteAllBytesAsync(body, new byte[5 * 1024 * 1024]);

        // Port 9 answers nothing: the refusal comes before any contact.
        var r = await RunAsync("submit", "--contact", "127.0.0.1:9", "scan", "id=1", $"body=@{body}");

        Assert.True(r.ExitCode == 2, Describe(r));
        Assert.Equal("actortcp submit: task fields take 5242896 bytes (the largest is body), more than " +
            "actortcp.cluster.max-task-size (4194304 bytes)\n", r.Stderr);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("request")]
    public async Task A_config_file_that_is_not_valid_hocon_is_one_line_naming_the_file_and_exits_2(string command)
    {
        var config = Write("broken.conf", "actortcp.default-timeout = ${nowhere}\n");

        var r = await RunAsync(Command(command, "--config", config));

        Assert.True(r.ExitCode == 2, Describe(r));
        Assert.StartsWith($"actortcp {command}: configuration: {config}: not valid HOCON: ", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Request_warns_about_an_unknown_key_under_actortcp_and_goes_on()
    {
        var config = Write("typo.conf", """
            actortcp.default-timeot = 2s
            actortcp {
              dns { retires = 3 }
              connection-mailbox { mailbox-capacity = 10 }
            }
            akka.whatever = 1
            """);
        // A unix socket that does not exist: the request runs and fails (exit 1) after the warnings.
        var socket = Path.Combine(_folder, "no.sock");

        var r = await RunAsync("request", "--config", config, "--host", socket, "--timeout", "2");

        Assert.True(r.ExitCode == 1, Describe(r));
        var lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.Equal($"actortcp request: warning: configuration: {config}: unknown key actortcp.default-timeot (not in HOCON.conf; ignored)", lines[0]);
        Assert.Equal($"actortcp request: warning: configuration: {config}: unknown key actortcp.dns.retires (not in HOCON.conf; ignored)", lines[1]);
        Assert.DoesNotContain("mailbox-capacity", r.Stderr);
        Assert.DoesNotContain("akka.whatever", r.Stderr);
    }

    [Fact]
    public void Keys_of_a_dispatcher_named_by_connection_dispatcher_are_not_unknown()
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString("""
            actortcp.connection-dispatcher = "actortcp.my-dispatcher"
            actortcp.my-dispatcher { type = ForkJoinDispatcher, throughput = 5 }
            actortcp.limits.max-conections = 5
            """);

        Assert.Equal(["actortcp.limits.max-conections"], CliConfiguration.UnknownKeys(config));
    }

    // `run` checks the configuration before it reads the script, so no script is needed here.
    private static string[] Command(string command, params string[] options) =>
        command switch
        {
            "run" => ["run", .. options, "never-read.lua"],
            "node" => ["node", .. options, "--port", "9"],
            "submit" => ["submit", .. options, "--contact", "127.0.0.1:9", "f"],
            _ => ["request", .. options, "--host", "127.0.0.1", "--port", "9"],
        };
}
