using System.Diagnostics;
using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// Certificate verification (on by default) and handshake failures, with the test CA configured: the texts of
/// docs/lua-api.md#tls and #error-strings and where they go (on_error before the connection is established, else every handler).
/// </summary>
public sealed class TlsVerificationTests(ITestOutputHelper output) : ConnectionTestKit(output, TestPki.TrustCaHocon)
{
    private static TestPki Pki => TestPki.Instance;

    private ScriptedPeer TlsGreeter(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        StartPeer(async (c, _) =>
        {
            try
            {
                await c.StartTlsAsync(certificate);
                await c.SendAsync("hello\r\n");
                await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(3));
            }
            catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
            {
                // The client refused the certificate.
            }
        });

    private async Task<string> HandshakeErrorAsync(ConnectionRequest request, TimeSpan? wait = null)
    {
        var r1 = request.Handlers[^1].HandlerId;
        var conn = await OpenAsync(request);
        var failed = await ExpectTurnAsync<HandlerFailed>(conn, wait);
        Assert.Equal(r1, failed.HandlerId);
        Assert.True(failed.Fatal);
        Return(conn);
        await ExpectClosedAsync(conn);
        return failed.Error;
    }

    [Fact]
    public async Task Self_signed_certificate_fails_with_certificate_verify_failed()
    {
        var peer = TlsGreeter(Pki.SelfSigned);
        var error = await HandshakeErrorAsync(RequestTo(peer, ReadHandler(NextId(), "\r\n")) with { Tls = new TlsOptions() });

        Assert.StartsWith("ssl error: ssl connect error: certificate verify failed: ", error);
    }

    [Fact]
    public async Task Trusted_certificate_for_another_name_fails_hostname_verification_for_the_ip()
    {
        var peer = TlsGreeter(Pki.WrongName);
        var error = await HandshakeErrorAsync(RequestTo(peer, ReadHandler(NextId(), "\r\n")) with { Tls = new TlsOptions() });

        Assert.Equal("ssl error: peer certificate fails hostname verification for 127.0.0.1", error);
    }

    [Fact]
    public async Task Trusted_certificate_for_another_name_fails_hostname_verification_for_a_dns_name()
    {
        var peer = StartPeer(async (c, _) =>
        {
            try
            {
                await c.StartTlsAsync(Pki.WrongName);
                await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(3));
            }
            catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
            {
                // The client refused the certificate.
            }
        }, new ScriptedPeerOptions { BothLoopbacks = true });
        var error = await HandshakeErrorAsync(RequestTo("localhost", peer.Port, ReadHandler(NextId(), "\r\n")) with { Tls = new TlsOptions() });

