using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorTcp.Tests.Support;

/// <summary>
/// A real scanner daemon for the scanner tests (clamd, spamd): run offline from a temporary directory on a free
/// 127.0.0.1 port, ready once it answers its own ping, killed and its directory removed on <see cref="Dispose"/>.
/// </summary>
internal abstract class ScannerDaemon : IDisposable
{
    private static readonly TimeSpan StartWithin = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private readonly Process _process;

    /// <summary>Prepares <see cref="Directory"/> with <paramref name="prepare"/>, starts the daemon and waits for its pong.</summary>
    protected ScannerDaemon(string binary, Func<string, int, IEnumerable<string>> prepare, byte[] ping, string pong)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("actortcp-scanner-").FullName;
        // Readable by the user a daemon started as root drops to (spamd: nobody).
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Port = FreePort();
        _process = ServerProcess.Start(binary, prepare(Directory, Port), _output);
        var clock = Stopwatch.StartNew();
        while (!Answers(ping, pong))
        {
            if (_process.HasExited || clock.Elapsed > StartWithin)
            {
                Dispose();
                throw new InvalidOperationException($"{binary} did not answer on 127.0.0.1:{Port} within {StartWithin.TotalSeconds} s:\n{Output}");
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>The daemon's temporary directory (configuration, database, logs).</summary>
    public string Directory { get; }

    /// <summary>The TCP port it listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as a scanner rule's <c>servers</c>.</summary>
    public string Servers => $"127.0.0.1:{Port}";

    /// <summary>What it printed so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ServerProcess.Kill(_process);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temporary directory is left behind, nothing else.
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>A port free on 127.0.0.1 a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One exchange with a 2 s bound: sends <paramref name="request"/>, reads to the end, returns it as Latin-1.</summary>
    public string Exchange(byte[] request)
    {
        using var client = new TcpClient { ReceiveTimeout = 2000, SendTimeout = 2000 };
        client.Connect(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        stream.Write(request);
        client.Client.Shutdown(SocketShutdown.Send);
        using var reply = new MemoryStream();
        stream.CopyTo(reply);
        return Encoding.Latin1.GetString(reply.ToArray());
    }

    private bool Answers(byte[] ping, string pong)
    {
        try
        {
            return Exchange(ping).Contains(pong, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }
}

/// <summary>
/// clamd (Debian clamav-daemon) offline: a database of one signature, EICAR's (<see cref="SignatureName"/>), no
/// freshclam, at most <see cref="StreamMaxLength"/> per INSTREAM.
/// </summary>
internal sealed class ClamdServer() : ScannerDaemon(Installed.Clamd, Prepare, "zPING\0"u8.ToArray(), "PONG")
{
    /// <summary>What clamd reports for EICAR: the signature's name and the suffix of an unsigned database.</summary>
    public const string SignatureName = "Eicar-Test-Signature.UNOFFICIAL";

    /// <summary>The most bytes clamd takes in one INSTREAM (its StreamMaxLength here).</summary>
    public const long StreamMaxLength = 25L << 20;

    /// <summary>The 68-byte EICAR test file.</summary>
    public static readonly byte[] Eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"u8.ToArray();

    private static IEnumerable<string> Prepare(string dir, int port)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(dir, "db"));
        System.IO.Directory.CreateDirectory(Path.Combine(dir, "tmp"));
        // An ndb body signature: the EICAR bytes in hex, anywhere in any file type.
        File.WriteAllText(Path.Combine(dir, "db", "eicar.ndb"), $"Eicar-Test-Signature:0:*:{Convert.ToHexStringLower(Eicar)}\n");
        var conf = Path.Combine(dir, "clamd.conf");
        File.WriteAllText(conf, $"""
            Foreground yes
            LogFile {dir}/clamd.log
            PidFile {dir}/clamd.pid
            DatabaseDirectory {dir}/db
            TemporaryDirectory {dir}/tmp
            TCPSocket {port}
            TCPAddr 127.0.0.1
            StreamMaxLength {StreamMaxLength / (1 << 20)}M
            MaxThreads 2
            SelfCheck 0
            {(Environment.UserName == "root" ? "User root" : "")}
            """);
        return ["-c", conf];
    }
}

/// <summary>SpamAssassin's spamd (Debian spamd, with the spamassassin package's rules) offline: no network tests.</summary>
internal sealed class SpamdServer() : ScannerDaemon(Installed.Spamd, Prepare, "PING SPAMC/1.5\r\n\r\n"u8.ToArray(), "PONG")
{
    private static IEnumerable<string> Prepare(string dir, int port) =>
    [
        $"--listen=127.0.0.1:{port}", "--allowed-ips=127.0.0.1", "--max-children=1", "--min-children=1", "--local",
        "--nouser-config", $"--pidfile={dir}/spamd.pid", "--syslog=stderr",
        .. Environment.UserName == "root" ? (string[])["--username=nobody"] : [],
    ];
}
