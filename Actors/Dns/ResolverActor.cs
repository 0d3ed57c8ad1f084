using System.Net;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Metrics;
using Akka.Actor;
using Akka.Event;
using DnsClient;

namespace ActorTcp.Actors.Dns;

/// <summary>
/// Resolves host names for connection actors: answers <see cref="Resolve"/> with <see cref="Resolved"/> (A records in
/// answer order, then AAAA), <see cref="ResolveService"/> with <see cref="ServiceResolved"/> (SRV records, see
/// <see cref="ServiceQuery"/>), and either with <see cref="ResolveFailed"/> and rspamd's error text. One DnsClient
/// client serves every request, so its answer cache and pooled TCP connections are shared. Queries run as tasks whose
/// results are piped to the requester; the actor never waits on the network and never fails because of an answer.
/// </summary>
public sealed class ResolverActor : ReceiveActor
{
    private readonly IDnsQuery _dns;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ActorTcpMetrics _metrics = ActorTcpMetrics.Get(Context.System);

    // Cancelled when the actor stops, so in-flight queries end (and their requesters get ResolveFailed) promptly.
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Creates the resolver around <paramref name="dns"/> (a <see cref="LookupClient"/>, or a fake in tests).</summary>
    public ResolverActor(IDnsQuery dns)
    {
        _dns = dns;
        Receive<Resolve>(OnResolve);
        Receive<ResolveService>(OnResolveService);
    }

    /// <summary>
    /// Props for a resolver with a <see cref="LookupClient"/> configured from <paramref name="settings"/>. The client is
    /// created here, once, so a restarted resolver keeps the same cache.
    /// </summary>
    public static Props Props(ActorTcpSettings settings)
    {
        var client = new LookupClient(CreateOptions(settings));
        return Akka.Actor.Props.Create(() => new ResolverActor(client));
    }

    /// <summary>DnsClient options for <paramref name="settings"/>.</summary>
    internal static LookupClientOptions CreateOptions(ActorTcpSettings settings)
    {
        if (settings.DnsTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"actortcp.dns.timeout must be positive, got {settings.DnsTimeout}", nameof(settings));
        if (settings.DnsRetries < 0)
            throw new ArgumentException($"actortcp.dns.retries must not be negative, got {settings.DnsRetries}", nameof(settings));

        // The parameterless constructor reads the system's resolvers; an explicit list replaces them.
        var options = settings.NameServers.Count == 0
            ? new LookupClientOptions()
            : new LookupClientOptions(settings.NameServers.ToArray());
        options.Timeout = settings.DnsTimeout;
        options.Retries = settings.DnsRetries;
        options.UseCache = settings.DnsUseCache;
        // An error code is the answer (rspamd: "not NOERROR" -> unable to resolve), not a reason to throw or to ask the
        // next server; likewise an empty NOERROR is a final "unable to resolve", not a reason to ask the next server.
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        options.ContinueOnEmptyResponse = false;
        // Only used when a UDP answer is truncated; a silent server still ends after Timeout x (Retries + 1).
        options.UseTcpFallback = true;
        return options;
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // Not disposed: queries still running may touch the token after the actor is gone.
        _stopping.Cancel();
        base.PostStop();
    }

    private void OnResolve(Resolve request)
    {
        // Literals and localhost normally never get here (the connection actor handles them); answered anyway so the
        // resolver is correct on its own.
        if (HostAddress.TryGetStaticAddresses(request.Host, out var addresses))
        {
            Sender.Tell(new Resolved(request.Correlation, addresses));
            return;
        }

        var host = request.Host;
        var correlation = request.Correlation;
        ResolveAsync(_dns, host, correlation, _log, new Measured(_metrics, DnsMeasurements.Start(_metrics)), _stopping.Token)
            .PipeTo(Sender, failure: _ => new ResolveFailed(correlation, TcpErrors.UnableToResolve(host)));
    }

    private void OnResolveService(ResolveService request)
    {
        var name = request.Name;
        var correlation = request.Correlation;
        // RunAsync never fails; the failure mapping only guards against a bug, so the requester is always answered.
        ServiceQuery.RunAsync(_dns, name, correlation, _log, new Measured(_metrics, DnsMeasurements.Start(_metrics)), _stopping.Token)
            .PipeTo(Sender, failure: _ => new ResolveFailed(correlation, TcpErrors.UnableToResolve(name)));
    }

    /// <summary>Where a lookup running off the actor reports its end: the metrics, and when it started (0: not timed).</summary>
    internal readonly record struct Measured(ActorTcpMetrics Metrics, long Started)
    {
        public void Ended(DnsLookupKind kind, DnsLookupOutcome outcome) => DnsMeasurements.Ended(Metrics, kind, outcome, Started);
    }

