using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorTcp.Tests.Support;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// A real Redis for tests: Debian's <c>redis-server</c> in the foreground on 127.0.0.1 with a free port, no
/// persistence (<c>--save '' --appendonly no</c>), killed on <see cref="Dispose"/>. A missing binary is an error, not a
/// skip: .ci/run installs the package.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private const int PortAttempts = 5;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <summary>Starts redis-server and waits (bounded) until it answers PING.</summary>
    public RedisServer()
    {
        var binary = FindBinary() ?? throw new InvalidOperationException(
            "redis-server not found on PATH or in /usr/bin: the Redis example test needs a real Redis. " +
            "Install it with 'apt-get install -y redis-server' (.ci/run does).");

        var failures = new StringBuilder();
        for (var attempt = 0; attempt < PortAttempts; attempt++)
        {
            var port = FreePort();
            var process = Launch(binary, port);
            if (WaitUntilAnswering(process, port, out var why))
            {
                _process = process;
                Port = port;
                return;
            }
            ServerProcess.Kill(process);
            failures.AppendLine($"port {port}: {why}");
        }
        throw new InvalidOperationException($"redis-server did not start:\n{failures}redis-server said:\n{Output}");
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>What redis-server printed so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Sends one inline command and returns the first reply line (bounded to 5 s), for checks from the test.</summary>
    public static async Task<string> CommandAsync(int port, string inline)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, limit.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(inline + "\r\n"), limit.Token);
        var reply = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var n = await stream.ReadAsync(buffer, limit.Token);
            if (n == 0) break;
            reply.AddRange(buffer.AsSpan(0, n));
            // A bulk reply is "$N\r\n<data>\r\n" with N in bytes; anything else is one line.
            var bytes = reply.ToArray();
            var first = bytes.AsSpan().IndexOf("\r\n"u8);
            if (bytes[0] == (byte)'$' && first > 0)
            {
                var length = int.Parse(Encoding.ASCII.GetString(bytes, 1, first - 1), System.Globalization.CultureInfo.InvariantCulture);
                if (length < 0) return "(nil)";
                if (bytes.Length >= first + 2 + length + 2) return Encoding.UTF8.GetString(bytes, first + 2, length);
            }
            else if (bytes.AsSpan().EndsWith("\r\n"u8)) return Encoding.UTF8.GetString(bytes).TrimEnd('\r', '\n');
            if (reply.Count > 1 << 20) throw new InvalidOperationException("reply too long");
        }
        throw new EndOfStreamException("redis closed the connection without a full reply");
    }

    /// <inheritdoc/>
    public void Dispose() => ServerProcess.Kill(_process);

    private static string? FindBinary()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/sbin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private Process Launch(string binary, int port) =>
        ServerProcess.Start(binary,
        [
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no",
        ], _output);

    // Polls with a real PING: the process being up does not mean it listens yet.
    private static bool WaitUntilAnswering(Process process, int port, out string why)
    {
        var clock = Stopwatch.StartNew();
        why = $"no PONG within {StartTimeout}";
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                why = $"redis-server exited with code {process.ExitCode}";
                return false;
            }
            try
            {
                if (Ping(port)) return true;
                why = "no PONG";
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                why = e.Message;
            }
            Thread.Sleep(50);
        }
        return false;
    }

    private static bool Ping(int port)
    {
        using var client = new TcpClient { ReceiveTimeout = 500, SendTimeout = 500 };
        client.Connect(IPAddress.Loopback, port);
        var stream = client.GetStream();
        stream.Write("PING\r\n"u8);
        var buffer = new byte[64];
        var n = stream.Read(buffer);
        return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
