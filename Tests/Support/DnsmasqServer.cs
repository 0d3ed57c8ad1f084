using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsClient;

namespace ActorTcp.Tests.Support;

/// <summary>
/// A real DNS server for tests: dnsmasq (Debian package dnsmasq-base) in the foreground on 127.0.0.1 with a free port,
/// serving fixed test zones and nothing else (no upstream, no /etc/hosts, no config file). Use it as an xunit class
/// fixture; it is killed on <see cref="Dispose"/>. A missing binary is an error, not a skip: CI installs the package.
/// </summary>
/// <remarks>
/// What dnsmasq 2.90 answers with this configuration (checked by hand):
/// names under <c>fixture.test</c> and <c>invalid</c> are local, so a name without the asked type is NOERROR with no
/// answer and an unknown name is NXDOMAIN; a name outside every zone is REFUSED, because there is no upstream.
/// </remarks>
public sealed class DnsmasqServer : IDisposable
{
    /// <summary>Where Debian's dnsmasq-base installs the binary.</summary>
    public const string Binary = "/usr/sbin/dnsmasq";

    /// <summary>A record 127.0.0.1 only (AAAA: NOERROR, no data).</summary>
    public const string ARecordName = "a.fixture.test";

    /// <summary>A record 127.0.0.1 and AAAA record ::1.</summary>
    public const string DualName = "dual.fixture.test";

    /// <summary>AAAA record ::1 only (A: NOERROR, no data).</summary>
    public const string V6OnlyName = "v6only.fixture.test";

    /// <summary>CNAME to <see cref="DualName"/>.</summary>
    public const string AliasName = "alias.fixture.test";

    /// <summary>A TXT record only: NOERROR without data for both A and AAAA.</summary>
    public const string NoAddressName = "txtonly.fixture.test";

    /// <summary>
    /// SRV record (priority <see cref="ServicePriority"/>, weight <see cref="ServiceWeight"/>) pointing at
    /// <see cref="ServiceTargetName"/>:<see cref="ServicePort"/>; A and AAAA: NOERROR, no data.
    /// </summary>
    public const string ServiceName = "_smtp._tcp.fixture.test";

    /// <summary>The target of <see cref="ServiceName"/>: <see cref="ARecordName"/>, so it resolves to 127.0.0.1.</summary>
    public const string ServiceTargetName = ARecordName;

    /// <summary>The port of <see cref="ServiceName"/>.</summary>
    public const int ServicePort = 2525;

    /// <summary>The priority of <see cref="ServiceName"/>.</summary>
    public const int ServicePriority = 10;

    /// <summary>The weight of <see cref="ServiceName"/>.</summary>
    public const int ServiceWeight = 5;

    /// <summary>SRV record without a target, which dnsmasq answers with target <c>.</c> (service not available).</summary>
    public const string UnavailableServiceName = "_imap._tcp.fixture.test";

    /// <summary>Unknown name in a local zone: NXDOMAIN.</summary>
    public const string MissingName = "missing.fixture.test";

    /// <summary>Under <c>--local=/invalid/</c>: NXDOMAIN.</summary>
    public const string InvalidName = "nope.invalid";

    /// <summary>Outside every zone and no upstream: REFUSED.</summary>
    public const string RefusedName = "name.unconfigured.test";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(5);
    private const int PortAttempts = 8;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <summary>Starts dnsmasq and waits (at most about 5 s per port tried) until it answers.</summary>
    public DnsmasqServer()
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException(
                $"{Binary} not found: the DNS tests need a real dnsmasq. Install it with 'apt-get install -y dnsmasq-base'.");

        var failures = new StringBuilder();
        for (var attempt = 0; attempt < PortAttempts; attempt++)
        {
            var port = PickCandidatePort();
            var process = Launch(port);
            if (WaitUntilAnswering(process, port, out var why))
            {
                _process = process;
                EndPoint = new IPEndPoint(IPAddress.Loopback, port);
                return;
            }
            ServerProcess.Kill(process);
            failures.AppendLine($"port {port}: {why}");
        }
        throw new InvalidOperationException(
            $"dnsmasq did not start after {PortAttempts} ports:{Environment.NewLine}{failures}dnsmasq said:{Environment.NewLine}{Output}");
    }

    /// <summary>Where dnsmasq listens (UDP and TCP).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The command line used (one argument per element), for reports and failure messages.</summary>
    public IReadOnlyList<string> Arguments { get; private set; } = [];

    /// <summary>What dnsmasq printed so far (it logs every query to stderr).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <inheritdoc />
    public void Dispose() => ServerProcess.Kill(_process);

    private static IReadOnlyList<string> BuildArguments(int port) =>
    [
        "--keep-in-foreground",
        "--no-resolv",
        "--no-hosts",
        "--conf-file=/dev/null",
        "--bind-interfaces",
        "--listen-address=127.0.0.1",
        $"--port={port}",
        // Stay root instead of switching to the dnsmasq/nobody user (ignored when not started as root).
        "--user=root",
        "--pid-file=",
        "--log-facility=-",
        "--log-queries",
        "--local=/fixture.test/",
        $"--host-record={ARecordName},127.0.0.1",
        $"--host-record={DualName},127.0.0.1,::1",
        $"--host-record={V6OnlyName},::1",
        $"--cname={AliasName},{DualName}",
        $"--txt-record={NoAddressName},hello",
        $"--srv-host={ServiceName},{ServiceTargetName},{ServicePort},{ServicePriority},{ServiceWeight}",
        $"--srv-host={UnavailableServiceName}",
        "--local=/invalid/",
    ];

    private Process Launch(int port)
    {
        Arguments = BuildArguments(port);
        return ServerProcess.Start(Binary, Arguments, _output);
    }

    // Polls with a real query: the process being up does not mean its sockets are bound.
    private static bool WaitUntilAnswering(Process process, int port, out string why)
    {
        var options = new LookupClientOptions(new IPEndPoint(IPAddress.Loopback, port))
        {
            Timeout = TimeSpan.FromMilliseconds(200),
            Retries = 0,
            UseCache = false,
            ThrowDnsErrors = false,
        };
        var client = new LookupClient(options);
        var deadline = Stopwatch.StartNew();
        why = "no answer within " + StartTimeout;
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                why = $"dnsmasq exited with code {process.ExitCode}";
                return false;
            }
            try
            {
                var response = client.Query(ARecordName, QueryType.A);
                if (!response.HasError && response.Answers.ARecords().Any()) return true;
                why = "answered " + response.Header.ResponseCode;
            }
            catch (DnsResponseException e)
            {
                why = e.Message;
            }
            Thread.Sleep(50);
        }
        return false;
    }

    // A random high port free for both UDP and TCP right now; dnsmasq may still lose a race for it, hence the retries.
    private static int PickCandidatePort()
    {
        for (var i = 0; i < 100; i++)
        {
            var port = Random.Shared.Next(20_000, 60_000);
            if (IsFree(port, SocketType.Dgram, ProtocolType.Udp) && IsFree(port, SocketType.Stream, ProtocolType.Tcp))
                return port;
        }
        throw new InvalidOperationException("no free port for dnsmasq on 127.0.0.1");
    }

    private static bool IsFree(int port, SocketType type, ProtocolType protocol)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, protocol);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
