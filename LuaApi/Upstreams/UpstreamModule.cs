using System.Net;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Metrics;
using ActorTcp.Actors.Upstreams;
using Akka.Actor;

namespace ActorTcp.LuaApi.Upstreams;

/// <summary>
/// <c>rspamd_upstream_list</c> in one Lua host: the lists its Lua made, and the host's copy of the node's upstream
/// health (<see cref="UpstreamTable"/>). Selections read the copy, never an actor; this host's own reports change it at
/// once and go to the owner (<see cref="UpstreamsActor"/>) as <see cref="MergeUpstreamHealth"/>, and the owner's
/// broadcasts are merged in (<see cref="OnOwnerMessage"/>). Watchers run later, as callback turns of their own.
/// </summary>
internal sealed partial class UpstreamModule : ILuaModule
{
    private readonly Dictionary<long, LuaUpstreamList> _lists = [];
    private readonly List<UpstreamChange> _changes = [];
    // Backends the owner was told to track: it resolves names, and publishes every backend's health to the gauges.
    private readonly HashSet<string> _tracked = new(StringComparer.Ordinal);
    private readonly List<BackendHealth> _revived = [];
    private readonly TimeProvider _clock;
    private readonly Random _random;
    private long _lastListId;

    /// <summary>A module whose health copy follows <paramref name="owner"/>; time from <paramref name="clock"/>.</summary>
    public UpstreamModule(IActorRef owner, UpstreamLimits limits, TimeProvider clock, Random random)
    {
        Owner = owner;
        _clock = clock;
        _random = random;
        Table = new UpstreamTable(limits, random.NextInt64());
    }

    /// <summary>The node's upstream owner.</summary>
    public IActorRef Owner { get; }

    /// <summary>The Lua host actor: the sender of every report, and where watcher turns are asked for.</summary>
    public IActorRef Host { get; set; } = ActorRefs.Nobody;

    /// <summary>Where this host's <c>fail()</c> reports are counted; null: nowhere.</summary>
    public ActorTcpMetrics? Metrics { get; init; }

    /// <summary>Where selection warnings are logged (the host's Lua log, set once the runtime exists).</summary>
    public ILuaLog? Log { get; set; }

    /// <summary>This host's copy of the node's health.</summary>
    public UpstreamTable Table { get; }

    /// <summary>Lists alive in Lua.</summary>
    public int ListCount => _lists.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> LuaChunks => ["rspamd_upstream_list.lua"];

    private long Now => _clock.GetUtcNow().UtcTicks;

    /// <inheritdoc/>
    public void Dispose() => _lists.Clear();

    /// <summary>
    /// A message of the owner (<see cref="UpstreamsSnapshot"/>, <see cref="UpstreamsChanged"/>): merged into the copy;
    /// the watchers of what changed are queued. Returns false for any other message.
    /// </summary>
    public bool OnOwnerMessage(object message)
    {
        IReadOnlyList<BackendState> backends;
        switch (message)
        {
            case UpstreamsSnapshot snapshot:
                backends = snapshot.Backends;
                break;
            case UpstreamsChanged changed:
                backends = changed.Backends;
                break;
            default:
                return false;
        }
        var now = Now;
        foreach (var backend in backends)
        {
            Table.Merge(backend.Health, now, _changes);
            if (backend.Addresses is not null) Table.SetAddresses(backend.Key, backend.Addresses);
            if (backend.Targets is not null) Table.SetTargets(backend.Key, backend.Targets);
            Table.IsAlive(backend.Key, now, _changes);
        }
        QueueWatchers();
        return true;
    }

    /// <summary>
    /// A request made with <paramref name="member"/> failed (<c>fail()</c>): counted here at once, then told to the owner.
    /// <paramref name="blameAddress"/>: the current address is blamed too (<c>fail(true)</c>).
    /// </summary>
    public void Fail(UpstreamMember member, bool blameAddress)
    {
        if (blameAddress) member.BlameCurrentAddress();
        Metrics?.UpstreamFailed(member.Key);
        Tell(Table.Fail(member.Key, Now, _changes));
        QueueWatchers();
    }

    /// <summary>A request made with <paramref name="member"/> succeeded (<c>ok()</c>): clears its failures and its current address's.</summary>
    public void Ok(UpstreamMember member)
    {
        member.ClearCurrentAddress();
        if (Table.Ok(member.Key, Now, _changes) is not { } changed) return;
        Tell(changed);
        QueueWatchers();
    }

    /// <summary>
    /// Where a request made with <paramref name="member"/> goes: the upstream rotation's next address; a
    /// <paramref name="port"/> given overrides the upstream's; a <paramref name="host"/> given names the peer (errors,
    /// TLS), else the upstream's name without port does; a unix socket's path is the host. An upstream without address
    /// yet (a name not answered), or one no longer in its list, gives the error rspamd gives an unresolvable host.
    /// </summary>
    public UpstreamTarget TargetOf(UpstreamMember? member, string? host, int? port)
    {
        host ??= member?.Spec.Host ?? "";
        if (member?.NextAddress(Table) is not { } address) return new UpstreamTarget(host, 0, null, TcpErrors.UnableToResolve(host));
        return address.UnixPath is { } path
            ? new UpstreamTarget(path, 0, null, null)
            : new UpstreamTarget(host, port ?? address.Port, address.Ip, null);
    }

    /// <summary>Chooses an upstream of <paramref name="list"/>; revivals it made are told to the owner.</summary>
    private UpstreamMember? Select(LuaUpstreamList list, UpstreamRotation method, ReadOnlySpan<byte> key)
    {
        _revived.Clear();
        var member = list.List.Select(method, key, Table, Now, _random, _changes, _revived, out var warning);
        if (warning is not null) Log?.Warning(warning);
        foreach (var health in _revived) Tell(health);
        QueueWatchers();
        return member;
    }

    private void Tell(BackendHealth? changed)
    {
        if (changed is not null) Owner.Tell(new MergeUpstreamHealth(changed), Host);
    }

    /// <summary>A list as Lua holds it: the pure list and its watchers.</summary>
    private sealed class LuaUpstreamList(long id, UpstreamList list)
    {
        public long Id { get; } = id;
        public UpstreamList List { get; } = list;
        public List<Watcher> Watchers { get; } = [];
    }

    /// <summary>A watcher: the events it wants (bits of <see cref="UpstreamEvent"/>) and its function's registry reference.</summary>
    private readonly record struct Watcher(int Events, int Function);
}

/// <summary>Where a request made with an upstream connects: host (names the peer), port, address (null for a unix socket), or why it cannot.</summary>
internal readonly record struct UpstreamTarget(string Host, int Port, IPAddress? Address, string? Error);
