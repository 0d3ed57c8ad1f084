namespace ActorTcp.Hosting.Cli;

/// <summary>The <c>actortcp</c> command line: parses arguments and runs one command.</summary>
public static class CommandLine
{
    /// <summary>The text of <c>actortcp --help</c>.</summary>
    public const string Usage = """
        actortcp: rspamd_tcp on Akka.NET

        Usage:
          actortcp run [--config FILE] [--nameserver HOST[:PORT]]... [--timeout SECONDS] [--fixtures] [--verbose]
               SCRIPT.lua [ARGS...]
              Runs a Lua plugin script with rspamd_tcp, lua_tcp_sync and rspamd_text, as rspamadm lua does. The body
              runs in a host coroutine (connect_sync works in it); the global `arg` holds ARGS (arg[1], arg[2]...;
              arg[0] is SCRIPT), and so does the chunk's `...`. actortcp keeps running until the body returned and no
              request, sync connection or callback is pending, then exits 0. A Lua error in the body: its message and
              traceback on stderr, exit 1. `print` writes to stdout, one flushed line at a time, in order; logs go to
              stderr (info and above; callback errors are logged, as rspamd does).
              Options (before SCRIPT; what follows SCRIPT goes to the script):
                --config FILE             HOCON that overrides any key of the defaults (HOCON.conf)
                --nameserver HOST[:PORT]  a DNS server to use instead of actortcp.dns.nameservers (the system's by
                                          default). HOST is an IPv4 or IPv6 address; PORT defaults to 53; an IPv6
                                          address with a port is written [::1]:5353. Repeatable: servers in order.
                --timeout SECONDS         a deadline for the script's session (default: none). When it passes,
                                          the session is destroyed as rspamd destroys a task's: its connections
                                          are aborted without calling their callbacks; exit 124.
                --fixtures                first start loopback servers on 127.0.0.1 with ephemeral ports, and give
                                          their ports to Lua in the global table `fixtures` (fixtures.host is
                                          '127.0.0.1'):
                                            echo       sends back every byte it reads
                                            smtp       SMTP-like dialogue: 220 banner, EHLO (multi-line 250),
                                                       HELO, MAIL FROM:, RCPT TO:, DATA (to a line "."), RSET,
                                                       NOOP, QUIT (221, then it closes)
                                            drip       sends "tick 1\r\n" .. "tick 5\r\n", 4 bytes every 100 ms,
                                                       then closes
                                            close_now  closes each connection at once (FIN)
                                            refused    a port where connections are refused
                --verbose, -v             debug logs on stderr (Akka's included)
                --                        ends the options
          actortcp request --host HOST --port PORT [--data TEXT] [--stop-pattern TEXT] [--timeout SECONDS]
                           [--config FILE]
              Opens one connection, writes TEXT (C escapes \r \n \t \\ \0 \xHH are understood), reads one reply
              (up to and excluding the stop pattern, else one chunk of at most 8192 bytes) and prints it.
              Exit 0 on success, 1 when the connection reports an error (printed on stderr), 2 on bad arguments.
          actortcp --help

        Exit codes of run: 0 done; 1 Lua error in the script body; 2 bad arguments, unreadable script or bad
        configuration; 124 the --timeout deadline passed; 130 interrupted (SIGINT/SIGTERM).

        Configuration: every setting, with its default and a comment, is in HOCON.conf (repository root), which is
        built into actortcp; --config FILE overrides any key (for example actortcp.default-timeout = 2s).
        """;

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            await stdout.WriteLineAsync(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] == "run")
        {
            if (args.Length == 2 && args[1] is "--help" or "-h")
            {
                await stdout.WriteLineAsync(Usage);
                return 0;
            }
            if (!RunOptions.TryParse(args.AsSpan(1), out var run, out var runError))
            {
                await stderr.WriteLineAsync($"actortcp run: {runError} (see actortcp --help)");
                return RunCommand.BadArguments;
            }
            await using var stdoutStream = Console.OpenStandardOutput();
            // Stdout belongs to the script's print: anything else written to Console.Out (Akka prints
            // "Shutting down: StandardOutLogger started" there whatever stdout-loglevel says) goes to stderr.
            Console.SetOut(Console.Error);
            return await RunCommand.RunAsync(run, stdoutStream, stderr);
        }

        if (args[0] == "request")
        {
            if (!RequestOptions.TryParse(args.AsSpan(1), out var options, out var error))
            {
                await stderr.WriteLineAsync($"actortcp request: {error}");
                return 2;
            }
            return await RequestCommand.RunAsync(options, stdout, stderr);
        }

        await stderr.WriteLineAsync($"actortcp: unknown command '{args[0]}' (see actortcp --help)");
        return 2;
    }
}
