using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;
using ActorTcp.Tests.Support;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W8: a new TLS connection per request (connect, handshake without verification, write 10 bytes, read the echoed line,
/// close), 50 in flight, against a Python asyncio TLS echo server the benchmark starts on 127.0.0.1 with a certificate
/// it makes (RSA 2048, self-signed). ActorTcp: <c>rspamd_tcp.request{ssl = true, ssl_noverify = true}</c>; raw: a
/// <see cref="SslStream"/> over a socket, accepting any certificate. W8 connects to the IP literal (every handshake a
/// full one: .NET keeps TLS sessions by server name only); W8N names the server <c>localhost</c>, so both sides resume
/// the session of an earlier connection (<c>actortcp.tls.session-resumption</c>, on by default).
/// </summary>
public sealed class W8TlsConnections(double scale, bool named = false) : Workload
{
    private const int InFlight = 50;
    private const int MessageBytes = 10;
    private readonly int _n = Scaled(2_000, scale);
    private string? _folder;
    private Process? _server;
    private readonly StringBuilder _serverOutput = new();
    private IPEndPoint? _endPoint;

    public override string Id => named ? "W8N" : "W8";
    public override string Title => named
        ? $"W8N: W8 to the server name localhost (TLS sessions resumed)"
        : $"W8: {_n} requests, {InFlight} in flight, a new TLS connection each ({MessageBytes}-byte line echoed)";

    /// <summary>What both sides call the server: a name resumes sessions, an IP literal does not.</summary>
    private string ServerName(BenchContext context) => named ? "localhost" : context.Host;
    public override IReadOnlyList<Metric> Metrics => [Throughput("requests/s", 0.95)];

    public override async Task SetUpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        _folder = Directory.CreateTempSubdirectory("actortcp-bench-tls-").FullName;
        var (cert, key) = (Path.Combine(_folder, "cert.pem"), Path.Combine(_folder, "key.pem"));
        WriteCertificate(cert, key);
        var script = Path.Combine(_folder, "tls_echo_server.py");
        await using (var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("tls_echo_server.py")
                                    ?? throw new InvalidOperationException("tls_echo_server.py is not embedded"))
        await using (var file = File.Create(script))
            await resource.CopyToAsync(file, cancellationToken).ConfigureAwait(false);

        _server = ServerProcess.Start("python3", [script, cert, key], _serverOutput);
        var waited = Stopwatch.StartNew();
        int? port;
        while ((port = Listening()) is null)
        {
            if (_server.HasExited || waited.Elapsed > TimeSpan.FromSeconds(10))
                throw new InvalidOperationException($"the TLS echo server did not start: {Output()}");
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        _endPoint = new IPEndPoint(IPAddress.Loopback, port.Value);
    }

    public override ValueTask TearDownAsync()
    {
        if (_server is { } server) ServerProcess.Kill(server);
        if (_folder is { } folder) Directory.Delete(folder, recursive: true);
        (_server, _folder) = (null, null);
        return ValueTask.CompletedTask;
    }

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var endPoint = _endPoint ?? throw new InvalidOperationException("W8 is not set up");
        context.Lua.Output.Clear();
        await context.Lua.RunAsync("w1_request.lua", [ServerName(context), W1NewConnections.Text(endPoint.Port), W1NewConnections.Text(_n),
            W1NewConnections.Text(InFlight), W1NewConnections.Text(MessageBytes), "tls"], cancellationToken).ConfigureAwait(false);
        ScriptResult.Sum(context.Lua.Output.Lines()).EnsureAllOk(_n);
        return new Outcome(_n);
    }

    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var endPoint = _endPoint ?? throw new InvalidOperationException("W8 is not set up");
        var message = RawSocket.Message(MessageBytes);
        var started = 0;
        async Task Worker()
        {
            var buffer = new byte[MessageBytes * 2];
            while (Interlocked.Increment(ref started) <= _n)
            {
                using var socket = await RawSocket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
                await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = ServerName(context),
                    RemoteCertificateValidationCallback = static (_, _, _, _) => true,
                }, cancellationToken).ConfigureAwait(false);
                await tls.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                await ReadLineAsync(tls, buffer, cancellationToken).ConfigureAwait(false);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(InFlight, _n)).Select(_ => Worker())).ConfigureAwait(false);
        return new Outcome(_n);
    }

    private static async Task ReadLineAsync(SslStream tls, byte[] buffer, CancellationToken cancellationToken)
    {
        var got = 0;
        while (got == 0 || buffer[got - 1] != (byte)'\n')
        {
            var n = await tls.ReadAsync(buffer.AsMemory(got), cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new InvalidOperationException("the TLS echo server closed before the line");
            got += n;
        }
        if (got != MessageBytes) throw new InvalidOperationException($"echoed {got} bytes, sent {MessageBytes}");
    }

    private int? Listening()
    {
        var output = Output();
        var at = output.IndexOf("listening ", StringComparison.Ordinal);
        if (at < 0) return null;
        var end = output.IndexOf('\n', at);
        return end < 0 ? null : int.Parse(output.AsSpan(at + 10, end - at - 10), System.Globalization.CultureInfo.InvariantCulture);
    }

    private string Output()
    {
        lock (_serverOutput) return _serverOutput.ToString();
    }

    private static void WriteCertificate(string certPath, string keyPath)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
    }
}
