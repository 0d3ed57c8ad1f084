using System.Globalization;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W2: 100 persistent connections sharing N round trips; on ActorTcp every round trip after the first is an
/// <c>add_write</c> chained from the read callback and an <c>add_read</c> chained from the write callback.
/// </summary>
public sealed class W2PersistentConnections(double scale) : Workload
{
    private const int Connections = 100;
    private readonly int _n = Scaled(200_000, scale, minimum: Connections);

    public override string Id => "W2";
    public override string Title => $"W2: {_n} round trips on {Connections} persistent connections (add_write + add_read)";
    public override IReadOnlyList<Metric> Metrics => [Throughput("round trips/s", 0.8)];

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Lua.Output.Clear();
        await context.Lua.RunAsync("w2_persistent.lua", [context.Host, Text(context.Server.Echo.Port), Text(_n),
            Text(Connections), Text(context.MessageSize)], cancellationToken).ConfigureAwait(false);
        ScriptResult.Sum(context.Lua.Output.Lines()).EnsureAllOk(_n);
        return new Outcome(_n);
    }

    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var message = RawSocket.Message(context.MessageSize);
        var started = 0;
        async Task Connection()
        {
            var buffer = new byte[context.MessageSize * 2];
            using var socket = await RawSocket.ConnectAsync(context.Server.Echo, cancellationToken).ConfigureAwait(false);
            while (Interlocked.Increment(ref started) <= _n)
                await RawSocket.RoundTripAsync(socket, message, buffer, cancellationToken).ConfigureAwait(false);
        }
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Connection())).ConfigureAwait(false);
        return new Outcome(_n);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
