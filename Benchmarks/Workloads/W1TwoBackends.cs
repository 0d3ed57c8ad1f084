using ActorTcp.Benchmarks.Measure;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W1 over the server's two echo ports, in two forms that differ only in how a request names its backend:
/// <list type="bullet">
/// <item>W1U: through a two-upstream round-robin list (<c>rspamd_upstream_list</c>): each request takes
/// <c>get_upstream_round_robin()</c> and passes <c>upstream = up</c>. Its target is W1P's ActorTcp figure of the same
/// run, so the row shows what choosing and reporting an upstream costs.</item>
/// <item>W1P: each request passes host and the next port itself. W1U's baseline: plain W1 (one port) is not one,
/// because new connections to a single port cost the kernel more (its ephemeral port search, where a port used for that
/// destination in the last second cannot be taken again), for the raw client as much as for ActorTcp.</item>
/// </list>
/// The raw client alternates between the same two ports in both.
/// </summary>
public sealed class W1TwoBackends(double scale, bool upstream) : Workload
{
    private readonly int _n = Scaled(20_000, scale);

    public override string Id => upstream ? "W1U" : "W1P";
    public override string? ComparedWith => upstream ? "W1P" : "W1";

    public override string Title => upstream
        ? $"W1U: W1 ({_n} round trips) through a 2-upstream round-robin list over the two echo ports"
        : $"W1P: W1 ({_n} round trips) alternating between the two echo ports, host and port given (W1U's baseline)";

    public override IReadOnlyList<Metric> Metrics => upstream
        ? [new(Id, "round trips/s", s => s.PerSecond, Target.RelativeAtLeast(0.95, "W1P"))]
        : [Throughput("round trips/s", 0.9)];

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Lua.Output.Clear();
        await context.Lua.RunAsync("w1u_upstream.lua",
        [
            upstream ? "upstream" : "ports", context.Host, Text(context.Server.Echo.Port),
            Text(context.Server.SecondEcho.Port), Text(_n), Text(W1NewConnections.InFlight), Text(context.MessageSize),
        ], cancellationToken).ConfigureAwait(false);
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
