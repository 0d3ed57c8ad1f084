using ActorTcp.Actors.Connection;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>Reads with a stop pattern (docs/lua-api.md#reads-and-writes).</summary>
public class StopPatternReadTests : ConnectionTestKit
{
    public StopPatternReadTests(ITestOutputHelper output) : this(output, null) { }

    protected StopPatternReadTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    [Fact]
    public async Task Read_with_stop_pattern_returns_bytes_before_pattern_and_next_read_gets_the_leftover()
    {
        var peer = StartPeer(s => s.Expect("hi\r\n").Send("line1\r\nline2\r\n").NeverAnswer());
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "line1");
        Return(conn, new AddHandler(ReadHandler(r2, "\r\n")));
        await ExpectReadAsync(conn, r2, "line2");
        Return(conn);
        await ExpectClosedAsync(conn);

        await peer.Completion.WaitAsync(DefaultWait);
    }

    [Fact]
    public async Task Read_with_stop_pattern_split_across_packets_returns_whole_line()
    {
        var peer = StartPeer(async (c, _) =>
        {
            await c.SendSlowlyAsync(["AB", "C\r", "\nDEF", "\r\n", "tail"], TimeSpan.FromMilliseconds(100));
            await c.HalfCloseAsync();
        });
        long r1 = NextId(), r2 = NextId(), r3 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "ABC");
        Return(conn, new AddHandler(ReadHandler(r2, "\r\n")));
        await ExpectReadAsync(conn, r2, "DEF");
        Return(conn, new AddHandler(ReadHandler(r3, "\r\n")));
        // "tail" never matches: EOF before the pattern is fatal and the buffered bytes are lost.
        await ExpectFailedAsync(conn, r3, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Read_with_pattern_longer_than_leftover_keeps_reading_instead_of_stalling()
    {
        var peer = StartPeer(s => s.Send("line1\r\nX").Wait(TimeSpan.FromSeconds(1)).Send("YZ\r\n").NeverAnswer());
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(4)),
        });

        await ExpectReadAsync(conn, r1, "line1");
        // The leftover "X" is shorter than "\r\n": rspamd stalls forever here; we must read on.
        Return(conn, new AddHandler(ReadHandler(r2, "\r\n")));
        await ExpectReadAsync(conn, r2, "XYZ", TimeSpan.FromSeconds(4));
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Read_with_leftover_longer_than_pattern_but_no_match_waits_for_more_data()
    {
        var peer = StartPeer(s => s.Send("line1\r\nXYZ").Wait(TimeSpan.FromMilliseconds(500)).Send("W\r\n").NeverAnswer());
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "line1");
        Return(conn, new AddHandler(ReadHandler(r2, "\r\n")));
        await ExpectReadAsync(conn, r2, "XYZW");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Read_of_100_kB_line_with_newline_pattern_is_delivered_whole()
    {
        var line = Payload(100_000, exclude: (byte)'\n');
        var peer = StartPeer(s => s.Send(Concat(line, Bytes("\n"))).NeverAnswer());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\n")));

        var read = await ExpectReadAsync(conn, r1, line);
        Assert.Equal(100_000, read.Data.Length);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Read_at_eof_before_pattern_fails_with_connection_terminated()
    {
        var peer = StartPeer(s => s.Send("partial-no-terminator").Close());
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectFailedAsync(conn, r1, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Read_without_callback_consumes_its_line_silently_and_the_next_read_gets_the_following_line()
    {
        var peer = StartPeer(s => s.Send("line1\r\nline2\r\nline3\r\n").NeverAnswer());
        long r1 = NextId(), silent = NextId(), r3 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "line1");
        Return(conn, new AddHandler(SilentReadHandler(silent, "\r\n")), new AddHandler(ReadHandler(r3, "\r\n")));
        // Nothing for the callback-less handler: the next event is r3's line.
        await ExpectReadAsync(conn, r3, "line3");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Read_without_pattern_after_a_pattern_read_gets_the_whole_leftover()
    {
        var peer = StartPeer(s => s.Send("line1\r\nline2\r\n").NeverAnswer());
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")));

        await ExpectReadAsync(conn, r1, "line1");
        Return(conn, new AddHandler(ReadHandler(r2)));
        await ExpectReadAsync(conn, r2, "line2\r\n");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Reads_and_writes_are_binary_safe_with_nul_and_high_bytes_and_a_nul_inside_the_pattern()
    {
        byte[] sent = [0x00, 0xFF, 0x80, 0x00, 0x0D, 0x0A, 0x7F];
        // The pattern 00 FE 00 first occurs at index 4; index 3 starts a false partial match (00 00 ...).
        byte[] reply = [0xFF, 0x00, 0x01, 0x00, 0x00, 0xFE, 0x00, 0x7F, 0x80];
        var peer = StartPeer(s => s.Expect(sent).Send(reply).NeverAnswer());
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), sent), ReadHandler(r1, [0x00, 0xFE, 0x00])));

        await ExpectReadAsync(conn, r1, [0xFF, 0x00, 0x01, 0x00]);
        Return(conn, new AddHandler(ReadHandler(r2)));
        await ExpectReadAsync(conn, r2, [0x7F, 0x80]);
        Return(conn);
        await ExpectClosedAsync(conn);

        // The peer received exactly the bytes sent.
        await peer.Completion.WaitAsync(DefaultWait);
        AssertBytes(sent, peer.Received);
    }

    [Fact]
    public async Task Delivered_data_stays_unchanged_after_later_reads()
    {
        var lines = Enumerable.Range(0, 40).Select(i => $"line-{i}-" + new string((char)('A' + i % 26), 500 + 37 * i)).ToArray();
        var peer = StartPeer(async (c, _) =>
        {
            // Lines straddle the packets, so the buffer both hands out views and compacts.
            var all = Bytes(string.Concat(lines.Select(l => l + "\r\n")));
            for (var at = 0; at < all.Length; at += 3000)
                await c.SendAsync(all.AsMemory(at, Math.Min(3000, all.Length - at)));
            await c.DiscardUntilClosedAsync();
        });
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(NextId(), "\r\n")));

        var kept = new List<ReadOnlyMemory<byte>>();
        for (var i = 0; i < lines.Length; i++)
        {
            kept.Add((await ExpectTurnAsync<ReadCompleted>(conn)).Data);
            if (i + 1 < lines.Length) Return(conn, new AddHandler(ReadHandler(NextId(), "\r\n")));
            else Return(conn);
        }
        await ExpectClosedAsync(conn);

        // The data of a completion is owned by the caller: later reads must not have changed it.
        Assert.Equal(lines, kept.Select(Latin1));
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class StopPatternReadTestsOnAkkaIo(ITestOutputHelper output) : StopPatternReadTests(output, AkkaIoHocon);
