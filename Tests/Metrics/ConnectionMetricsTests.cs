using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// The connection instruments (opened, active, closed by outcome, durations, the handler queue's high-water, bytes),
/// measured on real connections to scripted peers on 127.0.0.1: one outcome each, with the tags docs/metrics.md lists.
/// The test CA is trusted, so a TLS peer with its certificate is accepted and a self-signed one is not.
/// </summary>
public class ConnectionMetricsTests : MetricsTestKit
{
    public ConnectionMetricsTests(ITestOutputHelper output) : this(output, null) { }

    protected ConnectionMetricsTests(ITestOutputHelper output, string? hocon)
        : base(output, TestPki.TrustCaHocon + "\n" + hocon, ScriptedDns.Start().NxDomain("missing.test")) { }

    private static (string, string) Outcome(string value) => ("outcome", value);

    /// <summary>Asserts the connection ended with <paramref name="outcome"/>, and only that: counted, timed, no longer active.</summary>
    private void AssertEndedOnce(string outcome)
    {
        Recorder.AssertSum(1, Opened);
        Recorder.AssertSum(1, Closed, Outcome(outcome));
        Recorder.AssertSum(1, Closed);
        Recorder.AssertSum(0, Active);
        Assert.Equal(1, DurationsOf(ConnectionDuration, Outcome(outcome)));
        Assert.Single(Recorder.Of(QueueMax));
    }

    [Fact]
    public async Task A_dialogue_that_ends_normally_is_opened_connected_and_closed_ok_with_its_bytes()
    {
        await PingPongAsync();

        AssertEndedOnce("ok");
        Assert.Equal(1, DurationsOf(ConnectDuration, Outcome("ok")));
        Assert.Equal(1, Recorder.Count(ConnectDuration));
        Assert.Empty(Recorder.Of(HandshakeDuration));
        Assert.Equal([2.0], Recorder.Of(QueueMax).Select(m => m.Value));
        Recorder.AssertSum(6, IoBytes, ("network.io.direction", "transmit"));
        Recorder.AssertSum(6, IoBytes, ("network.io.direction", "receive"));
    }

    [Fact]
    public async Task A_refused_connect_is_closed_refused_and_its_connect_timed_as_refused()
    {
        await RefusedAsync();

        AssertEndedOnce("refused");
        Assert.Equal(1, DurationsOf(ConnectDuration, Outcome("refused")));
        Assert.Equal(1, Recorder.Count(ConnectDuration));
        Recorder.AssertSum(0, IoBytes);
    }

    [Fact]
    public async Task A_peer_that_never_answers_is_closed_timeout_after_a_connect_that_succeeded()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "PING\r\n"), ReadHandler(r1, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromMilliseconds(300)),
        });

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.IoTimeout);

        AssertEndedOnce("timeout");
        Assert.Equal(1, DurationsOf(ConnectDuration, Outcome("ok")));
        Assert.InRange(Recorder.Of(ConnectionDuration).Single().Value, 0.25, 10);
        Recorder.AssertSum(6, IoBytes, ("network.io.direction", "transmit"));
    }

    [Fact]
    public async Task A_reset_is_closed_reset()
    {
        await ResetAfterPingAsync();

        AssertEndedOnce("reset");
    }

    [Fact]
    public async Task A_reset_under_tls_is_closed_reset_after_a_handshake_that_succeeded()
    {
        var peer = StartPeer(s => s.StartTls().ExpectLine("PING").Reset());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "PING\r\n"), ReadHandler(r1, "\r\n")) with
        {
            Tls = new TlsOptions(),
        });

        var failed = await ExpectTurnAsync<HandlerFailed>(conn);
        Assert.Equal(TcpFailureReason.Tls, failed.Failure.Reason);
        Return(conn);
        await ExpectClosedAsync(conn);

        AssertEndedOnce("reset");
        Assert.Equal(1, DurationsOf(HandshakeDuration, Outcome("ok")));
    }

    [Fact]
    public async Task A_self_signed_certificate_is_closed_tls_and_its_handshake_timed_as_tls()
    {
        var peer = StartPeer(s => s.ExpectTlsRejection(TestPki.Instance.SelfSigned));
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { Tls = new TlsOptions() });

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.SslCertificateVerifyFailed("self-signed certificate"));

        AssertEndedOnce("tls");
        Assert.Equal(1, DurationsOf(HandshakeDuration, Outcome("tls")));
        Assert.Equal(1, Recorder.Count(HandshakeDuration));
        Assert.Equal(1, DurationsOf(ConnectDuration, Outcome("ok")));
    }

    [Fact]
    public async Task A_tls_dialogue_is_closed_ok_with_its_handshake_timed_and_its_records_counted()
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

        AssertEndedOnce("ok");
        Assert.Equal(1, DurationsOf(HandshakeDuration, Outcome("ok")));
        // What goes over the socket: the handshake and the records, far more than the 6 plaintext bytes each way.
        Assert.InRange(Recorder.Sum(IoBytes, ("network.io.direction", "transmit")), 100, 100_000);
        Assert.InRange(Recorder.Sum(IoBytes, ("network.io.direction", "receive")), 100, 100_000);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_closed_dns_without_a_connect()
    {
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo("missing.test", 25, ReadHandler(r1, "\r\n")));

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.UnableToResolve("missing.test"));

        AssertEndedOnce("dns");
        Assert.Empty(Recorder.Of(ConnectDuration));
        Recorder.AssertSum(1, DnsLookups, ("kind", "address"), Outcome("not_found"));
    }

    [Fact]
    public async Task A_request_past_the_handler_limit_is_closed_limit_with_its_queue_depth()
    {
        // Only the first has a callback: the others take no turn of the fan-out.
        var r1 = NextId();
        var handlers = Enumerable.Range(0, Settings.MaxQueuedHandlers)
            .Select(_ => (HandlerSpec)SilentReadHandler(NextId(), "\r\n")).Prepend(ReadHandler(r1, "\r\n")).ToArray();
        var conn = await OpenAsync(RequestTo("127.0.0.1", 1, handlers));

        await ExpectFailedAndClosedAsync(conn, r1, TcpErrors.TooManyHandlers(Settings.MaxQueuedHandlers));

        AssertEndedOnce("limit");
        Assert.Equal([Settings.MaxQueuedHandlers + 1.0], Recorder.Of(QueueMax).Select(m => m.Value));
    }

    [Fact]
    public async Task An_open_connection_is_active_until_a_destroyed_session_closes_it()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(NextId(), "\r\n")));
        await AwaitAssertAsync(() => Assert.Equal(1, peer.AcceptedCount), DefaultWait);

        await AwaitSumAsync(1, Active);
        Recorder.AssertSum(0, Closed);

        conn.Tell(CloseConnection.Destroyed);
        await ExpectClosedAsync(conn);
        AssertEndedOnce("session_destroyed");
    }
}

/// <summary>The same with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class ConnectionMetricsTestsOnAkkaIo(ITestOutputHelper output) : ConnectionMetricsTests(output, AkkaIoHocon);
