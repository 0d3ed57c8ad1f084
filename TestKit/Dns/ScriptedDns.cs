using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ActorTcp.TestKit;

/// <summary>
/// A real DNS server over UDP on 127.0.0.1 (port chosen by the system) whose answers are scripted per name: addresses
/// (A, AAAA), services (SRV), NXDOMAIN, SERVFAIL, silence (the client times out), an alias without records, garbage.
/// Point ActorTcp at it with <see cref="NameServersHocon"/> (<see cref="ActorTcpTestKit"/> does when given one). Rules
/// can be added at any time, from any thread; every question asked is recorded in <see cref="Queries"/>.
/// </summary>
/// <remarks>
/// A question is answered by the rule for its name and type, else by the rule for its name and every type, else, when
/// the name has rules of other types, with NOERROR and no records (a name without that record type), else by the
/// fallback given to <see cref="Start"/>, else with NXDOMAIN. Names match without case and without a trailing dot.
/// </remarks>
/// <example>
/// <code>
/// using var dns = ScriptedDns.Start()
///     .A("mail.test", "127.0.0.1")
///     .Srv("_smtp._tcp.mail.test", new SrvRecord(10, 1, 2525, "mail.test"))
///     .Timeout("slow.test");
/// </code>
/// </example>
public sealed class ScriptedDns : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Func<string, DnsRecordType, DnsReply>? _fallback;
    private readonly ConcurrentDictionary<(string Name, DnsRecordType? Type), DnsReply> _rules = new();
    private readonly ConcurrentDictionary<string, bool> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DnsQuestion> _queries = new();
    private readonly CancellationTokenSource _stop = new();
    private int _received;

    private ScriptedDns(Func<string, DnsRecordType, DnsReply>? fallback)
    {
        _fallback = fallback;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _ = Task.Run(ServeAsync);
    }

    /// <summary>
    /// Starts a server with no rules. <paramref name="fallback"/> answers the names no rule names (given the name, lower
    /// case without trailing dot, and the type); without it they get NXDOMAIN.
    /// </summary>
    public static ScriptedDns Start(Func<string, DnsRecordType, DnsReply>? fallback = null) => new(fallback);

    /// <summary>Starts a server that reads every question and never answers: every lookup times out.</summary>
    public static ScriptedDns Silent() => new((_, _) => DnsReply.Silence);

    /// <summary>Where the server listens (127.0.0.1).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The server as a name server entry: <c>127.0.0.1:PORT</c>.</summary>
    public string NameServer => EndPoint.ToString();

    /// <summary>HOCON that makes ActorTcp's resolver ask only this server: <c>actortcp.dns.nameservers</c>.</summary>
    public string NameServersHocon => string.Create(CultureInfo.InvariantCulture, $"actortcp.dns.nameservers = [\"{NameServer}\"]");

    /// <summary>How many datagrams arrived (well-formed or not).</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Every well-formed question asked so far, in arrival order.</summary>
    public IReadOnlyList<DnsQuestion> Queries => _queries.ToArray();

    /// <summary>Answers A questions for <paramref name="name"/> with these IPv4 addresses, in this order.</summary>
    public ScriptedDns A(string name, params string[] addresses) =>
        Answer(name, DnsRecordType.A, Family(DnsReply.WithAddresses(addresses), AddressFamily.InterNetwork, "A"));

    /// <summary>Answers AAAA questions for <paramref name="name"/> with these IPv6 addresses, in this order.</summary>
    public ScriptedDns Aaaa(string name, params string[] addresses) =>
        Answer(name, DnsRecordType.Aaaa, Family(DnsReply.WithAddresses(addresses), AddressFamily.InterNetworkV6, "AAAA"));

    /// <summary>Answers SRV questions for <paramref name="name"/> (e.g. <c>_smtp._tcp.mail.test</c>) with these records.</summary>
    public ScriptedDns Srv(string name, params SrvRecord[] records) => Answer(name, DnsRecordType.Srv, DnsReply.WithServices(records));

    /// <summary>Answers every question for <paramref name="name"/> with NXDOMAIN.</summary>
    public ScriptedDns NxDomain(string name) => Answer(name, DnsReply.NxDomain);

    /// <summary>Answers every question for <paramref name="name"/> with SERVFAIL.</summary>
    public ScriptedDns ServFail(string name) => Answer(name, DnsReply.ServFail);

    /// <summary>Never answers questions for <paramref name="name"/>: the client's attempts time out.</summary>
    public ScriptedDns Timeout(string name) => Answer(name, DnsReply.Silence);

    /// <summary>Answers questions of <paramref name="type"/> for <paramref name="name"/> with <paramref name="reply"/>.</summary>
    public ScriptedDns Answer(string name, DnsRecordType type, DnsReply reply) => Rule(name, type, reply);

    /// <summary>Answers every question for <paramref name="name"/> (whatever its type) with <paramref name="reply"/>.</summary>
    public ScriptedDns Answer(string name, DnsReply reply) => Rule(name, null, reply);

    /// <summary>Stops serving and releases the socket; questions in flight go unanswered.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
    }

    /// <summary>The form names are matched in: lower case, no trailing dot.</summary>
    internal static string Normalize(string name) => name.TrimEnd('.').ToLowerInvariant();

    /// <summary>The reply to <paramref name="question"/>, by the rules of the class remarks.</summary>
    internal DnsReply ReplyTo(DnsQuestion question)
    {
        if (_rules.TryGetValue((question.Name, question.Type), out var typed)) return typed;
        if (_rules.TryGetValue((question.Name, null), out var any)) return any;
        if (_names.ContainsKey(question.Name)) return DnsReply.NoData;
        return _fallback?.Invoke(question.Name, question.Type) ?? DnsReply.NxDomain;
    }

    private ScriptedDns Rule(string name, DnsRecordType? type, DnsReply reply)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(reply);
        var key = Normalize(name);
        _rules[(key, type)] = reply;
        _names[key] = true;
        return this;
    }

    private static DnsReply Family(DnsReply reply, AddressFamily family, string type)
    {
        if (reply.Addresses.FirstOrDefault(a => a.AddressFamily != family) is { } wrong)
            throw new ArgumentException($"{wrong} is not an address for an {type} record");
        return reply;
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[4096];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _received);
                var datagram = buffer.AsMemory(0, received.ReceivedBytes);
                if (DnsWire.Parse(datagram.Span) is not { } query) continue;
                _queries.Enqueue(query.Question);
                var answer = DnsWire.Encode(datagram.Span, query, ReplyTo(query.Question));
                if (answer is not null)
                    await _socket.SendToAsync(answer.AsMemory(), SocketFlags.None, received.RemoteEndPoint, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // A send to a client that went away; keep serving.
            }
        }
    }
}
