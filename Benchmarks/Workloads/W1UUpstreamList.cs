using ActorTcp.Benchmarks.Measure;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W1U: W1 through a two-upstream round-robin list (<c>rspamd_upstream_list</c>): each request takes
/// <c>get_upstream_round_robin()</c> and passes <c>upstream = up</c>, so the server's two echo ports take turns. The raw
/// client alternates between the same two ports. Its target is W1's ActorTcp figure of the same run: what choosing and
/// reporting an upstream costs, not how far ActorTcp is from the raw client (W1 says that).
/// </summary>
public sealed class W1UUpstreamList(double scale) : Workload
{
    private readonly int _n = Scaled(20_000, scale);

    public override string Id => "W1U";
    public override string? ComparedWith => "W1";
    public override string Title =>
        $"W1U: W1 ({_n} round trips, {W1NewConnections.InFlight} in flight, a new connection each) through a " +
        "2-upstream round-robin list (two echo ports)";
    public override IReadOnlyList<Metric> Metrics =>
        [new(Id, "round trips/s", s => s.PerSecond, Target.RelativeAtLeast(0.95, "W1"))];

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Lua.Output.Clear();
        var definition = $"{context.Host}:{context.Server.Echo.Port},{context.Host}:{context.Server.SecondEcho.Port}";
        await context.Lua.RunAsync("w1u_upstream.lua", [definition, Text(_n), Text(W1NewConnections.InFlight),
            Text(context.MessageSize)], cancellationToken).ConfigureAwait(false);
        ScriptResult.Sum(context.Lua.Output.Lines()).EnsureAllOk(_n);
        return new Outcome(_n);
    }

    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await W1NewConnections.RawRoundTripsAsync(context, _n, [context.Server.Echo, context.Server.SecondEcho],
            cancellationToken).ConfigureAwait(false);
        return new Outcome(_n);
    }

    private static string Text(int value) => W1NewConnections.Text(value);
}
