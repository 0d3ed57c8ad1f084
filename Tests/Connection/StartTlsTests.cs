using System.Security.Cryptography.X509Certificates;
using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// STARTTLS on a live plain connection (rspamd's <c>conn:starttls([no_verify])</c>, tcp_sync's queued upgrade) against
/// an SMTP-like server: the handshake runs when the next handler is due, whether a write or a read; plaintext after the
/// go-ahead is an injection and never reaches TLS or the handlers.
/// </summary>
public class StartTlsTests : ConnectionTestKit
{
    public StartTlsTests(ITestOutputHelper output) : this(output, TestPki.TrustCaHocon) { }

    protected StartTlsTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    private static TestPki Pki => TestPki.Instance;

    /// <summary>What the SMTP-like server saw, for assertions.</summary>
    private sealed class SmtpLog
    {
        public TaskCompletionSource<string> AfterGoAhead { get; } = NewResult<string>();
    }

    /// <summary>
    /// Banner <c>220 hello</c>; then per line: <c>STARTTLS</c> → <c>220 go ahead</c> (plus <paramref name="inject"/> in
    /// the same send) and a TLS handshake; over TLS, <paramref name="greeting"/> first if any, then <c>secure:X</c> for
    /// each line X. <see cref="SmtpLog.AfterGoAhead"/> gets "tls" once the handshake succeeded, or what happened instead.
    /// </summary>
    private ScriptedPeer StartSmtp(X509Certificate2 certificate, SmtpLog log, string? greeting = null, string inject = "",
        bool silentAfterGoAhead = false) =>
        StartPeer(async (c, _) =>
        {
            await c.SendAsync("220 hello\r\n");
            var command = Latin1(await c.ReadUntilAsync("\r\n"));
            if (command != "STARTTLS")
            {
                log.AfterGoAhead.TrySetResult("unexpected command " + command);
                return;
            }
            await c.SendAsync("220 go ahead\r\n" + inject);
            if (silentAfterGoAhead)
            {
                log.AfterGoAhead.TrySetResult("silent");
                await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(5));
                return;
            }
            try
            {
                await c.StartTlsAsync(certificate);
            }
            catch (Exception e)
            {
                log.AfterGoAhead.TrySetResult("handshake failed: " + e.GetType().Name);
                return;
            }
            log.AfterGoAhead.TrySetResult("tls");
            if (greeting is not null) await c.SendAsync(greeting);
            try
            {
                while (true)
                {
                    var line = Latin1(await c.ReadUntilAsync("\r\n"));
                    await c.SendAsync("secure:" + line + "\r\n");
                }
            }
            catch (Exception e) when (e is EndOfStreamException or IOException)
            {
                // The client closed.
            }
        });

    /// <summary>Banner read, STARTTLS written, go-ahead read: returns the connection inside the go-ahead's callback.</summary>
    private async Task<TestConnection> UpToGoAheadAsync(ScriptedPeer peer, ConnectionRequest? request = null)
    {
        long r1 = NextId(), w2 = NextId(), r3 = NextId();
        var conn = await OpenAsync((request ?? RequestTo(peer)) with { Handlers = [ReadHandler(r1, "\r\n")] });
        await ExpectReadAsync(conn, r1, "220 hello");
        Return(conn, new AddHandler(WriteHandler(w2, "STARTTLS\r\n")), new AddHandler(ReadHandler(r3, "\r\n")));
        await ExpectWrittenAsync(conn, w2);
        Return(conn);
        await ExpectReadAsync(conn, r3, "220 go ahead");
        return conn;
    }

    [Fact]
    public async Task Starttls_then_write_proceeds_over_tls_after_the_handshake()
    {
        var log = new SmtpLog();
        var peer = StartSmtp(Pki.Localhost, log);
        var conn = await UpToGoAheadAsync(peer);
        long w4 = NextId(), r5 = NextId();

        Return(conn, new StartTls(NoVerify: false), new AddHandler(WriteHandler(w4, "ping\r\n")), new AddHandler(ReadHandler(r5, "\r\n")));
        await ExpectWrittenAsync(conn, w4);
        Return(conn);
        await ExpectReadAsync(conn, r5, "secure:ping");
        Return(conn);
        await ExpectClosedAsync(conn);
        Assert.Equal("tls", await log.AfterGoAhead.Task.WaitAsync(DefaultWait));
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Starttls_then_read_proceeds_over_tls_after_the_handshake()
    {
        var log = new SmtpLog();
        var peer = StartSmtp(Pki.Localhost, log, greeting: "220 secure hello\r\n");
        var conn = await UpToGoAheadAsync(peer);
        var r4 = NextId();

        Return(conn, new StartTls(NoVerify: false), new AddHandler(ReadHandler(r4, "\r\n")));
        await ExpectReadAsync(conn, r4, "220 secure hello");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Starttls_from_a_partial_stream_callback_takes_the_read_already_asked_ahead_as_ciphertext()
    {
        var log = new SmtpLog();
        var peer = StartSmtp(Pki.Localhost, log);
        long r1 = NextId(), w2 = NextId(), r3 = NextId(), w4 = NextId(), r5 = NextId();
        // Partial mode with a batching receiver: the next socket read is asked for while each callback runs.
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)) with { Partial = true, PartialBatch = 32 });

        await ExpectReadAsync(conn, r1, "220 hello\r\n");
        Return(conn, new ShiftCallback(r1), new AddHandler(WriteHandler(w2, "STARTTLS\r\n")), new AddHandler(ReadHandler(r3)));
        await ExpectWrittenAsync(conn, w2);
        Return(conn);
        await ExpectReadAsync(conn, r3, "220 go ahead\r\n");
        // A read is pending from before starttls: what it brings is the server's first TLS record.
        Return(conn, new StartTls(NoVerify: false), new ShiftCallback(r3), new AddHandler(WriteHandler(w4, "ping\r\n")),
            new AddHandler(ReadHandler(r5)));
        await ExpectWrittenAsync(conn, w4);
        Return(conn);
        await ExpectReadAsync(conn, r5, "secure:ping\r\n");
        Return(conn, CloseConnection.Instance);
        await ExpectClosedAsync(conn);
        Assert.Equal("tls", await log.AfterGoAhead.Task.WaitAsync(DefaultWait));
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Plaintext_after_the_go_ahead_fails_the_connection_and_reaches_neither_tls_nor_a_handler()
    {
        var log = new SmtpLog();
        var peer = StartSmtp(Pki.Localhost, log, inject: "250 injected\r\n");
        var conn = await UpToGoAheadAsync(peer);
        long w4 = NextId(), r5 = NextId();

        Return(conn, new StartTls(NoVerify: false), new AddHandler(WriteHandler(w4, "EHLO me\r\n")), new AddHandler(ReadHandler(r5, "\r\n")));
        var expected = TcpErrors.SslPlaintextAfterStartTls("250 injected\r\n".Length);
        await ExpectFailedAsync(conn, w4, expected);
        Return(conn);
        await ExpectFailedAsync(conn, r5, expected);
        Return(conn);
        await ExpectClosedAsync(conn);
        // No ClientHello was ever sent: the server's handshake saw the connection end.
        Assert.StartsWith("handshake failed", await log.AfterGoAhead.Task.WaitAsync(DefaultWait));
    }

    [Fact]
    public async Task Starttls_verifies_by_default_and_the_error_goes_to_the_queued_handlers()
    {
        var log = new SmtpLog();
        var peer = StartSmtp(Pki.SelfSigned, log);
        // on_error is given but the connection is established: rspamd sends STARTTLS errors to the queue.
        var conn = await UpToGoAheadAsync(peer, RequestTo(peer) with { NotifyConnectError = true });
        var w4 = NextId();

        Return(conn, new StartTls(NoVerify: false), new AddHandler(WriteHandler(w4, "ping\r\n")));
        var failed = await ExpectTurnAsync<HandlerFailed>(conn);
        Assert.Equal(w4, failed.HandlerId);
        Assert.StartsWith("ssl error: ssl connect error: certificate verify failed: ", failed.Error);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Starttls_no_verify_accepts_an_untrusted_certificate()
    {
        var log = new SmtpLog();
        var peer = StartSmtp(Pki.SelfSigned, log);
        var conn = await UpToGoAheadAsync(peer);
        long w4 = NextId(), r5 = NextId();

        Return(conn, new StartTls(NoVerify: true), new AddHandler(WriteHandler(w4, "ping\r\n")), new AddHandler(ReadHandler(r5, "\r\n")));
        await ExpectWrittenAsync(conn, w4);
        Return(conn);
        await ExpectReadAsync(conn, r5, "secure:ping");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task A_second_starttls_command_is_refused_as_lua_refuses_it_and_changes_nothing()
    {
        var log = new SmtpLog();
        var peer = StartSmtp(Pki.Localhost, log);
        var conn = await UpToGoAheadAsync(peer);
        long w4 = NextId(), r5 = NextId(), w6 = NextId(), r7 = NextId();

        var second = new StartTls(NoVerify: true);
        Return(conn, new StartTls(NoVerify: false), second, new AddHandler(WriteHandler(w4, "one\r\n")),
            new AddHandler(ReadHandler(r5, "\r\n")));
        var refused = await ExpectEventAsync<CommandRefused>(conn);
        Assert.Equal((second, TcpErrors.StartTlsRefused), (refused.Command, refused.Reason));
        await ExpectWrittenAsync(conn, w4);
        Return(conn);
        await ExpectReadAsync(conn, r5, "secure:one");
        Return(conn, new StartTls(NoVerify: false), new AddHandler(WriteHandler(w6, "two\r\n")), new AddHandler(ReadHandler(r7, "\r\n")));
        await ExpectEventAsync<CommandRefused>(conn);
        await ExpectWrittenAsync(conn, w6);
        Return(conn);
        await ExpectReadAsync(conn, r7, "secure:two");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Starttls_handshake_against_a_server_that_never_answers_times_out_as_an_ssl_error()
    {
        var log = new SmtpLog();
        var peer = StartSmtp(Pki.Localhost, log, silentAfterGoAhead: true);
        var conn = await UpToGoAheadAsync(peer, RequestTo(peer) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(5), Connect: TimeSpan.FromMilliseconds(500),
                Read: TimeSpan.FromSeconds(5)),
        });
        var w4 = NextId();

        Return(conn, new StartTls(NoVerify: false), new AddHandler(WriteHandler(w4, "ping\r\n")));
        await ExpectFailedAsync(conn, w4, TcpErrors.SslTimedOut, TimeSpan.FromSeconds(3));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Queued_upgrade_on_a_sync_connection_completes_with_TlsStarted_then_talks_tls()
    {
        var log = new SmtpLog();
        var peer = StartSmtp(Pki.Localhost, log);
        var conn = await OpenAsync(RequestTo(peer) with { Synchronous = true, NotifyConnected = true, NotifyConnectError = true });
        await ExpectEstablishedAsync(conn);
        long r1 = NextId(), w2 = NextId(), r3 = NextId(), t4 = NextId(), w5 = NextId(), r6 = NextId();

        Return(conn, new AddHandler(ReadHandler(r1, "\r\n")));
        await ExpectReadAsync(conn, r1, "220 hello");
        Return(conn, new AddHandler(WriteHandler(w2, "STARTTLS\r\n")));
        await ExpectWrittenAsync(conn, w2);
        Return(conn, new AddHandler(ReadHandler(r3, "\r\n")));
        await ExpectReadAsync(conn, r3, "220 go ahead");
        Return(conn, new AddHandler(new StartTlsSpec(t4, HasCallback: true, NoVerify: false)));
        var started = await ExpectTurnAsync<TlsStarted>(conn);
        Assert.Equal(t4, started.HandlerId);
        Return(conn, new AddHandler(WriteHandler(w5, "ping\r\n")));
        await ExpectWrittenAsync(conn, w5);
        Return(conn, new AddHandler(ReadHandler(r6, "\r\n")));
        await ExpectReadAsync(conn, r6, "secure:ping");
        Return(conn, CloseConnection.Instance);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Failed_queued_upgrade_on_a_sync_connection_fails_that_operation_and_leaves_the_connection_at_eof()
    {
        var log = new SmtpLog();
        var peer = StartSmtp(Pki.WrongName, log);
        var conn = await OpenAsync(RequestTo(peer) with { Synchronous = true, NotifyConnected = true, NotifyConnectError = true });
        await ExpectEstablishedAsync(conn);
        long r1 = NextId(), w2 = NextId(), r3 = NextId(), t4 = NextId(), w5 = NextId();

        Return(conn, new AddHandler(ReadHandler(r1, "\r\n")));
        await ExpectReadAsync(conn, r1, "220 hello");
        Return(conn, new AddHandler(WriteHandler(w2, "STARTTLS\r\n")));
        await ExpectWrittenAsync(conn, w2);
        Return(conn, new AddHandler(ReadHandler(r3, "\r\n")));
        await ExpectReadAsync(conn, r3, "220 go ahead");
        Return(conn, new AddHandler(new StartTlsSpec(t4, HasCallback: true, NoVerify: false)));
        var failed = await ExpectTurnAsync<HandlerFailed>(conn);
        Assert.Equal(t4, failed.HandlerId);
        Assert.False(failed.Fatal);
        Assert.Equal(TcpErrors.SslHostnameMismatch("127.0.0.1"), failed.Error);
        Return(conn, new AddHandler(WriteHandler(w5, "ping\r\n")));
        var eof = await ExpectTurnAsync<HandlerFailed>(conn);
        Assert.Equal(w5, eof.HandlerId);
        Assert.Equal(TcpErrors.EofCannotWrite, eof.Error);
        Return(conn, CloseConnection.Instance);
        await ExpectClosedAsync(conn);
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class StartTlsTestsOnAkkaIo(ITestOutputHelper output) : StartTlsTests(output, TestPki.TrustCaHocon + "\n" + AkkaIoHocon);
