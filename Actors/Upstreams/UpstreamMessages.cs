using System.Net;
using Akka.Actor;

namespace ActorTcp.Actors.Upstreams;

// The upstream owner's protocol. Lua hosts keep their own copy of the node's view (UpstreamTable) and talk to the owner
// with the first group of messages; .NET callers use the second group and let the owner hold their lists.

/// <summary>
/// One backend as the owner sees it: health, and the addresses of a name (null until answered) or the targets of an SRV
/// element (null until answered).
/// </summary>
public sealed record BackendState(string Key, BackendHealth Health, IReadOnlyList<IPAddress>? Addresses,
    IReadOnlyList<UpstreamSpec>? Targets)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"BackendState({Key}, errors {Health.Errors}, {Addresses?.Count ?? 0} addresses, {Targets?.Count ?? 0} targets)";
}

/// <summary>
/// Subscribes <see cref="Subscriber"/> to the node's view: it gets <see cref="UpstreamsSnapshot"/> at once, then
/// <see cref="UpstreamsChanged"/> after every change, until it stops.
/// </summary>
public sealed record SubscribeUpstreams(IActorRef Subscriber);

/// <summary>Every backend the owner knows.</summary>
public sealed record UpstreamsSnapshot(IReadOnlyList<BackendState> Backends);

/// <summary>Backends whose health, addresses or targets changed, or whose dead period just ended.</summary>
public sealed record UpstreamsChanged(IReadOnlyList<BackendState> Backends);

/// <summary>
/// A list names these upstreams: the owner looks up the addresses of names and the targets of SRV elements (without
/// blocking anyone: until answered they have no address), and keeps them fresh.
/// </summary>
public sealed record TrackUpstreams(IReadOnlyList<UpstreamSpec> Upstreams);

/// <summary>A reporter's view of one backend's health after its own report (<c>ok()</c>, <c>fail()</c>, a revival): the owner merges it.</summary>
public sealed record MergeUpstreamHealth(BackendHealth Health);

/// <summary>
/// Makes a list for a .NET caller, held by the owner: answered with <see cref="UpstreamListCreated"/>, or
/// <see cref="UpstreamListRejected"/> when no element of <see cref="Definition"/> parses. Without
/// <see cref="DefaultPort"/>, elements without a port are dropped.
/// </summary>
public sealed record CreateUpstreamList(string Definition, int? DefaultPort = null);

/// <summary>A list was made: its id for <see cref="SelectUpstream"/>, its upstreams' names, and the elements dropped.</summary>
public sealed record UpstreamListCreated(long ListId, IReadOnlyList<string> Names, IReadOnlyList<string> Rejected);

/// <summary>No element of the definition parsed.</summary>
public sealed record UpstreamListRejected(string Definition, IReadOnlyList<string> Reasons);

/// <summary>
/// Chooses an upstream of list <see cref="ListId"/> as Lua's <c>get_upstream_*</c> do (the list's prefix overrides
/// <see cref="Method"/>; <see cref="HashKey"/> is the key of a hash choice): answered with <see cref="UpstreamSelected"/>
/// or <see cref="NoUpstreamSelected"/>. The address is the rotation's next one, as a request made with the upstream gets.
/// </summary>
public sealed record SelectUpstream(long ListId, UpstreamRotation Method = UpstreamRotation.RoundRobin, string? HashKey = null);

/// <summary>The chosen upstream: its name, its backend key (for <see cref="ReportUpstream"/>) and the address to use.</summary>
public sealed record UpstreamSelected(long ListId, string Name, string Key, UpstreamAddress Address);

/// <summary>Nothing to choose: an unknown list, an empty one, or no upstream with an address yet.</summary>
public sealed record NoUpstreamSelected(long ListId, string Reason);

/// <summary>A .NET caller's outcome with backend <see cref="Key"/> (<c>ok()</c> when <see cref="Success"/>, else <c>fail()</c>); no answer.</summary>
public sealed record ReportUpstream(string Key, bool Success);

/// <summary>Forgets a list made with <see cref="CreateUpstreamList"/>.</summary>
public sealed record DeleteUpstreamList(long ListId);

/// <summary>Asks for every backend's state; answered with <see cref="UpstreamsSnapshot"/>.</summary>
public sealed class GetUpstreams
{
    /// <summary>The instance.</summary>
    public static readonly GetUpstreams Instance = new();
    private GetUpstreams() { }
}
