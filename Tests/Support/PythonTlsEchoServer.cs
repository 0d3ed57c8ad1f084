using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorTcp.Tests.Support;

/// <summary>
/// The benchmark's TLS echo server (Benchmarks/Server/tls_echo_server.py: Python's asyncio over OpenSSL, a server .NET
/// did not write) on 127.0.0.1 with a certificate given, reporting for each connection whether its handshake
/// resumed an earlier session. Started by the test, killed when disposed.
/// </summary>
internal sealed class PythonTlsEchoServer : IDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly string _folder;
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public PythonTlsEchoServer(X509Certificate2 certificate)
    {
        _folder = Directory.CreateTempSubdirectory("actortcp-tls-echo-").FullName;
        var (cert, key) = (Path.Combine(_folder, "cert.pem"), Path.Combine(_folder, "key.pem"));
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, (certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("an ECDSA key is needed")).ExportPkcs8PrivateKeyPem());
        var script = Path.Combine(AppContext.BaseDirectory, "Support", "tls_echo_server.py");
        _process = ServerProcess.Start(Python, [script, cert, key, "--report"], _output);
        var waited = Stopwatch.StartNew();
        string? listening;
        while ((listening = Lines().FirstOrDefault(l => l.StartsWith("listening ", StringComparison.Ordinal))) is null)
        {
            if (_process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                Dispose();
                throw new InvalidOperationException($"tls_echo_server.py did not start: {string.Join('\n', Lines())}");
            }
            Thread.Sleep(20);
        }
        Port = int.Parse(listening["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public int Port { get; }

    /// <summary>For each connection so far, in order, whether its handshake resumed an earlier session.</summary>
    public IReadOnlyList<bool> Resumed =>
        Lines().Where(l => l.StartsWith("resumed ", StringComparison.Ordinal)).Select(l => l.EndsWith("True", StringComparison.Ordinal)).ToArray();

    public void Dispose()
    {
        ServerProcess.Kill(_process);
        Directory.Delete(_folder, recursive: true);
    }

    private string[] Lines()
    {
        lock (_output) return _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
