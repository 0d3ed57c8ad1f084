using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorTcp.TestKit;

/// <summary>
/// Certificates generated once per test process with <see cref="CertificateRequest"/> (ECDSA P-256): a private CA,
/// server certificates it signed, and a self-signed one, for <see cref="ScriptedPeer"/>'s TLS steps. <see cref="CaFile"/>
/// holds the CA as PEM for <c>actortcp.tls.ca-file</c> (<see cref="TrustCaHocon"/>); it is deleted when the process
/// exits. Nothing touches the system trust store.
/// </summary>
public sealed class TestPki
{
    private static readonly Lazy<TestPki> s_instance = new(() => new TestPki());

    private TestPki()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=ActorTcp Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

        Localhost = Issue("CN=localhost", ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], Ca, now);
        WrongName = Issue("CN=example.com", ["example.com"], [], Ca, now);
        SelfSigned = Issue("CN=localhost", ["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], issuer: null, now);

        CaFile = Path.Combine(Path.GetTempPath(), $"actortcp-test-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(CaFile, Ca.ExportCertificatePem() + "\n");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(CaFile);
    }

    /// <summary>The shared instance (generated on first use).</summary>
    public static TestPki Instance => s_instance.Value;

    /// <summary>HOCON that trusts <see cref="Ca"/> (through <see cref="CaFile"/>).</summary>
    public static string TrustCaHocon => $"actortcp.tls.ca-file = \"{Instance.CaFile}\"";

    /// <summary>The private CA (with its key, which signs the others).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>Signed by <see cref="Ca"/> for DNS <c>localhost</c> and IPs 127.0.0.1 and ::1; with its key.</summary>
    public X509Certificate2 Localhost { get; }

    /// <summary>Signed by <see cref="Ca"/> for DNS <c>example.com</c> only; with its key.</summary>
    public X509Certificate2 WrongName { get; }

    /// <summary>Self-signed for <c>localhost</c>, 127.0.0.1 and ::1: trusted by nobody; with its key.</summary>
    public X509Certificate2 SelfSigned { get; }

    /// <summary>PEM file of <see cref="Ca"/>.</summary>
    public string CaFile { get; }

    /// <summary>
    /// A new certificate signed by <see cref="Ca"/> for the DNS names <paramref name="names"/>, with its key: for a test
    /// that needs a server name of its own (a TLS session cache is keyed by name, and tests run side by side).
    /// </summary>
    public X509Certificate2 IssueFor(params string[] names) => Issue($"CN={names[0]}", names, [], Ca, DateTimeOffset.UtcNow);

    private static X509Certificate2 Issue(string subject, string[] names, IPAddress[] addresses, X509Certificate2? issuer, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names) san.AddDnsName(name);
        foreach (var address in addresses) san.AddIpAddress(address);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        if (issuer is null) return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(90));

        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(IssuerKey(issuer)),
            now.AddDays(-1), now.AddDays(90), serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static ECDsa IssuerKey(X509Certificate2 issuer) =>
        issuer.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the CA has no private key");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
