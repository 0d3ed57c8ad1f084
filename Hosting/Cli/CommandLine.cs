using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Reflection;
using ActorTcp.Actors;
using Akka.Configuration;

namespace ActorTcp.Hosting.Cli;

/// <summary>
/// The <c>actortcp</c> command line: one System.CommandLine application whose commands share the same handling:
/// <c>--help</c> on each (exit 0), <c>--version</c>, and bad arguments or a bad configuration as one line on stderr
/// (<c>actortcp COMMAND: ...</c>) with exit 2.
/// </summary>
public static partial class CommandLine
{
    /// <summary>Exit code of bad arguments or a bad configuration, for every command.</summary>
    public const int BadArguments = 2;

    /// <summary>What <c>actortcp --help</c> prints after the list of commands.</summary>
    public const string Overview = """
        Configuration: every setting, with its default and a comment, is in HOCON.conf (repository root), which is
        built into actortcp; --config FILE overrides any key (for example actortcp.default-timeout = 2s). The file is
        checked before anything starts: a bad value exits 2 naming the file and the key; a key under actortcp that
        HOCON.conf does not define is reported as a warning.

        Bad arguments or configuration: one line on stderr, exit 2, for every command.
        """;

    /// <summary>What <c>actortcp run --help</c> prints after its options.</summary>
    public const string RunDetails = """
        Runs a Lua plugin script with rspamd_tcp, lua_tcp_sync and rspamd_text, as rspamadm lua does. The body runs in
        a host coroutine (connect_sync works in it); the global `arg` holds ARGS (arg[1], arg[2]...; arg[0] is SCRIPT),
        and so does the chunk's `...`. Options go before SCRIPT: what follows SCRIPT goes to the script untouched, even
        when it looks like an option. actortcp keeps running until the body returned and no request, sync connection or
        callback is pending, then exits 0. A Lua error in the body: its message and traceback on stderr, exit 1. `print`
        writes to stdout, one flushed line at a time, in order; logs go to stderr (info and above). A callback that
        raised is logged as an error and the run goes on; with --strict the run then exits 1.

        Fixtures (--fixtures): loopback servers on 127.0.0.1 with ephemeral ports, their ports in the global table
        `fixtures` (fixtures.host is '127.0.0.1'):
          echo       sends back every byte it reads
          smtp       SMTP-like dialogue: 220 banner, EHLO (multi-line 250), HELO, MAIL FROM:, RCPT TO:, DATA (to a
                     line "."), RSET, NOOP, QUIT (221, then it closes)
          drip       sends "tick 1\r\n" .. "tick 5\r\n", 4 bytes every 100 ms, then closes
          close_now  closes each connection at once (FIN)
          refused    a port where connections are refused

        Exit codes: 0 done; 1 Lua error in the script body (or, with --strict, a callback raised); 2 bad arguments,
        unreadable script or bad configuration; 124 the --timeout deadline passed; 130 interrupted (SIGINT/SIGTERM).
        """;

    /// <summary>What <c>actortcp request --help</c> prints after its options.</summary>
    public const string RequestDetails = """
        Opens one connection, writes TEXT (C escapes \r \n \t \\ \0 \xHH are understood), reads one reply (up to and
        excluding the stop pattern, else one chunk of at most 8192 bytes) and prints it. HOST may be a unix socket
        path (starting with / or .), which takes no --port.

        Exit codes: 0 success; 1 the connection reported an error (printed on stderr); 2 bad arguments or bad
        configuration.
        """;

    private static readonly string[] ValuedRunOptions = ["--config", "--nameserver", "--timeout"];