        Assert.Equal(TcpErrors.SslHostnameMismatch("localhost"), error);
    }

    [Fact]
    public async Task No_verify_accepts_an_untrusted_certificate_and_a_wrong_name()
    {
        foreach (var certificate in new[] { Pki.SelfSigned, Pki.WrongName })
        {
            var peer = TlsGreeter(certificate);
            var r1 = NextId();
            var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { Tls = new TlsOptions(NoVerify: true) });

            await ExpectReadAsync(conn, r1, "hello");
            Return(conn);
            await ExpectClosedAsync(conn);
        }
    }

    [Fact]
    public async Task Plain_text_server_fails_the_handshake()
    {
        var peer = StartPeer(s => s.Send("220 hello\r\n").NeverAnswer());
        var error = await HandshakeErrorAsync(RequestTo(peer, ReadHandler(NextId(), "\r\n")) with { Tls = new TlsOptions() });

        Assert.StartsWith("ssl error: ssl connect error: handshake failed: ", error);
    }

    [Fact]
    public async Task Server_closing_during_the_handshake_fails_the_handshake()
    {
        // The first byte of the ClientHello's record, then the script's end: FIN.
        var peer = StartPeer(s => s.ExpectUntil("\u0016"));
        var error = await HandshakeErrorAsync(RequestTo(peer, ReadHandler(NextId(), "\r\n")) with { Tls = new TlsOptions() });

        Assert.StartsWith("ssl error: ssl connect error: ", error);
    }

    [Fact]
    public async Task Silent_server_times_out_the_handshake_with_ssl_connection_timed_out()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        var clock = Stopwatch.StartNew();
        var error = await HandshakeErrorAsync(RequestTo(peer, ReadHandler(NextId(), "\r\n")) with
        {
            Tls = new TlsOptions(),
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromMilliseconds(500)),
        });

        Assert.Equal(TcpErrors.SslTimedOut, error);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 3);
    }

    [Fact]
    public async Task Phased_connect_timeout_bounds_the_handshake()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        var clock = Stopwatch.StartNew();
        var error = await HandshakeErrorAsync(RequestTo(peer, ReadHandler(NextId(), "\r\n")) with
        {
            Tls = new TlsOptions(),
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(10), Connect: TimeSpan.FromMilliseconds(500),
                Read: TimeSpan.FromSeconds(10)),
        });

        Assert.Equal(TcpErrors.SslTimedOut, error);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 3);
    }

    [Fact]
    public async Task Handshake_failure_goes_only_to_on_error_because_the_connection_is_not_established()
    {
        var peer = TlsGreeter(Pki.WrongName);
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "x"), ReadHandler(NextId(), "\r\n")) with
        {
            Tls = new TlsOptions(),
            NotifyConnected = true,
            NotifyConnectError = true,
        });

        await ExpectConnectFailedAsync(conn, TcpErrors.SslHostnameMismatch("127.0.0.1"));
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Handshake_failure_without_on_error_goes_to_every_handler_in_order()
    {
        var peer = TlsGreeter(Pki.SelfSigned);
        long w1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, "x"), ReadHandler(r2, "\r\n")) with { Tls = new TlsOptions() });

        var first = await ExpectTurnAsync<HandlerFailed>(conn);
        Assert.Equal(w1, first.HandlerId);
        Assert.Contains("certificate verify failed", first.Error);
        Return(conn);
        var second = await ExpectTurnAsync<HandlerFailed>(conn);
        Assert.Equal(r2, second.HandlerId);
        Assert.Equal(first.Error, second.Error);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Handshakes_waiting_on_silent_servers_hold_no_thread()
    {
        // 40 handshakes stall at once; if any held a thread, the pool (2 cores here) would starve the verified exchange.
        const int stalled = 40;
        var silent = StartPeer(s => s.NeverAnswer(), new ScriptedPeerOptions { Connections = stalled });
        var stalledConnections = new List<TestConnection>();
        for (var i = 0; i < stalled; i++)
            stalledConnections.Add(await OpenAsync(RequestTo(silent, ReadHandler(NextId(), "\r\n")) with
            {
                Tls = new TlsOptions(),
                Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(4)),
            }));

        var peer = TlsGreeter(Pki.Localhost);
        var r1 = NextId();
        var clock = Stopwatch.StartNew();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { Tls = new TlsOptions() });
        await ExpectReadAsync(conn, r1, "hello", TimeSpan.FromSeconds(3));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"the exchange took {clock.Elapsed}");
        Return(conn);
        await ExpectClosedAsync(conn);

        foreach (var stalledConnection in stalledConnections)
        {
            var failed = await ExpectTurnAsync<HandlerFailed>(stalledConnection, TimeSpan.FromSeconds(8));
            Assert.Equal(TcpErrors.SslTimedOut, failed.Error);
            Return(stalledConnection);
            await ExpectEventAsync<ConnectionClosed>(stalledConnection);
        }
    }
}

/// <summary>Without <c>actortcp.tls.ca-file</c>, only the system store is trusted: the test CA's certificates fail.</summary>
public sealed class TlsWithoutCaTests(ITestOutputHelper output) : ConnectionTestKit(output)
{
    [Fact]
    public async Task Certificate_of_a_ca_that_is_not_configured_fails_with_certificate_verify_failed()
    {
        var peer = StartPeer(async (c, _) =>
        {
            try
            {
                await c.StartTlsAsync(TestPki.Instance.Localhost);
                await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(3));
            }
            catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
            {
                // The client refused the certificate.
            }
        });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { Tls = new TlsOptions() });

        var failed = await ExpectTurnAsync<HandlerFailed>(conn);
        Assert.Equal("ssl error: ssl connect error: certificate verify failed: unable to get local issuer certificate", failed.Error);
        Return(conn);
        await ExpectClosedAsync(conn);
    }
}
