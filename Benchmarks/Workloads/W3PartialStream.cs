using System.Globalization;
using System.Net.Sockets;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W3: one connection reading the server's whole stream (256 MiB at full scale) in partial mode; the raw client reads
/// it with 64 KiB receives (Akka.IO's frame size in HOCON.conf).
/// </summary>
public sealed class W3PartialStream(double scale) : Workload
{
    private const int RawBufferSize = 64 * 1024;

    /// <summary>What the server's stream port must send for this scale (it is fixed when the server starts).</summary>
    public static long StreamBytes(double scale) => Math.Max(1 << 20, (long)Math.Round(256.0 * (1 << 20) * scale));

    private readonly long _bytes = StreamBytes(scale);

    public override string Id => "W3";
    public override string Title => $"W3: one connection reading {_bytes / (1 << 20)} MiB in partial mode";

    // Operations are megabytes (1e6 bytes): per second gives MB/s, and the per-op costs are per MB.
    public override IReadOnlyList<Metric> Metrics => [Throughput("MB/s", 0.8)];

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Lua.Output.Clear();
        await context.Lua.RunAsync("w3_stream.lua",
            [context.Host, context.Server.Stream.Port.ToString(CultureInfo.InvariantCulture)], cancellationToken)
            .ConfigureAwait(false);
        var result = ScriptResult.Sum(context.Lua.Output.Lines());
        if (result.First != _bytes || result.Detail != "IO read error: connection terminated")
            throw new InvalidOperationException($"read {result.First} of {_bytes} bytes, ended by '{result.Detail}'");
        return new Outcome(_bytes / 1e6);
    }

    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var buffer = new byte[RawBufferSize];
        using var socket = await RawSocket.ConnectAsync(context.Server.Stream, cancellationToken).ConfigureAwait(false);
        long total = 0;
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
            total += n;
        if (total != _bytes) throw new InvalidOperationException($"read {total} of {_bytes} bytes");
        return new Outcome(_bytes / 1e6);
    }
}
