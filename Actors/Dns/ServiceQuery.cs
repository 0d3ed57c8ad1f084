using ActorTcp.Actors.Connection;
using Akka.Event;
using DnsClient;
using DnsClient.Protocol;

namespace ActorTcp.Actors.Dns;

/// <summary>
/// The SRV lookup behind <see cref="ResolveService"/>, kept out of <see cref="ResolverActor"/> so the actor stays small.
/// Runs off the actor and never throws: every outcome becomes <see cref="ServiceResolved"/> or
/// <see cref="ResolveFailed"/>.
/// </summary>
internal static class ServiceQuery
{
    /// <summary>Asks <paramref name="dns"/> for the SRV records of <paramref name="name"/> and builds the reply.</summary>
    public static async Task<object> RunAsync(IDnsQuery dns, string name, long correlation, ILoggingAdapter log,
        ResolverActor.Measured measured, CancellationToken cancel)
    {
        string status;
        DnsLookupOutcome outcome;
        try
        {
            var response = await dns.QueryAsync(name, QueryType.SRV, QueryClass.IN, cancel).ConfigureAwait(false);
            var code = response.Header.ResponseCode;
            if (code == DnsHeaderResponseCode.NoError)
            {
                var reply = Reply(name, correlation, response.Answers.SrvRecords());
                measured.Ended(DnsLookupKind.Service, reply is ServiceResolved ? DnsLookupOutcome.Ok : DnsLookupOutcome.NotFound);
                return reply;
            }
            status = code.ToString();
            outcome = DnsMeasurements.Of(code);
        }
        catch (DnsResponseException e)
        {
            status = $"{e.Code} ({e.Message})";
            outcome = DnsMeasurements.Of(e);
        }
        catch (Exception e)
        {
            // Cancellation (the resolver stopped) lands here too: the requester still gets an answer.
            status = $"{e.GetType().Name} ({e.Message})";
            outcome = DnsMeasurements.Of(e);
        }

        measured.Ended(DnsLookupKind.Service, outcome);
        if (log.IsDebugEnabled) log.Debug("SRV lookup of {0} failed: {1}", name, status);
        return new ResolveFailed(correlation, TcpErrors.UnableToResolve(name));
    }

    /// <summary>
    /// The reply for the SRV records of a NOERROR answer: the usable ones sorted by priority, then weight (heavier first),
    /// ties in answer order. No SRV record at all (no data, or only other records such as a CNAME) is "unable to resolve
    /// host", as rspamd says when its DNS library finds no record of the asked type; SRV records that are all unusable
    /// (target <c>.</c>) are "no records with this name", rspamd's text for an answer that holds records of the asked
    /// type but nothing to connect to.
    /// </summary>
    internal static object Reply(string name, long correlation, IEnumerable<SrvRecord> records)
    {
        var all = records.ToArray();
        if (all.Length == 0) return new ResolveFailed(correlation, TcpErrors.UnableToResolve(name));

        var targets = all
            .Select(r => new ServiceTarget(HostOf(r.Target), r.Port, r.Priority, r.Weight))
            // RFC 2782: a target of "." means the service is decidedly not available at this domain.
            .Where(t => t.Host.Length > 0)
            // OrderBy is stable, so equal priority and weight keep the server's order.
            .OrderBy(t => t.Priority)
            .ThenByDescending(t => t.Weight)
            .ToArray();
        return targets.Length > 0
            ? new ServiceResolved(correlation, targets)
            : new ResolveFailed(correlation, TcpErrors.NoRecords(name));
    }

    // "mx.example.com." -> "mx.example.com"; the root name "." -> "".
    private static string HostOf(DnsString target) =>
        target.Value.EndsWith('.') ? target.Value[..^1] : target.Value;
}
