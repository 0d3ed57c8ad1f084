using System.Globalization;
using System.Text;
using ActorTcp.Benchmarks.LuaHost;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;
using ActorTcp.Hosting;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W6S and W6: N tasks, <see cref="InFlight"/> at a time, each a run of the plugin function <c>w6_task</c>
/// (<c>Lua/w6_task.lua</c>) through <see cref="LuaPluginService.RunTaskAsync"/>: <see cref="Finds"/> plain
/// <c>string.find</c> calls over the task's 4 KiB body (<see cref="TaskBody"/>), then one request of the task to the
/// echo server (new connection, 64-byte line, <c>\n</c> stop pattern). Each row starts an ActorTcp host of its own
/// with a Lua host pool of a given size (<c>actortcp.lua.hosts</c>): W6S one host, W6 one per processor; W6's target
/// is W6S's ActorTcp figure of the same run (the two run interleaved), so the row shows what the pool gains. The raw
/// side, the same in both rows, does the searches with <c>IndexOf</c> (<see cref="TaskBody.Search"/>) and one round
/// trip on a new socket per task; its two figures are the noise floor of one run's ratio.
/// </summary>
public sealed class W6Tasks(double scale, bool pool) : Workload
{
    /// <summary>Tasks in flight at once.</summary>
    internal const int InFlight = 200;

    /// <summary>Plain searches per task.</summary>
    internal const int Finds = 200;

    private const string Function = "w6_task";
    private const string Script = "w6_task.lua";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly int _n = Scaled(20_000, scale);
    private readonly int _hosts = pool ? Environment.ProcessorCount : 1;
    private readonly int _hits = TaskBody.Search(Finds);
    private LuaBenchHost? _host;
    private Dictionary<string, object?>? _fields;

    public override string Id => pool ? "W6" : "W6S";
    public override string? ComparedWith => pool ? "W6S" : null;

    public override string Title =>
        $"{Id}: {_n} tasks, {InFlight} in flight, each {Finds} plain string.find over {TaskBody.Size} B " +
        $"+ one request; actortcp.lua.hosts = {_hosts}";

    public override IReadOnlyList<Metric> Metrics => pool
        ? [new(Id, "tasks/s", s => s.PerSecond, Target.RelativeAtLeast(1.5, "W6S"))]
        : [new(Id, "tasks/s", s => s.PerSecond, Target.None("none (W6's baseline)"))];

    public override async Task SetUpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        // Last, so it wins over a --hocon that sets the pool size: the row is defined by it.
        var hocon = context.Hocon + $"\nactortcp.lua.hosts = {_hosts.ToString(CultureInfo.InvariantCulture)}\n";
        _host = await LuaBenchHost.StartAsync(hocon, cancellationToken).ConfigureAwait(false);
        await _host.LoadPluginAsync(Script, cancellationToken).ConfigureAwait(false);
        _fields = new Dictionary<string, object?>
        {
            ["host"] = context.Host,
            ["port"] = context.Server.Echo.Port,
            ["line"] = Encoding.ASCII.GetString(RawSocket.Message(context.MessageSize)),
            ["body"] = TaskBody.Bytes,
            ["needles"] = string.Join('|', TaskBody.Needles),
            ["finds"] = Finds,
            ["hits"] = _hits,
        };
    }

    public override async ValueTask TearDownAsync()
    {
        if (_host is { } host) await host.DisposeAsync().ConfigureAwait(false);
        _host = null;
    }

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var host = _host ?? throw new InvalidOperationException($"{Id} is not set up");
        var fields = _fields!;
        host.Output.Clear();
        var perHost = new int[_hosts];
        var started = 0;
        Exception? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task Worker()
        {
            try
            {
                while (Interlocked.Increment(ref started) <= _n)
                {
                    var result = await host.RunTaskAsync(Function, fields, Deadline, stop.Token).ConfigureAwait(false);
                    if (!result.Succeeded)
                    {
                        var how = result.TimedOut ? "a task timed out: " : "a task failed: ";
                        throw new InvalidOperationException(how + FirstLine(result.Error));
                    }
                    var index = HostOf(result);
                    if ((uint)index >= (uint)perHost.Length)
                        throw new InvalidOperationException($"a task ran on host {index}, the pool has {_hosts}");
                    Interlocked.Increment(ref perHost[index]);
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // The first failure stops the other workers: the run is failed, the tasks left are not worth running.
                Interlocked.CompareExchange(ref failure, e, null);
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(InFlight, _n)).Select(_ => Worker())).ConfigureAwait(false);
        }
        catch (Exception) when (failure is not null)
        {
            // The other workers' cancellations; the first failure is the one to report.
        }
        if (failure is not null) throw new InvalidOperationException(failure.Message, failure);
        var bad = host.Output.Lines().Where(l => l.StartsWith("bad ", StringComparison.Ordinal)).ToArray();
        if (bad.Length > 0)
            throw new InvalidOperationException($"{bad.Length} of {_n} replies failed, first: {bad[0]}");
        return new Outcome(_n, Note: "tasks per Lua host " + string.Join('/', perHost));
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
                var hits = TaskBody.Search(Finds);
                if (hits != _hits)
                    throw new InvalidOperationException($"{hits} of {Finds} searches hit, expected {_hits}");
                using var socket = await RawSocket.ConnectAsync(context.Server.Echo, cancellationToken)
                    .ConfigureAwait(false);
                await RawSocket.RoundTripAsync(socket, message, buffer, cancellationToken).ConfigureAwait(false);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(InFlight, _n)).Select(_ => Worker())).ConfigureAwait(false);
        return new Outcome(_n);
    }

    // The error's first line: the table's result cell is one line (the traceback follows in the error).
    private static string FirstLine(string? error) => error is null ? "" : error.Split('\n', 2)[0];

    private static int HostOf(LuaPluginResult result) => result.Host;
}