    /// <summary>The version <c>--version</c> prints: the assembly's informational version.</summary>
    public static string Version =>
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CommandLine).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var prepared = Prepare(args, out var scriptAfterDoubleDash);
        var root = Build(stdout, stderr, scriptAfterDoubleDash);
        var result = root.Parse(prepared, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Exceptions propagate (a bug is a crash with its stack), and SIGINT/SIGTERM stay the host's (exit 130).
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        if (result.Errors.Count > 0 && result.Action is not { ClearsParseErrors: true })
        {
            var command = Name(result.CommandResult.Command);
            await stderr.WriteLineAsync($"{command}: {result.Errors[0].Message} (see {command} --help)");
            return BadArguments;
        }
        return await result.InvokeAsync(invocation);
    }

    /// <summary>
    /// <c>run</c>'s arguments with a <c>--</c> inserted after SCRIPT, so that what follows SCRIPT is the script's even when
    /// it looks like an option (<c>help X</c> becomes <c>X --help</c>). <paramref name="scriptAfterDoubleDash"/>: the
    /// user ended the options with <c>--</c>, so SCRIPT may start with <c>-</c>.
    /// </summary>
    private static string[] Prepare(string[] args, out bool scriptAfterDoubleDash)
    {
        scriptAfterDoubleDash = false;
        if (args is ["help", .. var rest]) return [.. rest.Take(1), "--help"];
        if (args is not ["run", ..]) return args;
        for (var i = 1; i < args.Length; i++)
        {
            var token = args[i];
            if (token == "--")
            {
                scriptAfterDoubleDash = true;
                return args;
            }
            if (token.StartsWith('-') && token != "-")
            {
                if (ValuedRunOptions.Contains(token)) i++;
                continue;
            }
            return i + 1 < args.Length ? [.. args[..(i + 1)], "--", .. args[(i + 1)..]] : args;
        }
        return args;
    }

    private static string Name(Command command) => command is RootCommand ? "actortcp" : $"actortcp {command.Name}";

    private static RootCommand Build(TextWriter stdout, TextWriter stderr, bool scriptAfterDoubleDash)
    {
        var root = new RootCommand("actortcp: rspamd_tcp on Akka.NET") { HelpName = "actortcp" };
        root.Add(RunCommandLine(stderr, scriptAfterDoubleDash));
        root.Add(RequestCommandLine(stdout, stderr));
        root.Add(NodeCommandLine(stderr));
        root.Add(SubmitCommandLine(stdout, stderr));
        root.SetAction(async result =>
        {
            await stderr.WriteLineAsync("actortcp: a command is required: run, request, node or submit (see actortcp --help)");
            return BadArguments;
        });

        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithDetails(new HelpAction { MaxWidth = 116 });
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion();
        return root;
    }

    /// <summary>The generated help (usage, arguments, options), then what the command's options cannot say.</summary>
    private sealed class HelpWithDetails(HelpAction generated) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            generated.Invoke(parseResult);
            var details = parseResult.CommandResult.Command switch
            {
                RootCommand => Overview,
                { Name: "run" } => RunDetails,
                { Name: "request" } => RequestDetails,
                { Name: "node" } => NodeDetails,
                { Name: "submit" } => SubmitDetails,
                _ => null,
            };
            if (details is not null) parseResult.InvocationConfiguration.Output.WriteLine(details.TrimEnd() + Environment.NewLine);
            return 0;
        }
    }

    private static Command RunCommandLine(TextWriter stderr, bool scriptAfterDoubleDash)
    {
        var config = new Option<string>("--config") { HelpName = "FILE", Description = "HOCON that overrides any key of the defaults (HOCON.conf)" };
        var nameServers = new Option<string[]>("--nameserver")
        {
            HelpName = "HOST[:PORT]",
            Description = "a DNS server to use instead of actortcp.dns.nameservers (the system's by default). HOST is an "
                          + "IPv4 or IPv6 address; PORT defaults to 53; an IPv6 address with a port is written [::1]:5353. "
                          + "Repeatable: servers in order.",
            // One value per --nameserver, repeated for more.
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        nameServers.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                try
                {
                    ActorTcpSettings.ParseNameServer(token.Value);
                }
                catch (ConfigurationException)
                {
                    r.AddError($"--nameserver: '{token.Value}' is not an IP address, IP:PORT or [IPv6]:PORT");
                    return;
                }
            }
        });
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            HelpName = "SECONDS",
            Description = "a deadline for the script's session (default: none). When it passes, the session is destroyed "
                          + "as rspamd destroys a task's: its connections are aborted without calling their callbacks; exit 124.",
            CustomParser = r =>
            {
                var text = r.Tokens.Single().Value;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                    && double.IsFinite(seconds) && seconds is > 0 and <= 1_000_000)
                    return TimeSpan.FromSeconds(seconds);
                r.AddError($"--timeout: '{text}' is not a number of seconds in (0, 1000000]");
                return null;
            },
        };
        var fixtures = new Option<bool>("--fixtures")
        {
            Description = "first start loopback servers on 127.0.0.1 (echo, smtp, drip, close_now, refused; see below) "
                          + "and give their ports to Lua in the global table `fixtures`",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "debug logs on stderr (Akka's included)" };
        var strict = new Option<bool>("--strict")
        {
            Description = "exit 1 when a Lua callback raised during the run (each is logged as an error), for CI",
        };
        var stats = new Option<bool>("--stats")
        {
            Description = "at the end, whatever the exit code, a table on stderr: connections by outcome with the p50 and "
                          + "p99 of each outcome's start-to-end time, connect time, bytes, Lua runs, budget stops (stdout "
                          + "stays the script's)",
        };
        var script = new Argument<string>("SCRIPT.lua") { Description = "the Lua script to run ('--' before it ends the options)" };
        // An option System.CommandLine does not know is taken as an argument: before SCRIPT, it is a bad option.
        script.Validators.Add(r =>
        {
            if (!scriptAfterDoubleDash && r.Tokens is [{ Value: ['-', _, ..] name }])
                r.AddError($"unknown option '{name}' (options go before the script)");
        });
        var scriptArgs = new Argument<string[]>("ARGS")
        {
            Description = "the script's arguments (arg[1], arg[2]...), passed untouched",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var run = new Command("run", "Runs a Lua plugin script (rspamadm lua's way) until it and everything it started are done.")
        {
            config, nameServers, timeout, fixtures, verbose, strict, stats, script, scriptArgs,
        };
        run.SetAction(async (result, _) =>
        {
            var options = new RunOptions(result.GetRequiredValue(script), result.GetValue(scriptArgs) ?? [],
                result.GetValue(config), result.GetValue(nameServers) ?? [], result.GetValue(fixtures),
                result.GetValue(verbose), result.GetValue(timeout), result.GetValue(strict), result.GetValue(stats));
            if (await LoadConfigurationAsync("actortcp run", options.ConfigFile, options.NameServers, stderr) is not { } overrides)
                return BadArguments;

            await using var stdoutStream = Console.OpenStandardOutput();
            // Stdout belongs to the script's print: anything else written to Console.Out (Akka prints
            // "Shutting down: StandardOutLogger started" there whatever stdout-loglevel says) goes to stderr.
            Console.SetOut(Console.Error);
            return await RunCommand.RunAsync(options, overrides, stdoutStream, stderr);
        });
        return run;
    }

    private static Command RequestCommandLine(TextWriter stdout, TextWriter stderr)
    {
        var host = new Option<string>("--host")
        {
            HelpName = "HOST", Required = true,
            Description = "the host name or address to connect to, or a unix socket path (starting with / or .)",
        };
        var port = new Option<int?>("--port")
        {
            HelpName = "PORT",
            Description = "the TCP port (1..65535); required unless HOST is a unix socket path",
            CustomParser = r =>
            {
                var text = r.Tokens.Single().Value;
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535)
                    return p;
                r.AddError($"--port: '{text}' is not a port (1..65535)");
                return null;
            },
        };
        var data = new Option<string>("--data") { HelpName = "TEXT", Description = "what to write first (C escapes understood)" };
        var stopPattern = new Option<string>("--stop-pattern")
        {
            HelpName = "TEXT", Description = "read up to this pattern (C escapes understood) instead of one chunk",
        };
        var timeout = new Option<double?>("--timeout")
        {
            HelpName = "SECONDS",
            Description = "the request's timeout (default: actortcp.default-timeout)",
            CustomParser = r =>
            {
                var text = r.Tokens.Single().Value;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                    && double.IsFinite(seconds) && seconds > 0)
                    return seconds;
                r.AddError($"--timeout: '{text}' is not a positive number of seconds");
                return null;
            },
        };
        var config = new Option<string>("--config") { HelpName = "FILE", Description = "HOCON that overrides any key of the defaults (HOCON.conf)" };

        var request = new Command("request", "Sends one request and prints the reply.")
        {
            host, port, data, stopPattern, timeout, config,
        };
        request.Validators.Add(r =>
        {
            if (r.GetResult(port) is null && r.GetValue(host) is { } h && !h.StartsWith('/') && !h.StartsWith('.'))
                r.AddError("--port is required (unless --host is a unix socket path)");
        });
        request.SetAction(async (result, _) =>
        {
            var options = new RequestOptions(result.GetRequiredValue(host), result.GetValue(port) ?? 0,
                CEscapes.Unescape(result.GetValue(data) ?? ""), CEscapes.Unescape(result.GetValue(stopPattern) ?? ""),
                result.GetValue(timeout), result.GetValue(config));
            if (await LoadConfigurationAsync("actortcp request", options.ConfigFile, [], stderr) is not { } overrides)
                return BadArguments;
            return await RequestCommand.RunAsync(options, overrides, stdout, stderr);
        });
        return request;
    }

    /// <summary>The checked overrides of <paramref name="file"/>, or null after printing why they are refused.</summary>
    private static async Task<Config?> LoadConfigurationAsync(string command, string? file, IReadOnlyList<string> nameServers,
        TextWriter stderr)
    {
        try
        {
            var warnings = new List<string>();
            var overrides = CliConfiguration.Load(file, nameServers, warnings.Add);
            foreach (var warning in warnings) await stderr.WriteLineAsync($"{command}: warning: configuration: {warning}");
            return overrides;
        }
        catch (CliConfigurationException e)
        {
            await stderr.WriteLineAsync($"{command}: configuration: {e.Message}");
            return null;
        }
    }

    /// <summary>Prints <see cref="Version"/>.</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return 0;
        }
    }
}
