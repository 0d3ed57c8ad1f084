using System.Net;

namespace ActorTcp.Actors.Dns;

/// <summary>Asks the resolver for the addresses of <see cref="Host"/> (A, then AAAA).</summary>
public sealed record Resolve(string Host, long Correlation);

/// <summary>The addresses of a name, IPv4 first, in the order the server gave them; never empty.</summary>
public sealed record Resolved(long Correlation, IReadOnlyList<IPAddress> Addresses);

/// <summary>Resolution failed with one of rspamd's texts (<c>unable to resolve host: ...</c>).</summary>
public sealed record ResolveFailed(long Correlation, string Error);

/// <summary>Asks the resolver for the SRV records of <see cref="Name"/> (e.g. <c>_smtp._tcp.example.com</c>).</summary>
public sealed record ResolveService(string Name, long Correlation);

/// <summary>
/// The SRV targets of a name: the answer's order sorted by priority (ascending), then weight (descending); never empty.
/// </summary>
public sealed record ServiceResolved(long Correlation, IReadOnlyList<ServiceTarget> Targets);

/// <summary>One SRV record: the target host name without the trailing dot, its port, priority and weight.</summary>
public sealed record ServiceTarget(string Host, int Port, int Priority, int Weight);
