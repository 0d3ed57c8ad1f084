using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorTcp.Tests.Support;

namespace ActorTcp.Benchmarks.Server;

/// <summary>
/// The TLS rows' peer (W8, W8N, W8S): <c>tls_echo_server.py</c> (Python asyncio over OpenSSL, one thread) on
/// 127.0.0.1, written out of the assembly into a temporary folder with an RSA 2048 self-signed certificate made for
/// this run (names <c>localhost</c> and 127.0.0.1), and killed when disposed.
/// </summary>
public sealed class TlsEchoServer : IDisposable
{
    private readonly string _folder;
    private readonly Process _process;

    private TlsEchoServer(string folder, Process process, int port)
    {
        (_folder, _process) = (folder, process);
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// Starts the server; with <paramref name="startTls"/> each connection begins in plaintext and takes the
    /// handshake after an SMTP-like <c>STARTTLS</c> exchange (W8S).
    /// </summary>
    public static async Task<TlsEchoServer> StartAsync(bool startTls, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("actortcp-bench-tls-").FullName;
        var output = new StringBuilder();
        Process? process = null;
        try
        {
            var (cert, key) = (Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"));
            WriteCertificate(cert, key);
            var script = Path.Combine(folder, "tls_echo_server.py");
            await using (var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("tls_echo_server.py")
                                        ?? throw new InvalidOperationException("tls_echo_server.py is not embedded"))
            await using (var file = File.Create(script))
                await resource.CopyToAsync(file, cancellationToken).ConfigureAwait(false);

            process = ServerProcess.Start("python3", startTls ? [script, cert, key, "--starttls"] : [script, cert, key], output);
            var waited = Stopwatch.StartNew();
            int? port;
            while ((port = Listening(output)) is null)
            {
                if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(10))
                    throw new InvalidOperationException($"the TLS echo server did not start: {Text(output)}");
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
            return new TlsEchoServer(folder, process, port.Value);
        }
        catch
        {
            if (process is not null) ServerProcess.Kill(process);
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Kills the server and removes its folder.</summary>
    public void Dispose()
    {
        ServerProcess.Kill(_process);
        Directory.Delete(_folder, recursive: true);
    }

    private static int? Listening(StringBuilder output)
    {
        var text = Text(output);
        var at = text.IndexOf("listening ", StringComparison.Ordinal);
        if (at < 0) return null;
        var end = text.IndexOf('\n', at);
        return end < 0 ? null : int.Parse(text.AsSpan(at + 10, end - at - 10), CultureInfo.InvariantCulture);
    }

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString();
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
