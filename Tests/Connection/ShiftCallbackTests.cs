using ActorTcp.Actors.Connection;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// <see cref="ShiftCallback"/> as ActorTcp fixes it (docs/lua-api.md#connection-methods): it removes exactly the running handler if it is
/// still queued (partial mode) and never another one.
/// </summary>
public sealed class ShiftCallbackTests(ITestOutputHelper output) : ConnectionTestKit(output)
{
    [Fact]
    public async Task Shift_in_partial_mode_hands_the_stream_to_the_next_handler()
    {
        var shifted = NewResult<bool>();
        var peer = StartPeer(async (c, _) =>
        {
            await c.SendAsync("first");
            await shifted.Task.WaitAsync(DefaultWait);
            await c.SendAsync("second");
            await c.HalfCloseAsync();
        });
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1), ReadHandler(r2)) with { Partial = true });

        await ExpectReadAsync(conn, r1, "first");
        Return(conn, new ShiftCallback(r1));
        shifted.TrySetResult(true);

        await ExpectReadAsync(conn, r2, "second");
        Return(conn);
        // r1 is gone: only r2 gets the end of the stream.
        await ExpectFailedAsync(conn, r2, TcpErrors.ConnectionTerminated);
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }

    [Fact]
    public async Task Shift_of_the_only_partial_handler_empties_the_queue_and_closes()
    {
        var peerClosed = NewResult<bool>();
        var peer = StartPeer(async (c, _) =>
        {
            await c.SendAsync("first");
            peerClosed.TrySetResult(await c.DiscardUntilClosedAsync());
        });
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)) with { Partial = true });

        await ExpectReadAsync(conn, r1, "first");
        Return(conn, new ShiftCallback(r1));
        await ExpectClosedAsync(conn);
        Assert.True(await peerClosed.Task.WaitAsync(DefaultWait));
    }

    [Fact]
    public async Task Shift_in_non_partial_mode_does_not_drop_the_next_read()
    {
        var peer = StartPeer(s => s.Send("line1\r\nline2\r\n").NeverAnswer());
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n"), ReadHandler(r2, "\r\n")));

        await ExpectReadAsync(conn, r1, "line1");
        Return(conn, new ShiftCallback(r1));
        // rspamd would hand "line1" to r2 again, or drop r2; the fix delivers the next line to r2.
        await ExpectReadAsync(conn, r2, "line2");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Shift_during_a_write_callback_keeps_the_next_handler()
    {
        var peer = StartPeer(s => s.Expect("ping\r\n").Send("re:ping\r\n").NeverAnswer());
        long w1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, "ping\r\n"), ReadHandler(r2, "\r\n")));

        await ExpectWrittenAsync(conn, w1);
        Return(conn, new ShiftCallback(w1));
        await ExpectReadAsync(conn, r2, "re:ping");
        Return(conn);
        await ExpectClosedAsync(conn);
        peer.AssertScriptFollowed();
    }
}
