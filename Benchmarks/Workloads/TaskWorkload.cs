using System.Globalization;
using System.Text;
using ActorTcp.Benchmarks.LuaHost;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// The task rows (W6S, W6, W7): N tasks, <c>inFlight</c> at a time (<see cref="TaskLoop"/>; 200 unless
/// <c>--in-flight</c> says otherwise), each a run of the plugin function <c>w6_task</c> (<c>Lua/w6_task.lua</c>):
/// <see cref="Finds"/> plain <c>string.find</c> calls over the task's 4 KiB body (<see cref="TaskBody"/>), then one
/// request of the task to the echo server (new connection, 64-byte line, <c>\n</c> stop pattern). A row says where its tasks run (its own ActorTcp host or hosts, started in
/// <see cref="StartAsync"/>) and how one is submitted (<see cref="RunOneAsync"/>). The raw side, the same in every row,
/// does the searches with <c>IndexOf</c> (<see cref="TaskBody.Search"/>) and one round trip on a new socket per task;
/// its figures across rows are the noise floor of one run's ratios.
/// </summary>
public abstract class TaskWorkload(double scale, int inFlight) : Workload
{
    /// <summary>Plain searches per task.</summary>
    internal const int Finds = 200;

    /// <summary>The plugin function every task runs.</summary>
    protected const string Function = "w6_task";

    /// <summary>The plugin that defines it, loaded into every Lua host.</summary>
    protected const string Script = "w6_task.lua";

    /// <summary>Each task's deadline.</summary>
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly int _hits = TaskBody.Search(Finds);

    /// <summary>Tasks per run.</summary>
    protected int Count { get; } = Scaled(20_000, scale);

    /// <summary>The task's fields (set up before the first run).</summary>
    protected IReadOnlyDictionary<string, object?> Fields { get; private set; } = new Dictionary<string, object?>();

    /// <summary>How many places (Lua hosts, nodes) tasks run at, and what one is called in the progress note.</summary>
    protected abstract (int Count, string Name) Places { get; }

    /// <summary>What the row's Lua hosts printed (a <c>bad ...</c> line fails the run).</summary>
    protected abstract IEnumerable<CapturingOutput> Outputs { get; }

    /// <summary>The start of the row's title: its id, tasks, in flight and what each does.</summary>
    protected string TitleStart =>
        $"{Id}: {Count} tasks, {inFlight} in flight, each {Finds} plain string.find over {TaskBody.Size} B + one request";

    /// <summary>Starts the row's ActorTcp host(s) with <paramref name="hocon"/> and loads the plugin, unmeasured.</summary>
    protected abstract Task StartAsync(string hocon, CancellationToken cancellationToken);

    /// <summary>Submits one task; returns where it ran, throws when it failed.</summary>
    protected abstract Task<int> RunOneAsync(CancellationToken cancellationToken);

    /// <summary>HOCON that sets the Lua host count, layered last so it wins over a <c>--hocon</c> that sets it.</summary>
    protected static string WithHosts(string hocon, int hosts) =>
        hocon + $"\nactortcp.lua.hosts = {hosts.ToString(CultureInfo.InvariantCulture)}\n";

    /// <summary>A failed task's error, its first line: the table's result cell is one line (the traceback follows).</summary>
    protected static string FirstLine(string? error) => error is null ? "" : error.Split('\n', 2)[0];

    /// <inheritdoc/>
    public override async Task SetUpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        Fields = new Dictionary<string, object?>
        {
            ["host"] = context.Host,
            ["port"] = context.Server.Echo.Port,
            ["line"] = Encoding.ASCII.GetString(RawSocket.Message(context.MessageSize)),
            ["body"] = TaskBody.Bytes,
            ["needles"] = string.Join('|', TaskBody.Needles),
            ["finds"] = Finds,
            ["hits"] = _hits,
        };
        await StartAsync(context.Hocon, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        foreach (var output in Outputs) output.Clear();
        var (places, name) = Places;
        var run = await TaskLoop.RunAsync(Count, inFlight, places, RunOneAsync, cancellationToken).ConfigureAwait(false);
        var bad = Outputs.SelectMany(o => o.Lines()).Where(l => l.StartsWith("bad ", StringComparison.Ordinal)).ToArray();
        if (bad.Length > 0)
            throw new InvalidOperationException($"{bad.Length} of {Count} replies failed, first: {bad[0]}");
        return new Outcome(Count, Note: run.Note(name), Latency: run.Latency);
    }

    /// <inheritdoc/>
    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var message = RawSocket.Message(context.MessageSize);
        async Task<int> RunOne(CancellationToken token)
        {
            var hits = TaskBody.Search(Finds);
            if (hits != _hits)
                throw new InvalidOperationException($"{hits} of {Finds} searches hit, expected {_hits}");
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(context.MessageSize * 2);
            try
            {
                using var socket = await RawSocket.ConnectAsync(context.Server.Echo, token).ConfigureAwait(false);
                await RawSocket.RoundTripAsync(socket, message, buffer, token).ConfigureAwait(false);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
            return 0;
        }
        var run = await TaskLoop.RunAsync(Count, inFlight, 1, RunOne, cancellationToken).ConfigureAwait(false);
        return new Outcome(Count, Latency: run.Latency);
    }
}
