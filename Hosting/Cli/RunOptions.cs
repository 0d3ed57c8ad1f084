using ActorTcp.Actors;
using Akka.Configuration;

namespace ActorTcp.Hosting.Cli;

/// <summary>
/// Arguments of <c>actortcp run</c>: options, then the script, then the script's arguments (taken verbatim, so a
/// script can be given <c>--anything</c>).
/// </summary>
public sealed record RunOptions(string Script, IReadOnlyList<string> Args, string? ConfigFile,
    IReadOnlyList<string> NameServers, bool Fixtures, bool Verbose, TimeSpan? Timeout = null)
{
    /// <summary>Parses the arguments after <c>run</c>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(ReadOnlySpan<string> args, out RunOptions options, out string error)
    {
        string? config = null;
        var nameServers = new List<string>();
        bool fixtures = false, verbose = false;
        TimeSpan? timeout = null;
        options = null!;
        var i = 0;
        for (; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--")
            {
                i++;
                break;
            }
            if (!name.StartsWith('-') || name == "-") break;
            switch (name)
            {
                case "--fixtures":
                    fixtures = true;
                    continue;
                case "--verbose" or "-v":
                    verbose = true;
                    continue;
                case "--config" or "--nameserver" or "--timeout" when i + 1 >= args.Length:
                    error = $"{name} needs a value";
                    return false;
                case "--config":
                    config = args[++i];
                    continue;
                case "--timeout":
                    var seconds = args[++i];
                    if (!double.TryParse(seconds, System.Globalization.NumberStyles.Float,
                            System.Globalization.CultureInfo.InvariantCulture, out var value)
                        || !double.IsFinite(value) || value <= 0 || value > 1_000_000)
                    {
                        error = $"--timeout: '{seconds}' is not a number of seconds in (0, 1000000]";
                        return false;
                    }
                    timeout = TimeSpan.FromSeconds(value);
                    continue;
                case "--nameserver":
                    var server = args[++i];
                    try
                    {
                        ActorTcpSettings.ParseNameServer(server);
                    }
                    catch (ConfigurationException)
                    {
                        error = $"--nameserver: '{server}' is not an IP address, IP:PORT or [IPv6]:PORT";
                        return false;
                    }
                    nameServers.Add(server);
                    continue;
                default:
                    error = $"unknown option '{name}' (options go before the script)";
                    return false;
            }
        }

        if (i >= args.Length)
        {
            error = "a script is required";
            return false;
        }
        options = new RunOptions(args[i], args[(i + 1)..].ToArray(), config, nameServers, fixtures, verbose, timeout);
        error = "";
        return true;
    }
}
