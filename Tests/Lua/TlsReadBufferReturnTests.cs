using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// A TLS read's plaintext lands in a pooled 16 KiB buffer that the connection holds until its bytes were handed on.
/// A callback that closes its own connection has read them: the buffer goes back to the pool, so a run of such requests
/// reuses a few buffers instead of making the pool allocate one per request. Runs alone: it counts the process's pool
/// allocations.
/// </summary>
[Collection(nameof(Alone))]
public sealed class TlsReadBufferReturnTests : WholeProcessLuaTestKit
{
    private const int Requests = 40;
    private const int PlaintextReadSize = 16 * 1024;

    public TlsReadBufferReturnTests(ITestOutputHelper log) : base(log, "tls-buffers") { }

    // N requests one after another, each closing its connection from its read callback (as a plugin that is done).
    private const string Script = """
        local tcp = require 'rspamd_tcp'
        local port, n = tonumber(arg[1]), tonumber(arg[2])
        local done, bad = 0, 0
        local function start()
          tcp.request{host = '127.0.0.1', port = port, data = 'ping\n', stop_pattern = '\n', timeout = 10,
            ssl = true, ssl_noverify = true,
            callback = function(err, data, conn)
              if err or tostring(data) ~= 'pong' then bad = bad + 1 end
              conn:close()
              done = done + 1
              if done < n then start() else print('done', done, bad) end
            end}
        end
        start()
        """;

    [Fact]
    public async Task Requests_that_close_from_their_read_callback_give_their_tls_read_buffers_back_to_the_pool()
    {
        using var peer = ScriptedPeer.Start(async (c, _) =>
        {
            await c.StartTlsAsync(TestPki.Instance.Localhost);
            await c.ReadUntilAsync("\n");
            await c.SendAsync("pong\n");
            await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(5));
        }, ScriptedPeerOptions.Default with { Connections = Requests + 5 });
        var output = new PrintedLines();
        var (host, _) = StartLuaHost(output);

        // A first run fills the pool's buckets for this size; the second is counted.
        await RunAsync(host, peer.Port, 5);
        output.Clear();
        using var pool = new PoolAllocations(PlaintextReadSize);
        await RunAsync(host, peer.Port, Requests);

        Assert.Equal($"done\t{Requests}\t0", Assert.Single(output.Lines));
        Output.WriteLine($"16 KiB buffers the pool allocated over {Requests} requests: {pool.Count}");
        // Before the fix every request's buffer was left to the collector: one allocation per request.
        Assert.InRange(pool.Count, 0, Requests / 4);
    }

    private static async Task RunAsync(IActorRef host, int port, int requests)
    {
        var finished = await host.Ask<ScriptFinished>(
            replyTo => new RunScript("tls_close.lua", Encoding.UTF8.GetBytes(Script),
                [port.ToString(CultureInfo.InvariantCulture), requests.ToString(CultureInfo.InvariantCulture)], replyTo),
            TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Null(finished.Error);
    }

    /// <summary>Counts the shared array pool's allocations of buffers of one size (its event source's BufferAllocated).</summary>
    private sealed class PoolAllocations(int size) : EventListener
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "System.Buffers.ArrayPoolEventSource") EnableEvents(source, EventLevel.Informational);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName != "BufferAllocated" || e.PayloadNames is null) return;
            var at = e.PayloadNames.IndexOf("bufferSize");
            if (at >= 0 && e.Payload![at] is int bytes && bytes == size) Interlocked.Increment(ref _count);
        }
    }
}
