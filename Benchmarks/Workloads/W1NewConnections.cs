using System.Globalization;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>W1: N round trips, 100 in flight, one new connection per round trip (connect, write, read line, close).</summary>
public sealed class W1NewConnections(double scale) : Workload
{
    private const int InFlight = 100;
    private readonly int _n = Scaled(20_000, scale);

    public override string Id => "W1";
    public override string Title => $"W1: {_n} round trips, {InFlight} in flight, a new connection each";
    public override IReadOnlyList<Metric> Metrics => [Throughput("round trips/s", 0.9)];

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Lua.Output.Clear();
        await context.Lua.RunAsync("w1_request.lua", [context.Host, Port(context), Text(_n), Text(InFlight),
            Text(context.MessageSize)], cancellationToken).ConfigureAwait(false);
        ScriptResult.Sum(context.Lua.Output.Lines()).EnsureAllOk(_n);
        return new Outcome(_n);
    }

    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var message = RawSocket.Message(context.MessageSize);
        var started = 0;
        async Task Worker()
        {
            var buffer = new byte[context.MessageSize * 2];
            while (Interlocked.Increment(ref started) <= _n)
            {
                using var socket = await RawSocket.ConnectAsync(context.Server.Echo, cancellationToken).ConfigureAwait(false);
                await RawSocket.RoundTripAsync(socket, message, buffer, cancellationToken).ConfigureAwait(false);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(InFlight, _n)).Select(_ => Worker())).ConfigureAwait(false);
        return new Outcome(_n);
    }

    private static string Port(BenchContext context) => Text(context.Server.Echo.Port);
    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
