using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorTcp.Tests.Dns;

/// <summary>
/// A tiny UDP DNS server on 127.0.0.1 for answers dnsmasq will not give on demand: SERVFAIL, a chosen answer order,
/// a different outcome for A and AAAA, SRV records in a chosen order, a CNAME without the asked records, garbage, or
/// silence. It counts every datagram it
/// receives.
/// </summary>
internal sealed class ScriptedDnsServer : IDisposable
{
    /// <summary>DNS type codes used by the script.</summary>
    public const ushort TypeA = 1, TypeCname = 5, TypeAaaa = 28, TypeSrv = 33;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Func<string, ushort, Reply> _script;
    private readonly Task _loop;
    private int _received;
    private volatile bool _disposed;

    /// <summary>Starts serving; <paramref name="script"/> maps (name, type) to the reply.</summary>
    public ScriptedDnsServer(Func<string, ushort, Reply> script)
    {
        _script = script;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>Where the server listens.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>How many datagrams arrived.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>A server that reads every query and never answers.</summary>
    public static ScriptedDnsServer Silent() => new((_, _) => Reply.Drop);

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[4096];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_disposed)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, any);
                Interlocked.Increment(ref _received);
                var answer = Answer(buffer.AsSpan(0, received.ReceivedBytes));
                if (answer is not null) await _socket.SendToAsync(answer.AsMemory(), SocketFlags.None, received.RemoteEndPoint);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // A send to a client that went away; keep serving unless we are shutting down.
            }
        }
    }

    private byte[]? Answer(ReadOnlySpan<byte> query)
    {
        if (query.Length < 12) return null;
        var id = BinaryPrimitives.ReadUInt16BigEndian(query);
        var offset = 12;
        var name = new StringBuilder();
        while (offset < query.Length && query[offset] != 0)
        {
            int length = query[offset];
            if (name.Length > 0) name.Append('.');
            name.Append(Encoding.ASCII.GetString(query.Slice(offset + 1, length)));
            offset += 1 + length;
        }
        var questionEnd = offset + 1 + 4;
        if (questionEnd > query.Length) return null;
        var type = BinaryPrimitives.ReadUInt16BigEndian(query[(offset + 1)..]);
        var question = query[12..questionEnd];

        var reply = _script(name.ToString(), type);
        if (reply.Kind == ReplyKind.Drop) return null;
        if (reply.Kind == ReplyKind.Garbage) return [.. query[..2], 0xFF, 0xFF, 0x00];

        // A CNAME (if scripted) comes first, as a server puts the chain before the records of its target.
        var records = Records(reply, type).Select(data => (Type: type, Data: data)).ToList();
        if (reply.Alias is not null) records.Insert(0, (TypeCname, NameData(reply.Alias)));
        var packet = new List<byte>(512);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(0x8180 | reply.ResponseCode)); // QR RD RA + rcode
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)records.Count);
        packet.AddRange(header.ToArray());
        packet.AddRange(question.ToArray());
        foreach (var (recordType, data) in records)
        {
            packet.AddRange([0xC0, 0x0C]); // name: pointer to the question
            packet.AddRange([(byte)(recordType >> 8), (byte)recordType, 0x00, 0x01]); // type, class IN
            packet.AddRange([0x00, 0x00, 0x00, 0x3C]); // TTL 60
            packet.AddRange([(byte)(data.Length >> 8), (byte)data.Length]);
            packet.AddRange(data);
        }
        return packet.ToArray();
    }

    // The RDATA of each answer record: addresses of the asked family for A and AAAA, the services for SRV.
    private static byte[][] Records(Reply reply, ushort type) => type switch
    {
        TypeA => Addresses(reply, AddressFamily.InterNetwork),
        TypeAaaa => Addresses(reply, AddressFamily.InterNetworkV6),
        TypeSrv => reply.Services.Select(SrvData).ToArray(),
        _ => [],
    };

    private static byte[][] Addresses(Reply reply, AddressFamily family) =>
        reply.Addresses.Where(a => a.AddressFamily == family).Select(a => a.GetAddressBytes()).ToArray();

    // RFC 2782: priority, weight, port, then the target as uncompressed labels ("." is the root: one zero byte).
    private static byte[] SrvData(Srv srv)
    {
        var data = new List<byte>(64);
        foreach (var value in new[] { srv.Priority, srv.Weight, srv.Port })
            data.AddRange([(byte)(value >> 8), (byte)value]);
        data.AddRange(NameData(srv.Target));
        return data.ToArray();
    }

    // A domain name as uncompressed labels ("." is the root: one zero byte).
    private static byte[] NameData(string name)
    {
        var data = new List<byte>(64);
        foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            data.Add((byte)label.Length);
            data.AddRange(Encoding.ASCII.GetBytes(label));
        }
        data.Add(0);
        return data.ToArray();
    }

    /// <summary>What the script does with one query.</summary>
    public enum ReplyKind
    {
        /// <summary>Answer with a response code and addresses.</summary>
        Answer,

        /// <summary>Read the query and say nothing.</summary>
        Drop,

        /// <summary>Send a datagram that is not a DNS message.</summary>
        Garbage,
    }

    /// <summary>One SRV record of a scripted answer; <paramref name="Target"/> <c>.</c> is "service not available".</summary>
    public sealed record Srv(ushort Priority, ushort Weight, ushort Port, string Target);

    /// <summary>One scripted reply: addresses answer A and AAAA queries, services answer SRV queries.</summary>
    public sealed record Reply(ReplyKind Kind, int ResponseCode, IReadOnlyList<IPAddress> Addresses)
    {
        /// <summary>The SRV records, in this order; none unless made by <see cref="WithServices"/>.</summary>
        public IReadOnlyList<Srv> Services { get; init; } = [];

        /// <summary>The target of a CNAME record put first in the answer, for every asked type; none if null.</summary>
        public string? Alias { get; init; }

        /// <summary>No answer at all.</summary>
        public static Reply Drop { get; } = new(ReplyKind.Drop, 0, []);

        /// <summary>Three bytes of nonsense after the query id.</summary>
        public static Reply Garbage { get; } = new(ReplyKind.Garbage, 0, []);

        /// <summary>SERVFAIL.</summary>
        public static Reply ServFail { get; } = new(ReplyKind.Answer, 2, []);

        /// <summary>NXDOMAIN.</summary>
        public static Reply NxDomain { get; } = new(ReplyKind.Answer, 3, []);

        /// <summary>NOERROR with the addresses of the asked family, in this order (none: NOERROR, no data).</summary>
        public static Reply With(params string[] addresses) =>
            new(ReplyKind.Answer, 0, addresses.Select(IPAddress.Parse).ToArray());

        /// <summary>NOERROR with these SRV records, in this order (none: NOERROR, no data).</summary>
        public static Reply WithServices(params Srv[] services) => new(ReplyKind.Answer, 0, []) { Services = services };

        /// <summary>
        /// NOERROR whose answer is only a CNAME to <paramref name="target"/>, with none of the target's records (as a server
        /// that does not serve the target answers).
        /// </summary>
        public static Reply AliasOnly(string target) => new(ReplyKind.Answer, 0, []) { Alias = target };
    }
}
