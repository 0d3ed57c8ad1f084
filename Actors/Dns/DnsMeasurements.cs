using System.Diagnostics;
using ActorTcp.Actors.Metrics;
using DnsClient;

namespace ActorTcp.Actors.Dns;

/// <summary>What a DNS lookup is for: the <c>kind</c> tag.</summary>
internal enum DnsLookupKind
{
    /// <summary>A and AAAA of a host name.</summary>
    Address,
    /// <summary>SRV of a service name.</summary>
    Service,
}

/// <summary>How a DNS lookup (or one of its queries) ended: the <c>outcome</c> tag.</summary>
internal enum DnsLookupOutcome
{
    /// <summary>Something to connect to came back.</summary>
    Ok,
    /// <summary>NXDOMAIN, or NOERROR without a usable record.</summary>
    NotFound,
    /// <summary>No answer within <c>actortcp.dns.timeout</c> (every retry).</summary>
    Timeout,
    /// <summary>Any other failure: SERVFAIL, REFUSED, a malformed answer, a network error.</summary>
    Error,
}

/// <summary>The resolver's side of <see cref="ActorTcpMetrics"/>: lookups counted and timed, by kind and outcome.</summary>
internal static class DnsMeasurements
{
    private static readonly KeyValuePair<string, object?>[] s_kinds = [new("kind", "address"), new("kind", "service")];

    private static readonly KeyValuePair<string, object?>[] s_outcomes =
        [new("outcome", "ok"), new("outcome", "not_found"), new("outcome", "timeout"), new("outcome", "error")];

    /// <summary>A lookup starts: its timestamp while the duration is listened to, else 0.</summary>
    public static long Start(ActorTcpMetrics metrics) => metrics.DnsLookupDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>A lookup that started at <paramref name="started"/> ended (from any thread).</summary>
    public static void Ended(ActorTcpMetrics metrics, DnsLookupKind kind, DnsLookupOutcome outcome, long started)
    {
        var (kindTag, outcomeTag) = (s_kinds[(int)kind], s_outcomes[(int)outcome]);
        metrics.DnsLookups.Add(1, kindTag, outcomeTag);
        if (started != 0) metrics.DnsLookupDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, kindTag, outcomeTag);
    }

    /// <summary>The outcome of an answer with <paramref name="code"/> that gave nothing usable.</summary>
    public static DnsLookupOutcome Of(DnsHeaderResponseCode code) =>
        code is DnsHeaderResponseCode.NoError or DnsHeaderResponseCode.NotExistentDomain ? DnsLookupOutcome.NotFound : DnsLookupOutcome.Error;

    /// <summary>The outcome of a query that threw <paramref name="exception"/>.</summary>
    public static DnsLookupOutcome Of(Exception exception) =>
        exception is DnsResponseException { Code: DnsResponseCode.ConnectionTimeout } ? DnsLookupOutcome.Timeout : DnsLookupOutcome.Error;

    /// <summary>
    /// An address lookup's outcome from its A and AAAA queries: ok when either gave an address; not found when both
    /// found nothing; else a timeout when either timed out, else an error.
    /// </summary>
    public static DnsLookupOutcome Combine(DnsLookupOutcome a, DnsLookupOutcome aaaa)
    {
        if (a == DnsLookupOutcome.Ok || aaaa == DnsLookupOutcome.Ok) return DnsLookupOutcome.Ok;
        if (a == DnsLookupOutcome.NotFound && aaaa == DnsLookupOutcome.NotFound) return DnsLookupOutcome.NotFound;
        return a == DnsLookupOutcome.Timeout || aaaa == DnsLookupOutcome.Timeout ? DnsLookupOutcome.Timeout : DnsLookupOutcome.Error;
    }
}