    // Runs off the actor: touches no actor state except the thread-safe logging adapter and the metrics.
    private static async Task<object> ResolveAsync(IDnsQuery dns, string host, long correlation, ILoggingAdapter log,
        Measured measured, CancellationToken cancel)
    {
        var a = QueryAsync(dns, host, QueryType.A, cancel);
        var aaaa = QueryAsync(dns, host, QueryType.AAAA, cancel);
        var outcomeA = await a.ConfigureAwait(false);
        var outcomeAaaa = await aaaa.ConfigureAwait(false);

        measured.Ended(DnsLookupKind.Address, DnsMeasurements.Combine(outcomeA.Outcome, outcomeAaaa.Outcome));
        var reply = Combine(host, correlation, outcomeA, outcomeAaaa);
        if (reply is ResolveFailed && log.IsDebugEnabled)
            log.Debug("DNS lookup of {0} failed: A {1}, AAAA {2}", host, outcomeA.Status, outcomeAaaa.Status);
        return reply;
    }

    // Never throws: a failed query is an outcome like any other.
    private static async Task<QueryOutcome> QueryAsync(IDnsQuery dns, string host, QueryType type, CancellationToken cancel)
    {
        try
        {
            var response = await dns.QueryAsync(host, type, QueryClass.IN, cancel).ConfigureAwait(false);
            var code = response.Header.ResponseCode;
            if (code != DnsHeaderResponseCode.NoError) return QueryOutcome.Failed(code.ToString(), DnsMeasurements.Of(code));

            // The answer section already holds the records of the CNAME chain's final name.
            IReadOnlyList<IPAddress> addresses = type == QueryType.A
                ? response.Answers.ARecords().Select(r => r.Address).ToArray()
                : response.Answers.AaaaRecords().Select(r => r.Address).ToArray();
            return QueryOutcome.NoError(addresses);
        }
        catch (DnsResponseException e)
        {
            return QueryOutcome.Failed($"{e.Code} ({e.Message})", DnsMeasurements.Of(e));
        }
        catch (Exception e)
        {
            return QueryOutcome.Failed($"{e.GetType().Name} ({e.Message})", DnsMeasurements.Of(e));
        }
    }

    /// <summary>
    /// The reply for the A and AAAA outcomes of <paramref name="host"/>: any address wins (IPv4 first); no address is
    /// "unable to resolve host", whatever the answers were (NOERROR with no data or with only other records such as a
    /// CNAME, an error code, a timeout).
    /// </summary>
    /// <remarks>
    /// rspamd's DNS library turns a NOERROR answer without a record of the asked type into "record not found", which
    /// <c>lua_tcp_dns_handler</c> reports as a failed lookup: <c>unable to resolve host: NAME</c>. Its other text,
    /// <c>...; no records with this name</c>, belongs to a NOERROR answer that does hold a record of the asked type yet
    /// no address, which an address query cannot produce; so it is never the answer here (see
    /// <see cref="ServiceQuery"/> for where it is).
    /// </remarks>
    internal static object Combine(string host, long correlation, QueryOutcome a, QueryOutcome aaaa)
    {
        var addresses = a.Addresses.Concat(aaaa.Addresses).ToArray();
        return addresses.Length > 0
            ? new Resolved(correlation, addresses)
            : new ResolveFailed(correlation, TcpErrors.UnableToResolve(host));
    }

    /// <summary>What one query (A or AAAA) came back with.</summary>
    /// <param name="Addresses">The answer's addresses; empty unless the server answered NOERROR with some.</param>
    /// <param name="Status">The response code or failure, for the debug log.</param>
    /// <param name="Outcome">The same, for the metrics.</param>
    internal readonly record struct QueryOutcome(IReadOnlyList<IPAddress> Addresses, string Status, DnsLookupOutcome Outcome)
    {
        /// <summary>A NOERROR answer with <paramref name="addresses"/> (possibly none).</summary>
        public static QueryOutcome NoError(IReadOnlyList<IPAddress> addresses) => addresses.Count == 0
            ? new(addresses, "NoError without address", DnsLookupOutcome.NotFound)
            : new(addresses, "NoError", DnsLookupOutcome.Ok);

        /// <summary>An error code, a timeout or an exception.</summary>
        public static QueryOutcome Failed(string status, DnsLookupOutcome outcome = DnsLookupOutcome.Error) => new([], status, outcome);
    }
}
