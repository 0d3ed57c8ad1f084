using System.Net;

namespace ActorTcp.Actors.Dns;

/// <summary>Asks the resolver for the addresses of <see cref="Host"/> (A, then AAAA).</summary>
public sealed record Resolve(string Host, long Correlation);

/// <summary>The addresses of a name, IPv4 first, in the order the server gave them; never empty.</summary>
public sealed record Resolved(long Correlation, IReadOnlyList<IPAddress> Addresses);

/// <summary>Resolution failed with one of rspamd's texts (<c>unable to resolve host: ...</c>).</summary>
public sealed record ResolveFailed(long Correlation, string Error);
