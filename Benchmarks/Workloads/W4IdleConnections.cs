using System.Globalization;
using System.Net.Sockets;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W4: 10000 connections open at once, each idle with a read pending; memory is taken (after a full collection) once
/// all are connected, then the server drops them all. The raw client's pending read is a zero-byte receive (no buffer
/// held while idle, as Kestrel does), so its figure is the floor a .NET client can reach.
/// </summary>
public sealed class W4IdleConnections(double scale) : Workload
{
    // Issue 21's target for ActorTcp (it was 8 KiB before the idle connection was cut down, BENCHMARKS.md W4).
    private const double TargetBytes = 3_000;
    private const int ConnectBatch = 500;
    private readonly int _n = Scaled(10_000, scale);

    public override string Id => "W4";
    public override string Title => $"W4: {_n} idle open connections (memory per connection)";

    public override IReadOnlyList<Metric> Metrics =>
    [
        new("W4 managed", "B/conn", s => s.Outcome.ManagedBytesPerConnection ?? double.NaN, Target.AtMost(TargetBytes, "3 KB")),
        new("W4 RSS", "B/conn", s => s.Outcome.ResidentBytesPerConnection ?? double.NaN, Target.AtMost(TargetBytes, "3 KB")),
    ];

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var before = MemorySnapshot.Take();
        context.Lua.Output.Clear();
        var ready = context.Lua.Output.NextLineStartingWith("ready");
        var run = context.Lua.RunAsync("w4_idle.lua",
            [context.Host, Text(context.Server.Echo.Port), Text(_n)], cancellationToken);
        if (await Task.WhenAny(ready, run).ConfigureAwait(false) != ready)
        {
            await run.ConfigureAwait(false); // a Lua error or the timeout: throws
            throw new InvalidOperationException($"w4_idle.lua ended before all connected: {string.Join(" | ", context.Lua.Output.Lines())}");
        }
        var line = await ready.ConfigureAwait(false);
        if (line != "ready " + Text(_n)) throw new InvalidOperationException($"w4_idle.lua printed '{line}'");

        var after = MemorySnapshot.Take();
        await context.Server.DropAllAsync(cancellationToken).ConfigureAwait(false);
        await run.ConfigureAwait(false);
        var result = ScriptResult.Sum(context.Lua.Output.Lines());
        if (result.First != _n || result.Second != _n)
            throw new InvalidOperationException($"{result.First} connected, {result.Second} ended of {_n}: {result.Detail}");
        return after.PerConnectionSince(before, _n);
    }

    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var before = MemorySnapshot.Take();
        var sockets = new Socket[_n];
        var reads = new Task<int>[_n];
        try
        {
            // In batches: 10000 SYNs at once would overflow the listen backlog and wait for SYN retransmits.
            for (var first = 0; first < _n; first += ConnectBatch)
            {
                var count = Math.Min(ConnectBatch, _n - first);
                var batch = await Task.WhenAll(Enumerable.Range(0, count)
                    .Select(_ => RawSocket.ConnectAsync(context.Server.Echo, cancellationToken))).ConfigureAwait(false);
                batch.CopyTo(sockets, first);
            }
            for (var i = 0; i < _n; i++)
                reads[i] = sockets[i].ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).AsTask();

            var after = MemorySnapshot.Take();
            await context.Server.DropAllAsync(cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(reads).ConfigureAwait(false);
            return after.PerConnectionSince(before, _n);
        }
        finally
        {
            foreach (var socket in sockets) socket?.Dispose();
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
