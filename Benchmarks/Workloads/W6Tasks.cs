using ActorTcp.Benchmarks.LuaHost;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Hosting;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W6S and W6: the task rows' tasks (<see cref="TaskWorkload"/>) run through <see cref="LuaPluginService.RunTaskAsync"/>
/// in an ActorTcp host of the row's own, with a Lua host pool of a given size (<c>actortcp.lua.hosts</c>): W6S one host,
/// W6 one per processor. W6's target is W6S's ActorTcp figure of the same run (the two run interleaved), so the row
/// shows what the pool gains; W6 is in turn W7's one-node baseline.
/// </summary>
public sealed class W6Tasks(double scale, int inFlight, bool pool) : TaskWorkload(scale, inFlight)
{
    private readonly int _hosts = pool ? Environment.ProcessorCount : 1;
    private LuaBenchHost? _host;

    public override string Id => pool ? "W6" : "W6S";
    public override string? ComparedWith => pool ? "W6S" : null;
    public override string Title => $"{TitleStart}; actortcp.lua.hosts = {_hosts}";

    public override IReadOnlyList<Metric> Metrics => pool
        ? TaskLoop.Metrics(Id, Target.RelativeAtLeast(1.5, "W6S"), Target.None("none (W7's baseline)"),
            Target.None("none (W7's baseline)"))
        : TaskLoop.Metrics(Id, Target.None("none (W6's baseline)"), Target.None("none"), Target.None("none"));

    protected override (int Count, string Name) Places => (_hosts, "Lua host");

    protected override IEnumerable<CapturingOutput> Outputs => _host is { } host ? [host.Output] : [];

    protected override async Task StartAsync(string hocon, CancellationToken cancellationToken)
    {
        _host = await LuaBenchHost.StartAsync(WithHosts(hocon, _hosts), cancellationToken).ConfigureAwait(false);
        await _host.LoadPluginAsync(Script, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask TearDownAsync()
    {
        if (_host is { } host) await host.DisposeAsync().ConfigureAwait(false);
        _host = null;
    }

    protected override async Task<int> RunOneAsync(CancellationToken cancellationToken)
    {
        var host = _host ?? throw new InvalidOperationException($"{Id} is not set up");
        var result = await host.RunTaskAsync(Function, Fields, Deadline, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded) return result.Host;
        throw new InvalidOperationException((result.TimedOut ? "a task timed out: " : "a task failed: ") + FirstLine(result.Error));
    }
}
