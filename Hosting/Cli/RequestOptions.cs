using System.Globalization;

namespace ActorTcp.Hosting.Cli;

/// <summary>Arguments of <c>actortcp request</c>.</summary>
public sealed record RequestOptions(string Host, int Port, byte[] Data, byte[] StopPattern, double? Timeout, string? ConfigFile)
{
    /// <summary>Parses the arguments after <c>request</c>; on failure <paramref name="error"/> names the bad argument.</summary>
    public static bool TryParse(ReadOnlySpan<string> args, out RequestOptions options, out string error)
    {
        string? host = null, config = null;
        int? port = null;
        double? timeout = null;
        byte[] data = [], pattern = [];
        options = null!;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value";
                return false;
            }
            var value = args[++i];
            switch (name)
            {
                case "--host": host = value; break;
                case "--data": data = CEscapes.Unescape(value); break;
                case "--stop-pattern": pattern = CEscapes.Unescape(value); break;
                case "--config": config = value; break;
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                    {
                        error = $"--port: '{value}' is not a port (1..65535)";
                        return false;
                    }
                    port = p;
                    break;
                case "--timeout":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var t))
                    {
                        error = $"--timeout: '{value}' is not a number of seconds";
                        return false;
                    }
                    timeout = t;
                    break;
                default:
                    error = $"unknown option '{name}'";
                    return false;
            }
        }

        if (host is null)
        {
            error = "--host is required";
            return false;
        }
        if (port is null && !host.StartsWith('/') && !host.StartsWith('.'))
        {
            error = "--port is required";
            return false;
        }

        options = new RequestOptions(host, port ?? 0, data, pattern, timeout, config);
        error = "";
        return true;
    }
}
