using System.Globalization;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W5: 100 coroutines, each <c>connect_sync</c> then 200 <c>write</c>/<c>read_once</c> round trips. The 100 coroutines
/// are 100 script bodies run at once (the host runs every body in a coroutine of its own).
/// </summary>
public sealed class W5SyncCoroutines(double scale) : Workload
{
    private const int Coroutines = 100;
    private readonly int _rounds = Scaled(200, scale);

    public override string Id => "W5";
    public override string Title => $"W5: connect_sync, {Coroutines} coroutines x {_rounds} write/read_once round trips";
    public override IReadOnlyList<Metric> Metrics => [Throughput("round trips/s", 0.6)];

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Lua.Output.Clear();
        string[] args = [context.Host, Text(context.Server.Echo.Port), Text(_rounds), Text(context.MessageSize)];
        await Task.WhenAll(Enumerable.Range(0, Coroutines)
            .Select(_ => context.Lua.RunAsync("w5_sync.lua", args, cancellationToken))).ConfigureAwait(false);
        ScriptResult.Sum(context.Lua.Output.Lines(), Coroutines).EnsureAllOk((long)Coroutines * _rounds);
        return new Outcome((long)Coroutines * _rounds);
    }

    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var message = RawSocket.Message(context.MessageSize);
        async Task Coroutine()
        {
            var buffer = new byte[context.MessageSize * 2];
            using var socket = await RawSocket.ConnectAsync(context.Server.Echo, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < _rounds; i++)
                await RawSocket.RoundTripAsync(socket, message, buffer, cancellationToken).ConfigureAwait(false);
        }
        await Task.WhenAll(Enumerable.Range(0, Coroutines).Select(_ => Coroutine())).ConfigureAwait(false);
        return new Outcome((long)Coroutines * _rounds);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
