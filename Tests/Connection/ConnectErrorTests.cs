using ActorTcp.Actors.Connection;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// Connect failures: fanned out to the handlers (rspamd HEAD: the CONNECT marker makes every shape report
/// <c>Socket error detected: ...</c>), or only to <see cref="ConnectFailed"/> with NotifyConnectError (on_error).
/// </summary>
public class ConnectErrorTests : ConnectionTestKit
{
    public ConnectErrorTests(ITestOutputHelper output) : this(output, null) { }

    protected ConnectErrorTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    private const string Refused = "Socket error detected: Connection refused";

    [Fact]
    public void Refused_error_text_is_rspamds()
    {
        Assert.Equal(Refused, TcpErrors.SocketError("Connection refused"));
    }

    [Fact]
    public async Task Connection_refused_with_data_fails_the_read_with_socket_error_and_no_ConnectionEstablished()
    {
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(RefusingPeer(), SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(r1)) with
        {
            NotifyConnected = true,
        });

        await ExpectFailedAsync(conn, r1, Refused);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Connection_refused_read_only_fails_with_socket_error()
    {
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(RefusingPeer(), ReadHandler(r1, "\r\n")));

        await ExpectFailedAsync(conn, r1, Refused);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Connection_refused_write_only_fails_the_write_handler()
    {
        var w1 = NextId();
        var conn = await OpenAsync(RequestTo(RefusingPeer(), WriteHandler(w1, "a", "b", "c")));

        await ExpectFailedAsync(conn, w1, Refused);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Connection_refused_is_fanned_out_to_every_handler_with_a_callback()
    {
        long r1 = NextId(), w2 = NextId(), r3 = NextId();
        var conn = await OpenAsync(RequestTo(RefusingPeer(),
            SilentWriteHandler(NextId(), "x"), ReadHandler(r1), WriteHandler(w2, "y"), SilentReadHandler(NextId()), ReadHandler(r3, "\n")));

        await ExpectFailedAsync(conn, r1, Refused);
        Return(conn);
        await ExpectFailedAsync(conn, w2, Refused);
        Return(conn);
        await ExpectFailedAsync(conn, r3, Refused);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Connection_refused_with_NotifyConnectError_goes_only_to_ConnectFailed()
    {
        var conn = await OpenAsync(RequestTo(RefusingPeer(), SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(NextId())) with
        {
            NotifyConnectError = true,
            NotifyConnected = true,
        });

        await ExpectConnectFailedAsync(conn, Refused);
        // ConnectFailed is not a turn: no CallbackReturned, and no handler is told.
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Refused_probe_with_NotifyConnectError_gets_ConnectFailed()
    {
        var conn = await OpenAsync(RequestTo(RefusingPeer()) with { NotifyConnectError = true });

        await ExpectConnectFailedAsync(conn, Refused);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Refused_probe_without_handlers_or_error_notification_just_closes()
    {
        var conn = await OpenAsync(RequestTo(RefusingPeer()) with { NotifyConnected = true });

        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Errors_after_the_connection_is_up_go_to_the_handlers_even_with_NotifyConnectError()
    {
        var peer = StartPeer(s => s.Close());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with { NotifyConnectError = true });

        await ExpectFailedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class ConnectErrorTestsOnAkkaIo(ITestOutputHelper output) : ConnectErrorTests(output, AkkaIoHocon);
