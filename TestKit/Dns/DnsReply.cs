using System.Net;

namespace ActorTcp.TestKit;

/// <summary>The record types <see cref="ScriptedDns"/> answers (their DNS type codes).</summary>
public enum DnsRecordType : ushort
{
    /// <summary>An IPv4 address.</summary>
    A = 1,

    /// <summary>An alias.</summary>
    Cname = 5,

    /// <summary>An IPv6 address.</summary>
    Aaaa = 28,

    /// <summary>A service location (RFC 2782).</summary>
    Srv = 33,
}

/// <summary>One question a client asked <see cref="ScriptedDns"/>: the name (lower case, no trailing dot) and the type.</summary>
/// <param name="Name">The name asked for.</param>
/// <param name="Type">The record type asked for (other codes than the named ones can appear).</param>
public sealed record DnsQuestion(string Name, DnsRecordType Type)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name} {Type}";
}

/// <summary>One SRV record of a scripted answer; a <paramref name="Target"/> of <c>.</c> says "service not available".</summary>
/// <param name="Priority">Lower is tried first.</param>
/// <param name="Weight">Relative weight among records of one priority.</param>
/// <param name="Port">The service's port.</param>
/// <param name="Target">The host offering the service.</param>
public sealed record SrvRecord(ushort Priority, ushort Weight, ushort Port, string Target);

/// <summary>What <see cref="ScriptedDns"/> does with one question.</summary>
public enum DnsReplyKind
{
    /// <summary>Answer with a response code and records.</summary>
    Answer,

    /// <summary>Read the query and say nothing: the client's attempt times out.</summary>
    Silence,

    /// <summary>Send a datagram that is not a DNS message.</summary>
    Garbage,
}

/// <summary>
/// A scripted reply: addresses answer A and AAAA questions (each gets the addresses of its family), services answer SRV
/// questions, an alias puts a CNAME first. Made by the static members.
/// </summary>
public sealed record DnsReply
{
    private DnsReply(DnsReplyKind kind, int responseCode)
    {
        Kind = kind;
        ResponseCode = responseCode;
    }

    /// <summary>Answer, silence or garbage.</summary>
    public DnsReplyKind Kind { get; }

    /// <summary>The RCODE of an answer: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN.</summary>
    public int ResponseCode { get; }

    /// <summary>The addresses, in this order; an A question gets the IPv4 ones, an AAAA question the IPv6 ones.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; private init; } = [];

    /// <summary>The SRV records, in this order.</summary>
    public IReadOnlyList<SrvRecord> Services { get; private init; } = [];

    /// <summary>The target of a CNAME record put first in the answer, for every question; none if null.</summary>
    public string? Alias { get; private init; }

    /// <summary>No answer at all: the client's attempt times out (and its retries, if it makes any).</summary>
    public static DnsReply Silence { get; } = new(DnsReplyKind.Silence, 0);

    /// <summary>Three bytes of nonsense after the query id.</summary>
    public static DnsReply Garbage { get; } = new(DnsReplyKind.Garbage, 0);

    /// <summary>SERVFAIL.</summary>
    public static DnsReply ServFail { get; } = new(DnsReplyKind.Answer, 2);

    /// <summary>NXDOMAIN: the name does not exist.</summary>
    public static DnsReply NxDomain { get; } = new(DnsReplyKind.Answer, 3);

    /// <summary>NOERROR without records: the name exists but has none of the asked type.</summary>
    public static DnsReply NoData { get; } = new(DnsReplyKind.Answer, 0);

    /// <summary>NOERROR with the addresses (IPv4 and IPv6 literals) of the asked family, in this order.</summary>
    public static DnsReply WithAddresses(params string[] addresses) =>
        new(DnsReplyKind.Answer, 0) { Addresses = addresses.Select(IPAddress.Parse).ToArray() };

    /// <summary>NOERROR with these SRV records, in this order.</summary>
    public static DnsReply WithServices(params SrvRecord[] services) => new(DnsReplyKind.Answer, 0) { Services = services };

    /// <summary>
    /// NOERROR whose answer is only a CNAME to <paramref name="target"/>, without the target's records (as a server that
    /// does not serve the target answers).
    /// </summary>
    public static DnsReply AliasOnly(string target) => new(DnsReplyKind.Answer, 0) { Alias = target };
}
