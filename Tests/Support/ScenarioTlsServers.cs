using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorTcp.TestKit;

namespace ActorTcp.Tests.Support;

/// <summary>
/// The TLS servers of the Lua scenarios (certificates from <see cref="TestPki"/>; the scenario harness trusts its CA):
/// <list type="table">
/// <item><term>tls_hello</term><description>rspamd's dummy_ssl.py: TLS with the <c>localhost</c>/127.0.0.1 certificate;
/// answers <c>hello\n</c> to every chunk it decrypts, until the client closes.</description></item>
/// <item><term>tls_self_signed</term><description>the same with a self-signed certificate (trusted by nobody).</description></item>
/// <item><term>tls_wrong_name</term><description>the same with a trusted certificate for <c>example.com</c> only.</description></item>
/// <item><term>starttls</term><description>sends <c>220 hello\r\n</c>; answers <c>got:X\r\n</c> to each plain line
/// <c>X\r\n</c> until <c>STARTTLS</c>, which it answers <c>220 go ahead\r\n</c>; then the TLS handshake (the
/// <c>localhost</c> certificate), <c>220 secure hello\r\n</c>, and <c>secure:X\r\n</c> for every line.</description></item>
/// <item><term>starttls_untrusted</term><description>the same, but with the self-signed certificate.</description></item>
/// <item><term>starttls_inject</term><description>like <c>starttls</c>, but sends <c>250 injected\r\n</c> right behind
/// the go-ahead in the same segment (a response injection).</description></item>
/// </list>
/// </summary>
public sealed partial class ScenarioServers
{
    private void AddTlsServers()
    {
        var pki = TestPki.Instance;
        Add("tls_hello", c => HelloPerChunkAsync(c, pki.Localhost));
        Add("tls_self_signed", c => HelloPerChunkAsync(c, pki.SelfSigned));
        Add("tls_wrong_name", c => HelloPerChunkAsync(c, pki.WrongName));
        Add("starttls", c => StartTlsAsync(c, pki.Localhost, inject: false));
        Add("starttls_untrusted", c => StartTlsAsync(c, pki.SelfSigned, inject: false));
        Add("starttls_inject", c => StartTlsAsync(c, pki.Localhost, inject: true));
    }

    private static async Task HelloPerChunkAsync(PeerConnection c, X509Certificate2 certificate)
    {
        await c.StartTlsAsync(certificate);
        while (true)
        {
            await c.ReadAnyAsync();
            await c.SendAsync("hello\n");
        }
    }

    private static async Task StartTlsAsync(PeerConnection c, X509Certificate2 certificate, bool inject)
    {
        await c.SendAsync("220 hello\r\n");
        while (true)
        {
            var line = Encoding.Latin1.GetString(await c.ReadUntilAsync("\r\n"));
            if (line != "STARTTLS")
            {
                await c.SendAsync("got:" + line + "\r\n");
                continue;
            }
            await c.SendAsync(inject ? "220 go ahead\r\n250 injected\r\n" : "220 go ahead\r\n");
            break;
        }
        await c.StartTlsAsync(certificate);
        await c.SendAsync("220 secure hello\r\n");
        while (true)
        {
            var line = Encoding.Latin1.GetString(await c.ReadUntilAsync("\r\n"));
            await c.SendAsync("secure:" + line + "\r\n");
        }
    }
}
