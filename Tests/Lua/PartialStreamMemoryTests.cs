using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Akka.Actor;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua;

/// <summary>
/// A 100 MB reply read in partial mode by a Lua callback that takes its time over each chunk (issue 8 item 2):
/// reading is pulled by the consumer, so the host holds a few chunks at a time, never the reply. Runs alone: it
/// measures the whole process.
/// </summary>
[Collection(nameof(Alone))]
public sealed class PartialStreamMemoryTests : WholeProcessLuaTestKit
{
    private const long ReplyBytes = 100L * 1024 * 1024;

    /// <summary>Growth allowed over the start: well under the reply's size, so the reply cannot have been buffered.</summary>
    private const long MaxGrowth = 40L * 1024 * 1024;

    public PartialStreamMemoryTests(ITestOutputHelper log) : base(log, "partial-memory") { }

    private const string Script = """
        local tcp = require 'rspamd_tcp'
        local total, chunks, work = 0, 0, 0
        tcp.request{host = '127.0.0.1', port = tonumber(arg[1]), partial = true, timeout = 120,
          callback = function(err, data)
            if err then
              print('end', err, total, chunks)
              return
            end
            total = total + #data
            chunks = chunks + 1
            -- a slow consumer: look at every chunk's bytes, then do some unrelated work
            local s = tostring(data)
            work = work + #s:sub(1, 16)
            for i = 1, 2000 do work = work + i % 7 end
          end}
        """;

    [Fact]
    public async Task Hundred_megabytes_in_partial_mode_to_a_slow_lua_consumer_keeps_memory_bounded()
    {
        using var server = new StreamServer(ReplyBytes);
        var output = new PrintedLines();
        var (host, _) = StartLuaHost(output);

        var (managedBefore, workingSetBefore) = Measure(collect: true);
        using var sampling = new CancellationTokenSource();
        long managedPeak = 0, workingSetPeak = 0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var (managed, workingSet) = Measure(collect: false);
                managedPeak = Math.Max(managedPeak, managed);
                workingSetPeak = Math.Max(workingSetPeak, workingSet);
                try
                {
                    await Task.Delay(10, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });

        var finished = await host.Ask<ScriptFinished>(
            replyTo => new RunScript("stream.lua", Encoding.UTF8.GetBytes(Script), [server.Port.ToString(CultureInfo.InvariantCulture)], replyTo),
            TimeSpan.FromMinutes(3), CancellationToken.None);
        await sampling.CancelAsync();
        await sampler;

        Output.WriteLine($"managed {managedBefore} -> peak {managedPeak} B; working set {workingSetBefore} -> peak {workingSetPeak} B");
        Assert.Null(finished.Error);
        var line = Assert.Single(output.Lines);
        var parts = line.Split('\t');
        Assert.Equal(["end", "IO read error: connection terminated", ReplyBytes.ToString(CultureInfo.InvariantCulture)], parts[..3]);
        Assert.True(int.Parse(parts[3], CultureInfo.InvariantCulture) >= ReplyBytes / 8192, $"chunks: {parts[3]}");
        Assert.InRange(managedPeak - managedBefore, long.MinValue, MaxGrowth);
        Assert.InRange(workingSetPeak - workingSetBefore, long.MinValue, MaxGrowth);
    }

    private static (long Managed, long WorkingSet) Measure(bool collect)
    {
        if (collect)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(false), process.WorkingSet64);
    }

    /// <summary>Sends <c>length</c> bytes, made 64 KiB at a time (never held whole), to one client, then closes.</summary>
    private sealed class StreamServer : IDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(3));
        private readonly Task _serving;

        public StreamServer(long length)
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(1);
            Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
            _serving = Task.Run(() => ServeAsync(length));
        }

        public int Port { get; }

        private async Task ServeAsync(long length)
        {
            try
            {
                using var client = await _listener.AcceptAsync(_stop.Token);
                var block = new byte[64 * 1024];
                for (var i = 0; i < block.Length; i++) block[i] = (byte)('a' + i % 26);
                for (long sent = 0; sent < length;)
                {
                    var n = (int)Math.Min(block.Length, length - sent);
                    sent += await client.SendAsync(block.AsMemory(0, n), SocketFlags.None, _stop.Token);
                }
                client.Shutdown(SocketShutdown.Send);
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
            }
            catch (Exception)
            {
                // The client went away or the test ended.
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Dispose();
            try
            {
                _serving.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // Ended by the cancellation.
            }
            _stop.Dispose();
        }
    }
}
