using System.Globalization;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W2: persistent connections sharing N round trips; on ActorTcp every round trip after the first is an
/// <c>add_write</c> chained from the read callback and an <c>add_read</c> chained from the write callback. W2 itself
/// runs on <see cref="DefaultConnections"/> connections and has the target; W2C10 and W2C1000 are the same work on 10
/// and 1000 connections, run in W2's group with no target of their own: they show how the ratio moves with concurrency.
/// </summary>
public sealed class W2PersistentConnections : Workload
{
    /// <summary>W2's own connection count, the one its target is for.</summary>
    public const int DefaultConnections = 100;

    private readonly int _connections;
    private readonly int _n;

    /// <summary>W2 (on <see cref="DefaultConnections"/>), or W2C<paramref name="connections"/> on another count.</summary>
    public W2PersistentConnections(double scale, int connections = DefaultConnections)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections);
        _connections = connections;
        // At least one round trip per connection, so every connection is opened and used.
        _n = Scaled(200_000, scale, minimum: connections);
    }

    public override string Id => _connections == DefaultConnections ? "W2" : $"W2C{_connections}";
    public override int? Connections => _connections;
    public override string? ComparedWith => _connections == DefaultConnections ? null : "W2";

    public override string Title =>
        $"{Id}: {_n} round trips on {_connections} persistent connections (add_write + add_read)";

    public override IReadOnlyList<Metric> Metrics => _connections == DefaultConnections
        ? [Throughput("round trips/s", 0.8)]
        : [new(Id, "round trips/s", s => s.PerSecond, Target.None($"none (W2 on {_connections} connections)"))];

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Lua.Output.Clear();
        await context.Lua.RunAsync("w2_persistent.lua", [context.Host, Text(context.Server.Echo.Port), Text(_n),
            Text(_connections), Text(context.MessageSize)], cancellationToken).ConfigureAwait(false);
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
        // 1000 SYNs at once stay within the server's listen backlog (4096) and the kernel's SYN backlog (W4 batches
        // its 10000 connects for that reason).
        await Task.WhenAll(Enumerable.Range(0, _connections).Select(_ => Connection())).ConfigureAwait(false);
        return new Outcome(_n);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
