using System.Net.Sockets;
using System.Text;
using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// A connection keeps reading while a long write is sent and a read waits behind it: a peer that echoes, or answers
/// early and goes away, is read instead of deadlocking until the timeout (rspamd 3.4 deadlocks) or being lost in the
/// write's error.
/// </summary>
public class FullDuplexTests : ConnectionTestKit
{
    /// <summary>Far more than the kernel buffers of both sides hold, so the echo fills them long before the write ends.</summary>
    private const int RequestSize = 10 * 1024 * 1024;

    public FullDuplexTests(ITestOutputHelper output) : this(output, null) { }

    protected FullDuplexTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    /// <summary>Echoes every byte back until the client's EOF or <paramref name="total"/> bytes.</summary>
    private static async Task EchoAsync(PeerConnection c, int total, CancellationToken token)
    {
        var buffer = new byte[64 * 1024];
        for (var echoed = 0; echoed < total;)
        {
            var n = await c.Socket.ReceiveAsync(buffer, SocketFlags.None, token);
            if (n == 0) return;
            await c.Socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, token);
            echoed += n;
        }
    }

    [Fact]
    public async Task A_ten_mebibyte_request_to_an_echo_server_is_read_back_through_its_stop_pattern()
    {
        var body = Encoding.ASCII.GetBytes(new string('x', RequestSize - 2) + "\r\n");
        var peer = StartPeer((c, token) => EchoAsync(c, body.Length, token));
        long w1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, body), ReadHandler(r2, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(20)),
        });

        await ExpectWrittenAsync(conn, w1, TimeSpan.FromSeconds(20));
        Return(conn);
        var read = await ExpectTurnAsync<ReadCompleted>(conn, TimeSpan.FromSeconds(20));
        Assert.Equal(r2, read.HandlerId);
        Assert.Equal(RequestSize - 2, read.Data.Length);
        Assert.True(read.Data.Span.IndexOfAnyExcept((byte)'x') < 0);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task A_server_that_answers_early_and_closes_mid_upload_is_read_not_lost_in_the_write_error()
    {
        // clamd's INSTREAM limit: it reads a little, answers, and closes with our upload still coming (its kernel then
        // resets the connection under our write).
        const string answer = "INSTREAM size limit exceeded. ERROR\0";
        var peer = StartPeer(async (c, _) =>
        {
            await c.ReadExactlyAsync(64 * 1024);
            await c.SendAsync(answer);
            // A reset discards what the client has not read yet, so the answer gets a moment to be read first (clamd
            // too has sent it well before our upload meets its close).
            await Task.Delay(300);
            c.Abort();
        });
        long w1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, new byte[32 * 1024 * 1024]), ReadHandler(r2, "\0")));

        // The write has a callback here; it hears its own error, non-fatal, and the read after it gets the answer.
        var failed = await ExpectTurnAsync<HandlerFailed>(conn, TimeSpan.FromSeconds(10));
        Assert.Equal((w1, false, TcpFailureReason.SocketError), (failed.HandlerId, failed.Fatal, failed.Failure.Reason));
        Assert.StartsWith("IO write error while trying to write 0 bytes: ", failed.Error);
        Return(conn);
        await ExpectReadAsync(conn, r2, answer[..^1]);
        Return(conn);
        await ExpectClosedAsync(conn);
    }
}

/// <summary>The same over Akka.IO.</summary>
public sealed class FullDuplexTestsOnAkkaIo(ITestOutputHelper output) : FullDuplexTests(output, AkkaIoHocon);
