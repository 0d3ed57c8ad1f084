using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ActorTcp.TestKit;
using Xunit;

namespace ActorTcp.Tests.TestKit;

/// <summary>
/// <see cref="ScriptedPeer"/> itself, against a plain socket client: a client that follows the script completes it and
/// is recorded; one that deviates fails the script with a message naming the step and what arrived.
/// </summary>
public sealed class ScriptedPeerScriptTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Short bounds, so the failures that wait for them come quickly.</summary>
    private static readonly ScriptedPeerOptions Quick = new()
    {
        StepTimeout = TimeSpan.FromMilliseconds(300),
        ScriptTimeout = TimeSpan.FromMilliseconds(800),
    };

    [Fact]
    public async Task A_client_that_follows_the_script_completes_it_and_what_it_sent_is_recorded()
    {
        using var peer = ScriptedPeer.Start(s => s
            .SendLine("220 hi")
            .ExpectLine("HELO x")
            .ExpectLineMatching("^MAIL FROM:<[a-z]+@test>$")
            .Expect("DATA\r\n")
            .ExpectUntil("\r\n.\r\n")
            .Wait(TimeSpan.FromMilliseconds(100))
            .SendSlowly("250 done\r\n", 3, TimeSpan.FromMilliseconds(20))
            .ExpectClose());
        using var client = await ConnectAsync(peer);

        Assert.Equal("220 hi\r\n", await ReceiveAsync(client, "\r\n"));
        var clock = Stopwatch.StartNew();
        await SendAsync(client, "HELO x\r\nMAIL FROM:<a@test>\r\nDATA\r\nbody\r\n.\r\n");
        Assert.Equal("250 done\r\n", await ReceiveAsync(client, "\r\n"));
        // A lower bound only: the wait and the three pauses between the four pieces of the slow reply.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"the reply came after {clock.Elapsed}");
        client.Shutdown(SocketShutdown.Send);

        await peer.Completion.WaitAsync(Wait);
        peer.AssertScriptFollowed();
        Assert.Equal("HELO x\r\nMAIL FROM:<a@test>\r\nDATA\r\nbody\r\n.\r\n", peer.ReceivedText);
        Assert.Equal(1, peer.AcceptedCount);
    }

    [Fact]
    public async Task Another_line_than_the_expected_one_fails_the_step_with_the_line_received()
    {
        using var peer = ScriptedPeer.Start(s => s.SendLine("220 hi").ExpectLine("QUIT"));
        using var client = await ConnectAsync(peer);

        await SendAsync(client, "RSET\r\n");

        var failure = await Assert.ThrowsAsync<ScriptedPeerException>(() => peer.Completion.WaitAsync(Wait));
        Assert.Equal("ScriptedPeer: step 2 (expect line \"QUIT\"): received \"RSET\\r\\n\"", failure.Message);
        Assert.Equal(failure.Message, Assert.Throws<ScriptedPeerException>(peer.AssertScriptFollowed).Message);
    }

    [Fact]
    public async Task A_client_closing_in_the_middle_of_a_line_fails_the_step_with_what_came_before()
    {
        using var peer = ScriptedPeer.Start(s => s.ExpectLine("QUIT"));
        using var client = await ConnectAsync(peer);

        await SendAsync(client, "QU");
        client.Shutdown(SocketShutdown.Send);

        var failure = await Assert.ThrowsAsync<ScriptedPeerException>(() => peer.Completion.WaitAsync(Wait));
        Assert.Equal("ScriptedPeer: step 1 (expect line \"QUIT\"): received \"QU\" then the client closed the connection", failure.Message);
    }

    [Fact]
    public async Task A_silent_client_fails_the_step_when_its_bound_passes()
    {
        using var peer = ScriptedPeer.Start(s => s.Expect("PING"), Quick);
        using var client = await ConnectAsync(peer);

        var failure = await Assert.ThrowsAsync<ScriptedPeerException>(() => peer.Completion.WaitAsync(Wait));
        Assert.Equal("ScriptedPeer: step 1 (expect \"PING\"): received nothing for 300 ms", failure.Message);
    }

    [Fact]
    public async Task Bytes_that_do_not_match_a_pattern_or_an_expected_close_are_quoted_with_escapes()
    {
        using var regexPeer = ScriptedPeer.Start(s => s.ExpectLineMatching("^[0-9]+$"));
        using var closePeer = ScriptedPeer.Start(s => s.ExpectClose());
        using var regexClient = await ConnectAsync(regexPeer);
        using var closeClient = await ConnectAsync(closePeer);

        await SendAsync(regexClient, "12a\t\"\x01\n");
        await SendAsync(closeClient, "QUIT\r\n");
        closeClient.Shutdown(SocketShutdown.Send);

        var mismatch = await Assert.ThrowsAsync<ScriptedPeerException>(() => regexPeer.Completion.WaitAsync(Wait));
        Assert.Equal("ScriptedPeer: step 1 (expect a line matching /^[0-9]+$/): received \"12a\\t\\\"\\x01\\n\"", mismatch.Message);
        var notClosed = await Assert.ThrowsAsync<ScriptedPeerException>(() => closePeer.Completion.WaitAsync(Wait));
        Assert.Equal("ScriptedPeer: step 1 (expect the client to close): received \"QUIT\\r\\n\" then the client closed the connection",
            notClosed.Message);
    }

    [Fact]
    public async Task No_client_at_all_fails_when_the_script_bound_passes()
    {
        using var peer = ScriptedPeer.Start(s => s.ExpectLine("HELO x"), Quick);

        var failure = await Assert.ThrowsAsync<ScriptedPeerException>(() => peer.Completion.WaitAsync(Wait));
        Assert.Equal("ScriptedPeer: no connection within 800 ms (the script expects 1 connection)", failure.Message);
    }

    [Fact]
    public async Task A_connection_more_than_the_script_expects_is_a_deviation()
    {
        using var peer = ScriptedPeer.Start(s => s.NeverAnswer());
        using var first = await ConnectAsync(peer);
        await peer.Completion.WaitAsync(Wait);

        using var second = await ConnectAsync(peer);

        await AwaitDeviationAsync(peer);
        Assert.Equal("ScriptedPeer: connection 2 was accepted, but the script expects 1 connection",
            Assert.Throws<ScriptedPeerException>(peer.AssertScriptFollowed).Message);
        Assert.Equal(2, peer.AcceptedCount);
    }

    [Fact]
    public async Task Every_expected_connection_runs_the_script_and_a_deviation_names_its_connection()
    {
        using var peer = ScriptedPeer.Start(s => s.ExpectLine("PING").SendLine("PONG"), ScriptedPeerOptions.Default with { Connections = 2 });
        using var first = await ConnectAsync(peer);
        await SendAsync(first, "PING\r\n");
        Assert.Equal("PONG\r\n", await ReceiveAsync(first, "\r\n"));
        using var second = await ConnectAsync(peer);

        await SendAsync(second, "PUNG\r\n");

        var failure = await Assert.ThrowsAsync<ScriptedPeerException>(() => peer.Completion.WaitAsync(Wait));
        Assert.Equal("ScriptedPeer: connection 2: step 1 (expect line \"PING\"): received \"PUNG\\r\\n\"", failure.Message);
        Assert.Equal("PING\r\nPUNG\r\n", peer.ReceivedText);
    }

    [Fact]
    public void A_step_after_one_that_ends_the_connection_is_refused_when_the_script_is_built()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ScriptedPeer.Start(s => s.SendLine("220 hi").Reset().SendLine("late")));

        Assert.Equal("ScriptedPeer: step 3 (send \"late\\r\\n\") follows step 2 (reset), which ends the script", error.Message);
    }

    [Fact]
    public async Task A_code_script_that_throws_fails_with_its_message()
    {
        using var peer = ScriptedPeer.Start(async (connection, _) =>
        {
            var line = await connection.ReadLineAsync();
            if (line != "HELLO") throw new InvalidOperationException($"unexpected greeting {line}");
        });
        using var client = await ConnectAsync(peer);

        await SendAsync(client, "HOWDY\r\n");

        var failure = await Assert.ThrowsAsync<ScriptedPeerException>(() => peer.Completion.WaitAsync(Wait));
        Assert.Equal("ScriptedPeer: step 1 (script): unexpected greeting HOWDY", failure.Message);
    }

    [Fact]
    public async Task ReadAny_takes_each_chunk_as_it_arrives_and_fails_at_the_end_of_the_stream()
    {
        var end = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var peer = ScriptedPeer.Start(async (connection, _) =>
        {
            for (var i = 0; i < 2; i++) await connection.SendAsync($"got {Encoding.Latin1.GetString(await connection.ReadAnyAsync())}\n");
            try
            {
                end.TrySetResult("more: " + Encoding.Latin1.GetString(await connection.ReadAnyAsync()));
            }
            catch (EndOfStreamException e)
            {
                end.TrySetResult(e.Message);
            }
        });
        using var client = await ConnectAsync(peer);

        await SendAsync(client, "AB");
        Assert.Equal("got AB\n", await ReceiveAsync(client, "\n"));
        await SendAsync(client, "CDE");
        Assert.Equal("got CDE\n", await ReceiveAsync(client, "\n"));
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("the client closed the connection", await end.Task.WaitAsync(Wait));
        await peer.Completion.WaitAsync(Wait);
    }

    [Fact]
    public async Task Disposing_the_peer_before_the_client_came_fails_its_completion_and_frees_the_port()
    {
        var peer = ScriptedPeer.Start(s => s.ExpectLine("HELO x"));

        peer.Dispose();

        var failure = await Assert.ThrowsAsync<ScriptedPeerException>(() => peer.Completion.WaitAsync(Wait));
        Assert.Equal("ScriptedPeer: disposed before the script ended", failure.Message);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await client.ConnectAsync(peer.EndPoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    private static async Task<Socket> ConnectAsync(ScriptedPeer peer)
    {
        var socket = new Socket(peer.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var limit = new CancellationTokenSource(Wait);
        await socket.ConnectAsync(peer.EndPoint, limit.Token);
        return socket;
    }

    private static async Task SendAsync(Socket socket, string text)
    {
        using var limit = new CancellationTokenSource(Wait);
        await socket.SendAsync(Encoding.Latin1.GetBytes(text), SocketFlags.None, limit.Token);
    }

    /// <summary>Receives until <paramref name="end"/> has arrived; returns everything received.</summary>
    private static async Task<string> ReceiveAsync(Socket socket, string end)
    {
        using var limit = new CancellationTokenSource(Wait);
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            if (n == 0) break;
            received.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }
        return received.ToString();
    }

    private static async Task AwaitDeviationAsync(ScriptedPeer peer)
    {
        using var limit = new CancellationTokenSource(Wait);
        while (peer.Deviations.Count == 0) await Task.Delay(20, limit.Token);
    }
}
