using System.Net.Security;
using System.Net.Sockets;

namespace ActorTcp.Benchmarks.Raw;

/// <summary>
/// The raw client's TLS steps for the W8 rows: handshake options accepting any certificate (as <c>ssl_noverify</c>
/// does), a line read over TLS, and the plaintext line reads of STARTTLS (W8S).
/// </summary>
public static class RawTls
{
    /// <summary>Client options for <paramref name="serverName"/> that accept any certificate.</summary>
    public static SslClientAuthenticationOptions NoVerify(string serverName) => new()
    {
        TargetHost = serverName,
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
    };

    /// <summary>Reads the echoed line into <paramref name="buffer"/>; throws unless it is <paramref name="length"/> bytes.</summary>
    public static async Task ReadLineAsync(SslStream tls, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        var got = 0;
        while (got == 0 || buffer[got - 1] != (byte)'\n')
        {
            var n = await tls.ReadAsync(buffer.AsMemory(got), cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new InvalidOperationException("the TLS echo server closed before the line");
            got += n;
        }
        if (got != length) throw new InvalidOperationException($"echoed {got} bytes, sent {length}");
    }

    /// <summary>
    /// Reads one plaintext reply line (the banner, the go-ahead) off <paramref name="socket"/> and throws unless it
    /// starts with <c>220 </c>. The server sends nothing after either line until the client speaks, so a read never
    /// takes bytes past the line.
    /// </summary>
    public static async Task ExpectReadyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var got = 0;
        while (got == 0 || buffer[got - 1] != (byte)'\n')
        {
            if (got == buffer.Length) throw new InvalidOperationException("the reply line is too long");
            var n = await socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new InvalidOperationException("the server closed before its reply line");
            got += n;
        }
        if (got < 4 || !buffer.AsSpan(0, 4).SequenceEqual("220 "u8))
            throw new InvalidOperationException($"unexpected reply {System.Text.Encoding.ASCII.GetString(buffer, 0, got).TrimEnd()}");
    }
}
