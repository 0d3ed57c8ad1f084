using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.TestKit;

/// <summary>
/// Every fault a <see cref="ScriptedPeer"/> scripts, observed by a real client, ActorTcp's connection actor driven
/// with <see cref="ActorTcpTestKit"/>'s helpers, as rspamd's error text (<see cref="TcpErrors"/>); and the peer's
/// script followed meanwhile. The test CA is trusted, so a TLS peer with its certificate is accepted.
/// </summary>
public class ScriptedPeerFaultTests : ActorTcpTestKit
{
    public ScriptedPeerFaultTests(ITestOutputHelper output) : this(output, null) { }

    protected ScriptedPeerFaultTests(ITestOutputHelper output, string? hocon)
        : base(output, TestPki.TrustCaHocon + "\n" + hocon) { }

    [Fact]
    public async Task A_reset_after_the_clients_line_fails_the_waiting_read_with_connection_reset_by_peer()
    {
        var peer = StartPeer(s => s.SendLine("220 hi").ExpectLine("HELO x").Reset());
        long r1 = NextId(), w2 = NextId(), r3 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "220 hi");
        Return(conn, new AddHandler(WriteHandler(w2, "HELO x\r\n")), new AddHandler(ReadHandler(r3, "\r\n")));
        await ExpectWrittenAsync(conn, w2);
        Return(conn);

        await ExpectFailedAndClosedAsync(conn, r3, TcpErrors.ReadError("Connection reset by peer"));
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task A_close_before_the_stop_pattern_fails_the_read_with_connection_terminated()
    {
        var peer = StartPeer(s => s.Send("250 no line end").Close());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task A_half_close_ends_the_clients_read_while_the_peer_still_reads_its_line()
    {
        // Without the half-close the client would wait for a line and the peer for the client's close.
        var peer = StartPeer(s => s.HalfClose().ExpectLine("QUIT").ExpectClose());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "QUIT\r\n"), ReadHandler(r1, "\r\n")));

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        await peer.Completion.WaitAsync(DefaultWait);
        Assert.Equal("QUIT\r\n", peer.ReceivedText);
    }

    [Fact]
    public async Task A_refusing_peer_fails_the_connect_with_connection_refused()
    {
        var peer = RefusingPeer();
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.SocketError("Connection refused"));
        Assert.Equal(0, peer.AcceptedCount);
    }

    [Fact]
    public async Task A_peer_that_never_answers_ends_the_read_with_io_timeout_and_recorded_the_request()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "PING\r\n"), ReadHandler(r1, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromMilliseconds(500)),
        });

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.IoTimeout);
        Assert.Equal("PING\r\n", peer.ReceivedText);
    }

    [Fact]
    public async Task A_peer_that_stops_reading_ends_a_large_write_with_io_timeout()
    {
        var peer = StartPeer(s => s.Expect("BIG").StopReading());
        var w1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, Bytes("BIG"), new byte[64 * 1024 * 1024])) with
        {
            Timeouts = new ConnectionTimeouts(Write: TimeSpan.FromSeconds(1)),
        });

        await ExpectFailedAndClosedAsync(conn, w1, TcpErrors.IoTimeout, TimeSpan.FromSeconds(10));
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task A_reply_sent_slowly_and_late_still_makes_one_line()
    {
        var peer = StartPeer(s => s.ExpectLine("PING").Wait(TimeSpan.FromMilliseconds(200))
            .SendSlowly("PONG slowly\r\n", 2, TimeSpan.FromMilliseconds(30)));
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "PING\r\n"), ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "PONG slowly");
        Return(conn);
        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task A_certificate_of_no_trusted_ca_fails_the_tls_connect_with_certificate_verify_failed()
    {
        var peer = StartPeer(s => s.ExpectTlsRejection(TestPki.Instance.SelfSigned));
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { Tls = new TlsOptions() });

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.SslCertificateVerifyFailed("self-signed certificate"));
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task A_tls_peer_with_the_test_cas_certificate_holds_a_dialogue()
    {
        var peer = StartPeer(s => s.StartTls().ExpectLine("PING").SendLine("PONG"));
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "PING\r\n"), ReadHandler(r1, "\r\n")) with
        {
            Tls = new TlsOptions(),
        });

        await ExpectReadAsync(conn, r1, "PONG");
        Return(conn);
        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
        Assert.Equal("PING\r\n", peer.ReceivedText);
    }

    [Fact]
    public async Task A_close_notify_without_fin_ends_the_read_waiting_for_its_pattern_with_connection_terminated()
    {
        var peer = StartPeer(async (c, _) =>
        {
            await c.StartTlsAsync(TestPki.Instance.Localhost);
            await c.SendAsync("250 no line end");
            await c.SendCloseNotifyAsync();
            // The socket stays open: only TLS said goodbye.
            await c.HoldAsync();
        });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { Tls = new TlsOptions() });

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task A_starttls_peer_switches_to_tls_after_its_plaintext_go_ahead()
    {
        var peer = StartPeer(s => s
            .SendLine("220 hi").ExpectLine("STARTTLS").SendLine("220 go ahead")
            .StartTls().ExpectLine("EHLO x").SendLine("250 secret"));
        long r1 = NextId(), r2 = NextId(), r3 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "220 hi");
        Return(conn, new AddHandler(SilentWriteHandler(NextId(), "STARTTLS\r\n")), new AddHandler(ReadHandler(r2, "\r\n")));
        await ExpectReadAsync(conn, r2, "220 go ahead");
        Return(conn, new StartTls(NoVerify: false), new AddHandler(SilentWriteHandler(NextId(), "EHLO x\r\n")),
            new AddHandler(ReadHandler(r3, "\r\n")));
        await ExpectReadAsync(conn, r3, "250 secret");
        Return(conn);
        await ExpectClosedAsync(conn);
        await peer.Completion.WaitAsync(DefaultWait);
        Assert.Equal("STARTTLS\r\nEHLO x\r\n", peer.ReceivedText);
    }
}

/// <summary>The same faults with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class ScriptedPeerFaultTestsOnAkkaIo(ITestOutputHelper output) : ScriptedPeerFaultTests(output, AkkaIoHocon);
