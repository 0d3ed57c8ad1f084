using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ActorTcp.Actors.Connection;

namespace ActorTcp.Actors.Transport;

/// <summary>
/// Verifies a server certificate as rspamd does (ssl_util.c): first the chain, then the name. The chain must end at a
/// root of the system store (SslStream's own build) or, failing that, of the configured CA certificates. The name is
/// the request's host: a DNS name matches a DNS SAN (wildcards allowed; the CN only when there is no DNS SAN), an IP
/// literal matches an IP SAN exactly. Records why it refused, for the error text (<see cref="Rejection"/>).
/// </summary>
internal sealed class TlsCertificateValidator(string host, bool noVerify, X509Certificate2Collection extraRoots)
{
    private volatile string? _rejection;

    /// <summary>The error text of the last refusal, or null.</summary>
    public string? Rejection => _rejection;

    /// <summary>The <see cref="RemoteCertificateValidationCallback"/>; runs on the handshake's thread.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (noVerify) return true;
        _rejection = Check(certificate, chain, errors);
        return _rejection is null;
    }

    private string? Check(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0) return TcpErrors.SslPeerCertificateAbsent;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());

        // Name mismatches reported by SslStream are ignored: the name check below is ours (IP SANs, no SNI for IPs).
        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 && !ChainsToExtraRoot(leaf, chain))
            return TcpErrors.SslCertificateVerifyFailed(ChainProblem(chain));

        return MatchesHost(leaf, host) ? null : TcpErrors.SslHostnameMismatch(host);
    }

    /// <summary>Builds the chain again with the configured CA certificates as the only roots.</summary>
    private bool ChainsToExtraRoot(X509Certificate2 leaf, X509Chain? systemChain)
    {
        if (extraRoots.Count == 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(extraRoots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        // The intermediates the server sent.
        if (systemChain is not null) chain.ChainPolicy.ExtraStore.AddRange(systemChain.ChainPolicy.ExtraStore);
        return chain.Build(leaf);
    }

    /// <summary>The first chain problem, in OpenSSL's words where .NET has them (e.g. "unable to get local issuer certificate").</summary>
    private static string ChainProblem(X509Chain? chain)
    {
        if (chain is null) return "no certificate chain";
        foreach (var status in chain.ChainStatus)
        {
            if (status.Status == X509ChainStatusFlags.NoError) continue;
            var text = status.StatusInformation.Trim().TrimEnd('.');
            return text.Length > 0 ? text : status.Status.ToString();
        }
        return "untrusted certificate chain";
    }

    /// <summary>Whether <paramref name="leaf"/> is issued to <paramref name="host"/> (a DNS name or an IP literal).</summary>
    public static bool MatchesHost(X509Certificate2 leaf, string host)
    {
        if (!IPAddress.TryParse(host, out var ip)) return leaf.MatchesHostname(host, allowWildcards: true, allowCommonName: true);

        ip = Normalize(ip);
        foreach (var extension in leaf.Extensions)
        {
            if (extension.Oid?.Value != "2.5.29.17") continue;
            var san = extension as X509SubjectAlternativeNameExtension ?? new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
            foreach (var address in san.EnumerateIPAddresses())
                if (Normalize(address).Equals(ip)) return true;
        }
        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
