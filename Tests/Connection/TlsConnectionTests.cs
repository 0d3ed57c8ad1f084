using System.Net.Sockets;
using System.Security.Authentication;
using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// TLS from the start (rspamd's <c>ssl = true</c>) against real TLS servers on loopback, with the test CA configured
/// (<c>actortcp.tls.ca-file</c>): the handshake, then the same handler queue semantics over TLS.
/// </summary>
public class TlsConnectionTests : ConnectionTestKit
{
    public TlsConnectionTests(ITestOutputHelper output) : this(output, TestPki.TrustCaHocon) { }

    protected TlsConnectionTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    private static TestPki Pki => TestPki.Instance;

    private static ConnectionRequest TlsRequestTo(ScriptedPeer peer, params HandlerSpec[] handlers) =>
        RequestTo(peer, handlers) with { Tls = new TlsOptions() };

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls_request_verified_through_the_configured_ca_exchanges_data(SslProtocols protocol)
    {
        var negotiated = NewResult<SslProtocols>();
        var peer = StartPeer(async (c, _) =>
        {
            await c.StartTlsAsync(Pki.Localhost, protocol);
            negotiated.TrySetResult(c.TlsProtocol);
            var line = Latin1(await c.ReadUntilAsync("\r\n"));
            await c.SendAsync("tls:" + line + "\r\n");
            await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(3));
        });
        var r1 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, SilentWriteHandler(NextId(), "hello\r\n"), ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "tls:hello");
        Return(conn);
        await ExpectClosedAsync(conn);
        Assert.Equal(protocol, await negotiated.Task.WaitAsync(DefaultWait));
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Tls_request_to_localhost_sends_the_name_as_sni_and_matches_the_dns_san()
    {
        var sni = NewResult<string?>();
        var peer = StartPeer(async (c, _) =>
        {
            await c.StartTlsAsync(Pki.Localhost);
            sni.TrySetResult(c.TlsServerName);
            await c.SendAsync("greeting\r\n");
            await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(3));
        }, new ScriptedPeerOptions { BothLoopbacks = true });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo("localhost", peer.Port, ReadHandler(r1, "\r\n")) with { Tls = new TlsOptions() });

        await ExpectReadAsync(conn, r1, "greeting");
        Return(conn);
        await ExpectClosedAsync(conn);
        Assert.Equal("localhost", await sni.Task.WaitAsync(DefaultWait));
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Tls_request_to_an_ip_literal_sends_no_sni()
    {
        var sni = NewResult<string?>();
        var peer = StartPeer(async (c, _) =>
        {
            await c.StartTlsAsync(Pki.Localhost);
            sni.TrySetResult(c.TlsServerName);
            await c.SendAsync("greeting\r\n");
            await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(3));
        });
        var r1 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "greeting");
        Return(conn);
        await ExpectClosedAsync(conn);
        Assert.True(string.IsNullOrEmpty(await sni.Task.WaitAsync(DefaultWait)));
    }

    [Fact]
    public async Task On_connect_fires_only_after_the_handshake_and_a_read_only_request_reads_the_greeting()
    {
        // The TCP connect completes at once; the handshake only after this pause.
        var peer = StartPeer(s => s.Wait(TimeSpan.FromMilliseconds(600)).StartTls(Pki.Localhost).Send("220 secure\r\n").NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, ReadHandler(r1, "\r\n")) with { NotifyConnected = true });

        await ExpectNothingAsync(conn, TimeSpan.FromMilliseconds(400));
        await ExpectEstablishedAsync(conn);
        Return(conn);
        await ExpectReadAsync(conn, r1, "220 secure");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Stop_patterns_leftovers_and_a_pattern_less_read_work_over_tls()
    {
        var peer = StartPeer(s => s
            .StartTls(Pki.Localhost)
            .Send("line1\r\nli")
            .Wait(TimeSpan.FromMilliseconds(100))
            .Send("ne2\r\ntail")
            .NeverAnswer());
        long r1 = NextId(), r2 = NextId(), r3 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "line1");
        Return(conn, new AddHandler(ReadHandler(r2, "\r\n")));
        await ExpectReadAsync(conn, r2, "line2");
        Return(conn, new AddHandler(ReadHandler(r3)));
        await ExpectReadAsync(conn, r3, "tail");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Partial_mode_streams_decrypted_chunks_then_the_peer_close_is_connection_terminated()
    {
        var gap = TimeSpan.FromMilliseconds(100);
        // Close: close_notify, then FIN.
        var peer = StartPeer(s => s.StartTls(Pki.Localhost).Send("AB").Wait(gap).Send("CD").Wait(gap).Send("EF").Wait(gap).Close());
        var r1 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, ReadHandler(r1)) with { Partial = true });

        var received = "";
        for (var turn = 0; turn < 10 && received.Length < 6; turn++)
        {
            received += Latin1((await ExpectTurnAsync<ReadCompleted>(conn)).Data);
            Return(conn);
        }
        Assert.Equal("ABCDEF", received);
        await ExpectFailedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Three_mib_each_way_arrive_intact_over_tls()
    {
        var request = Payload(3 * 1024 * 1024, seed: 3);
        var reply = Payload(3 * 1024 * 1024, seed: 5, exclude: (byte)'\n');
        // Megabytes each way on a loaded machine: a longer bound per step than the default 5 s.
        var peer = StartPeer(s => s.StartTls(Pki.Localhost).Expect(request).Send(Concat(reply, Bytes("\n"))).NeverAnswer(),
            new ScriptedPeerOptions { StepTimeout = TimeSpan.FromSeconds(30) });
        var r1 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, SilentWriteHandler(NextId(), request), ReadHandler(r1, "\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(30)),
        });

        await ExpectReadAsync(conn, r1, reply, TimeSpan.FromSeconds(30));
        Return(conn);
        await ExpectClosedAsync(conn);
        // The peer received exactly the bytes sent.
        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task Shutdown_sends_close_notify_before_fin_after_the_first_write_and_the_reply_is_still_read()
    {
        var body = Payload(300_000, seed: 9);
        var checks = NewResult<string>();
        var peer = StartPeer(async (c, ct) =>
        {
            // TLS 1.2: alert records are visible on the wire (TLS 1.3 hides their type).
            await using var tls = await RecordingTlsServer.AcceptAsync(c.Socket, Pki.Localhost, SslProtocols.Tls12, ct);
            var all = await tls.ReadToEndAsync(ct);
            var records = RecordingTlsServer.Records(tls.RawReceived);
            // After the TLS stream ended, the socket itself must be at EOF: the FIN came after close_notify.
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(5));
            var fin = await c.Socket.ReceiveAsync(new byte[16], SocketFlags.None, limit.Token) == 0;
            checks.TrySetResult($"bytes ok: {all.AsSpan().SequenceEqual(body)}, last record: {records[^1].Type}, fin: {fin}");
            await tls.SendAsync($"got {all.Length}\n", ct);
            await c.HalfCloseAsync();
        });
        var r1 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, SilentWriteHandler(NextId(), body), ReadHandler(r1, "\n")) with { Shutdown = true });

        await ExpectReadAsync(conn, r1, "got 300000");
        Return(conn);
        await ExpectClosedAsync(conn);
        // 21: alert (close_notify), after every application-data record.
        Assert.Equal("bytes ok: True, last record: 21, fin: True", await checks.Task.WaitAsync(DefaultWait));
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Fast_tls_sender_is_held_back_while_the_read_callback_has_not_returned()
    {
        const int total = 32 * 1024 * 1024;
        var sent = 0L;
        var finished = NewResult<bool>();
        var peer = StartPeer(async (c, stop) =>
        {
            c.OperationTimeout = TimeSpan.FromSeconds(30);
            await c.StartTlsAsync(Pki.Localhost);
            var chunk = Payload(64 * 1024, seed: 1);
            try
            {
                while (Interlocked.Read(ref sent) < total)
                {
                    await c.SendAsync(chunk);
                    Interlocked.Add(ref sent, chunk.Length);
                }
                finished.TrySetResult(true);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                finished.TrySetResult(false);
            }
        });
        var r1 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, ReadHandler(r1)) with
        {
            Partial = true,
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(30)),
        });

        await ExpectTurnAsync<ReadCompleted>(conn);
        // The callback "runs" for a second: nothing is read meanwhile, so TCP's window stops the sender.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var sentWhileWaiting = Interlocked.Read(ref sent);
        Assert.False(finished.Task.IsCompleted, "the server sent everything although nobody read");
        Assert.True(sentWhileWaiting < total / 2, $"{sentWhileWaiting} bytes were accepted while the reader waited");

        conn.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Timer_expiry_after_the_handshake_is_ssl_connection_timed_out()
    {
        var peer = StartPeer(s => s.StartTls(Pki.Localhost).NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, ReadHandler(r1, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(1)),
        });

        await ExpectFailedAsync(conn, r1, TcpErrors.SslTimedOut, TimeSpan.FromSeconds(3));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Peer_reset_under_tls_is_an_ssl_read_error()
    {
        var peer = StartPeer(s => s.StartTls(Pki.Localhost).ExpectUntil("\r\n").Reset());
        var r1 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, SilentWriteHandler(NextId(), "go\r\n"), ReadHandler(r1, "\r\n")));

        var failed = await ExpectTurnAsync<HandlerFailed>(conn);
        Assert.Equal(r1, failed.HandlerId);
        Assert.True(failed.Fatal);
        Assert.Equal(TcpErrors.SslSyscallFailed("read", "Connection reset by peer"), failed.Error);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Writes_added_in_callbacks_and_eof_behave_as_on_plain_connections()
    {
        // Close: close_notify, then FIN.
        var peer = StartPeer(s => s.StartTls(Pki.Localhost).Send("ready\r\n").Expect("ping\r\n").Send("echo:ping\r\n").Close());
        long r1 = NextId(), w2 = NextId(), r3 = NextId(), r4 = NextId();
        var conn = await OpenAsync(TlsRequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "ready");
        Return(conn, new AddHandler(WriteHandler(w2, "ping\r\n")), new AddHandler(ReadHandler(r3, "\r\n")));
        await ExpectWrittenAsync(conn, w2);
        Return(conn);
        await ExpectReadAsync(conn, r3, "echo:ping");
        Return(conn, new AddHandler(ReadHandler(r4, "\r\n")));
        await ExpectFailedAsync(conn, r4, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class TlsConnectionTestsOnAkkaIo(ITestOutputHelper output) : TlsConnectionTests(output, TestPki.TrustCaHocon + "\n" + AkkaIoHocon);
