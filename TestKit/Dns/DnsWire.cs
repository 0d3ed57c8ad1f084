using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace ActorTcp.TestKit;

/// <summary>The few parts of the DNS wire format (RFC 1035) <see cref="ScriptedDns"/> reads and writes.</summary>
internal static class DnsWire
{
    private const int HeaderLength = 12;

    /// <summary>A parsed query: its id, its first question, and where the question ends in the datagram.</summary>
    public readonly record struct Query(ushort Id, DnsQuestion Question, int QuestionEnd);

    /// <summary>Reads the id and the first question of <paramref name="datagram"/>; null when it is malformed.</summary>
    public static Query? Parse(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < HeaderLength) return null;
        var name = new StringBuilder();
        var offset = HeaderLength;
        while (offset < datagram.Length && datagram[offset] != 0)
        {
            int length = datagram[offset];
            // Compression pointers (0xC0) never appear in a question a resolver sends; refuse them with the rest.
            if (length > 63 || offset + 1 + length > datagram.Length) return null;
            if (name.Length > 0) name.Append('.');
            name.Append(Encoding.ASCII.GetString(datagram.Slice(offset + 1, length)));
            offset += 1 + length;
        }
        var questionEnd = offset + 1 + 4;
        if (questionEnd > datagram.Length) return null;
        var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 1)..]);
        return new Query(BinaryPrimitives.ReadUInt16BigEndian(datagram), new DnsQuestion(ScriptedDns.Normalize(name.ToString()), type),
            questionEnd);
    }

    /// <summary>The datagram answering <paramref name="query"/> with <paramref name="reply"/>; null for silence.</summary>
    public static byte[]? Encode(ReadOnlySpan<byte> datagram, Query query, DnsReply reply)
    {
        if (reply.Kind == DnsReplyKind.Silence) return null;
        if (reply.Kind == DnsReplyKind.Garbage) return [.. datagram[..2], 0xFF, 0xFF, 0x00];

        // A CNAME (if scripted) comes first, as a server puts the chain before the records of its target.
        var type = query.Question.Type;
        var records = Records(reply, type).Select(data => (Type: type, Data: data)).ToList();
        if (reply.Alias is not null) records.Insert(0, (DnsRecordType.Cname, NameData(reply.Alias)));
        var packet = new List<byte>(512);
        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt16BigEndian(header, query.Id);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(0x8180 | reply.ResponseCode)); // QR RD RA + rcode
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], (ushort)records.Count);
        packet.AddRange(header.ToArray());
        packet.AddRange(datagram[HeaderLength..query.QuestionEnd].ToArray());
        foreach (var (recordType, data) in records)
        {
            packet.AddRange([0xC0, 0x0C]); // name: pointer to the question
            packet.AddRange([(byte)((ushort)recordType >> 8), (byte)recordType, 0x00, 0x01]); // type, class IN
            packet.AddRange([0x00, 0x00, 0x00, 0x3C]); // TTL 60
            packet.AddRange([(byte)(data.Length >> 8), (byte)data.Length]);
            packet.AddRange(data);
        }
        return packet.ToArray();
    }

    // The RDATA of each answer record: addresses of the asked family for A and AAAA, the services for SRV.
    private static byte[][] Records(DnsReply reply, DnsRecordType type) => type switch
    {
        DnsRecordType.A => Addresses(reply, AddressFamily.InterNetwork),
        DnsRecordType.Aaaa => Addresses(reply, AddressFamily.InterNetworkV6),
        DnsRecordType.Srv => reply.Services.Select(SrvData).ToArray(),
        _ => [],
    };

    private static byte[][] Addresses(DnsReply reply, AddressFamily family) =>
        reply.Addresses.Where(a => a.AddressFamily == family).Select(a => a.GetAddressBytes()).ToArray();

    // RFC 2782: priority, weight, port, then the target as uncompressed labels.
    private static byte[] SrvData(SrvRecord srv)
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
}
