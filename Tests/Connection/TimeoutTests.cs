using System.Diagnostics;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Timers;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// Timeouts (rspamd HEAD, docs/lua-api.md#timeouts): without phases, one budget for the connection's life spent only
/// while waiting on the network; with any phase set, per-phase timers, read as an idle timer, unset phases falling
/// back to the budget.
/// </summary>
public class TimeoutTests : ConnectionTestKit
{
    public TimeoutTests(ITestOutputHelper output) : this(output, null) { }

    protected TimeoutTests(ITestOutputHelper output, string? hocon) : base(output, hocon) { }

    private static readonly TimeSpan DripInterval = TimeSpan.FromMilliseconds(300);
    private const int DripCount = 7; // "\r\n" comes after 7 x 0.3 s = 2.1 s

    /// <summary>One "." every 0.3 s, seven times, then "\r\n" (after 2.1 s).</summary>
    private static async Task DripAsync(PeerConnection c, CancellationToken ct)
    {
        try
        {
            for (var i = 0; i < DripCount; i++)
            {
                await c.SendAsync(".");
                await Task.Delay(DripInterval, ct);
            }
            await c.SendAsync("\r\n");
            await c.DiscardUntilClosedAsync();
        }
        catch (IOException)
        {
            // The client gave up (timeout tests).
        }
    }

    [Fact]
    public async Task Budget_timeout_on_a_silent_peer_fails_the_read_with_io_timeout()
    {
        var peer = StartPeer(s => s.NeverAnswer());
        var r1 = NextId();
        var clock = Stopwatch.StartNew();
        var conn = await OpenAsync(RequestTo(peer, SilentWriteHandler(NextId(), "hi\r\n"), ReadHandler(r1)) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(1)),
        });

        await ExpectFailedAsync(conn, r1, TcpErrors.IoTimeout, TimeSpan.FromSeconds(4));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Budget_is_one_allowance_for_the_whole_connection_so_a_slow_drip_times_out()
    {
        var peer = StartPeer(DripAsync);
        var r1 = NextId();
        var clock = Stopwatch.StartNew();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(1)),
        });

        await ExpectFailedAsync(conn, r1, TcpErrors.IoTimeout, TimeSpan.FromSeconds(4));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Phased_read_timeout_is_an_idle_timeout_so_the_same_slow_drip_succeeds()
    {
        var peer = StartPeer(DripAsync);
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Read: TimeSpan.FromSeconds(1)),
        });

        await ExpectReadAsync(conn, r1, new string('.', DripCount), TimeSpan.FromSeconds(6));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Unset_read_phase_falls_back_to_the_budget_as_an_idle_timer_when_another_phase_is_set()
    {
        var peer = StartPeer(DripAsync);
        var r1 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with
        {
            // Phased because Write is set; Read falls back to the 1 s budget, re-armed after each byte.
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(1), Write: TimeSpan.FromSeconds(1)),
        });

        await ExpectReadAsync(conn, r1, new string('.', DripCount), TimeSpan.FromSeconds(6));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Phased_read_timeout_fires_when_the_peer_stays_idle_and_goes_to_handlers_even_with_NotifyConnectError()
    {
        var peer = StartPeer(s => s.Send("a").NeverAnswer());
        var r1 = NextId();
        var clock = Stopwatch.StartNew();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with
        {
            NotifyConnectError = true,
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(10), Read: TimeSpan.FromSeconds(0.5)),
        });

        // Connected already: the error goes to the handler, not to ConnectFailed.
        await ExpectFailedAsync(conn, r1, TcpErrors.IoTimeout, TimeSpan.FromSeconds(4));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.45), TimeSpan.FromSeconds(3));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Ended_connections_leave_nothing_on_the_timer_wheel_whether_their_timer_fired_or_not()
    {
        var wheel = TimeoutWheel.Get(Sys);
        var silent = StartPeer(s => s.NeverAnswer());
        var answering = StartPeer(s => s.Send("line\r\n").NeverAnswer());
        long timedOut = NextId(), answered = NextId();
        var expiring = await OpenAsync(RequestTo(silent, ReadHandler(timedOut, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(0.3)),
        });
        // Its read ends long before its budget: the timer's entry is left on the wheel (lazily) until the connection ends.
        var finishing = await OpenAsync(RequestTo(answering, ReadHandler(answered, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(60)),
        });
        await ExpectReadAsync(finishing, answered, "line");
        Assert.True(wheel.Count >= 1);
        Return(finishing);
        await ExpectClosedAsync(finishing);

        await ExpectFailedAsync(expiring, timedOut, TcpErrors.IoTimeout, TimeSpan.FromSeconds(4));
        Return(expiring);
        await ExpectClosedAsync(expiring);

        await AwaitConditionAsync(() => Task.FromResult(wheel.Count == 0), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Time_spent_in_callbacks_does_not_count_against_the_budget()
    {
        var peer = StartPeer(s => s.Send("line1\r\n").Wait(TimeSpan.FromSeconds(1.6)).Send("line2\r\n").NeverAnswer());
        long r1 = NextId(), r2 = NextId();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1, "\r\n")) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(1)),
        });

        await ExpectReadAsync(conn, r1, "line1");
        // The callback runs for 1.2 s: the connection waits for the network only ~0.4 s in total.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Return(conn, new AddHandler(ReadHandler(r2, "\r\n")));
        await ExpectReadAsync(conn, r2, "line2", TimeSpan.FromSeconds(4));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Write_timeout_fires_when_the_peer_never_reads()
    {
        var peer = StartPeer(s => s.StopReading());
        var w1 = NextId();
        var clock = Stopwatch.StartNew();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, new byte[64 * 1024 * 1024])) with
        {
            Timeouts = new ConnectionTimeouts(Write: TimeSpan.FromSeconds(1)),
        });

        await ExpectFailedAsync(conn, w1, TcpErrors.IoTimeout, TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"timed out after {clock.Elapsed}");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Budget_also_bounds_a_write_the_peer_never_reads()
    {
        var peer = StartPeer(s => s.StopReading());
        var w1 = NextId();
        var clock = Stopwatch.StartNew();
        var conn = await OpenAsync(RequestTo(peer, WriteHandler(w1, new byte[64 * 1024 * 1024])) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(1.5)),
        });

        await ExpectFailedAsync(conn, w1, TcpErrors.IoTimeout, TimeSpan.FromSeconds(10));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.4), TimeSpan.FromSeconds(5));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Connect_timeout_phase_fails_a_hanging_connect_with_io_timeout_to_the_handlers()
    {
        var hole = Own(await ConnectBlackhole.CreateAsync(TimeSpan.FromSeconds(1.5)));
        var r1 = NextId();
        var clock = Stopwatch.StartNew();
        var conn = await OpenAsync(RequestTo("127.0.0.1", hole.Port, SilentWriteHandler(NextId(), "hi"), ReadHandler(r1)) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(10), Connect: TimeSpan.FromSeconds(1)),
        });

        await ExpectFailedAsync(conn, r1, TcpErrors.IoTimeout, TimeSpan.FromSeconds(5));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Connect_timeout_with_NotifyConnectError_goes_only_to_ConnectFailed()
    {
        var hole = Own(await ConnectBlackhole.CreateAsync(TimeSpan.FromSeconds(1.5)));
        var conn = await OpenAsync(RequestTo("127.0.0.1", hole.Port, SilentWriteHandler(NextId(), "hi"), ReadHandler(NextId())) with
        {
            NotifyConnectError = true,
            Timeouts = new ConnectionTimeouts(Connect: TimeSpan.FromSeconds(1)),
        });

        await ExpectConnectFailedAsync(conn, TcpErrors.IoTimeout, TimeSpan.FromSeconds(5));
        await ExpectClosedAsync(conn);
    }

    [Fact]
    public async Task Budget_also_bounds_a_hanging_connect()
    {
        var hole = Own(await ConnectBlackhole.CreateAsync(TimeSpan.FromSeconds(1.5)));
        var r1 = NextId();
        var clock = Stopwatch.StartNew();
        var conn = await OpenAsync(RequestTo("127.0.0.1", hole.Port, ReadHandler(r1)) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(1)),
        });

        await ExpectFailedAsync(conn, r1, TcpErrors.IoTimeout, TimeSpan.FromSeconds(5));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Return(conn);
        await ExpectClosedAsync(conn);
    }
}

