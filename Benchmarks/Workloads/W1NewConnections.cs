using System.Globalization;
using System.Net;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>W1: N round trips, 100 in flight, one new connection per round trip (connect, write, read line, close).</summary>
public sealed class W1NewConnections(double scale) : Workload
{
    /// <summary>Round trips in flight at once.</summary>
    internal const int InFlight = 100;
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
        await RawRoundTripsAsync(context, _n, [context.Server.Echo], cancellationToken).ConfigureAwait(false);
        return new Outcome(_n);
    }

    /// <summary>
    /// The raw side of W1, W1P and W1U: <paramref name="n"/> round trips, <see cref="InFlight"/> at a time, each on a new
    /// connection to the next of <paramref name="endPoints"/> in turn.
    /// </summary>
    internal static async Task RawRoundTripsAsync(BenchContext context, int n, IReadOnlyList<EndPoint> endPoints,
        CancellationToken cancellationToken)
    {
        var message = RawSocket.Message(context.MessageSize);
        var started = 0;
        async Task Worker()
        {
            var buffer = new byte[context.MessageSize * 2];
            int index;
            while ((index = Interlocked.Increment(ref started)) <= n)
            {
                var endPoint = endPoints[index % endPoints.Count];
                using var socket = await RawSocket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
                await RawSocket.RoundTripAsync(socket, message, buffer, cancellationToken).ConfigureAwait(false);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(InFlight, n)).Select(_ => Worker())).ConfigureAwait(false);
    }

    private static string Port(BenchContext context) => Text(context.Server.Echo.Port);
    internal static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
