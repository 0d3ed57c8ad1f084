using System.Text;

namespace ActorTcp.Hosting;

/// <summary>The <c>actortcp</c> command line: parses arguments and runs one command.</summary>
public static class Cli
{
    /// <summary>The text of <c>actortcp --help</c>.</summary>
    public const string Usage = """
        actortcp: rspamd_tcp on Akka.NET

        Usage:
          actortcp run [--config FILE] SCRIPT.lua [ARGS...]
              Runs a Lua plugin script with rspamd_tcp and rspamd_text available, until the script and every
              connection it opened are done. The global `arg` holds ARGS. Exit 0, or 1 on a Lua error (message
              and traceback on stderr).
          actortcp request --host HOST --port PORT [--data TEXT] [--stop-pattern TEXT] [--timeout SECONDS]
                           [--config FILE]
              Opens one connection, writes TEXT (C escapes \r \n \t \\ \0 \xHH are understood), reads one reply
              (up to and excluding the stop pattern, else one chunk of at most 8192 bytes) and prints it.
              Exit 0 on success, 1 when the connection reports an error (printed on stderr), 2 on bad arguments.
          actortcp --help

        Configuration: HOCON.conf beside the executable holds every setting with its default; --config FILE
        overrides any of them.
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
            string? config = null;
            var rest = args.Skip(1).ToList();
            if (rest.Count >= 2 && rest[0] == "--config")
            {
                config = rest[1];
                rest.RemoveRange(0, 2);
            }
            if (rest.Count == 0)
            {
                await stderr.WriteLineAsync("actortcp run: a script is required");
                return 2;
            }
            await using var stdoutStream = Console.OpenStandardOutput();
            return await RunCommand.RunAsync(rest[0], rest.Skip(1).ToArray(), config, stdoutStream, stderr);
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

    /// <summary>Decodes C-style escapes so binary requests can be typed on a command line.</summary>
    public static byte[] Unescape(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\' || i + 1 == text.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }
            var e = text[++i];
            switch (e)
            {
                case 'r': bytes.Add((byte)'\r'); break;
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case '0': bytes.Add(0); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case 'x' when i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b):
                    bytes.Add(b);
                    i += 2;
                    break;
                default:
                    bytes.Add((byte)'\\');
                    bytes.AddRange(Encoding.UTF8.GetBytes(e.ToString()));
                    break;
            }
        }
        return bytes.ToArray();
    }
}