/// <summary>The configured default timeout (1 s here) and requests that disable timers.</summary>
public sealed class DefaultTimeoutTests(ITestOutputHelper output)
    : ConnectionTestKit(output, "actortcp.default-timeout = 1s")
{
    [Fact]
    public async Task Request_without_timeout_uses_the_configured_default_budget()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), Settings.DefaultTimeout);
        var peer = StartPeer(s => s.NeverAnswer());
        var r1 = NextId();
        var clock = Stopwatch.StartNew();
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(r1)));

        await ExpectFailedAsync(conn, r1, TcpErrors.IoTimeout, TimeSpan.FromSeconds(4));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public async Task Zero_or_negative_budget_arms_no_timer(double seconds)
    {
        var peerClosed = NewResult<bool>();
        var peer = StartPeer(async (c, _) => peerClosed.TrySetResult(await c.DiscardUntilClosedAsync()));
        var conn = await OpenAsync(RequestTo(peer, ReadHandler(NextId())) with
        {
            Timeouts = new ConnectionTimeouts(Budget: TimeSpan.FromSeconds(seconds)),
        });

        // Well past the 1 s default: still waiting.
        await ExpectNothingAsync(conn, TimeSpan.FromSeconds(2.5));
        conn.Tell(CloseConnection.Instance);
        await ExpectClosedAsync(conn);
        Assert.True(await peerClosed.Task.WaitAsync(DefaultWait));
    }
}

/// <summary>The same tests with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class TimeoutTestsOnAkkaIo(ITestOutputHelper output) : TimeoutTests(output, AkkaIoHocon);
