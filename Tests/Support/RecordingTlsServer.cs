using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorTcp.Tests.Support;

/// <summary>
/// The server side of TLS over an accepted socket that keeps every raw (encrypted) byte it reads, for the tests that
/// check TLS records on the wire (close_notify before FIN): what ActorTcp.TestKit's <c>PeerConnection</c> keeps to itself,
/// and no plugin test needs.
/// </summary>
public sealed class RecordingTlsServer : IAsyncDisposable
{
    private readonly RecordingStream _raw;

    private RecordingTlsServer(SslStream ssl, RecordingStream raw)
    {
        Ssl = ssl;
        _raw = raw;
    }

    /// <summary>The server's SslStream.</summary>
    public SslStream Ssl { get; }

    /// <summary>Every raw byte received from the client so far.</summary>
    public byte[] RawReceived => _raw.Received;

    /// <summary>Runs the server handshake on <paramref name="socket"/> with <paramref name="certificate"/> and <paramref name="protocols"/>.</summary>
    public static async Task<RecordingTlsServer> AcceptAsync(Socket socket, X509Certificate2 certificate, SslProtocols protocols,
        CancellationToken token)
    {
        var raw = new RecordingStream(new NetworkStream(socket, ownsSocket: false));
        var ssl = new SslStream(raw, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            EnabledSslProtocols = protocols,
        }, token);
        return new RecordingTlsServer(ssl, raw);
    }

    /// <summary>Reads every byte until the TLS stream ends (close_notify or EOF).</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken token)
    {
        using var all = new MemoryStream();
        await Ssl.CopyToAsync(all, token);
        return all.ToArray();
    }

    /// <summary>Sends the Latin-1 bytes of <paramref name="text"/>.</summary>
    public async Task SendAsync(string text, CancellationToken token)
    {
        await Ssl.WriteAsync(Encoding.Latin1.GetBytes(text), token);
        await Ssl.FlushAsync(token);
    }

    /// <summary>
    /// The TLS records in <paramref name="raw"/> as (content type, length), in order; an incomplete last record is
    /// reported with its announced length.
    /// </summary>
    public static IReadOnlyList<(byte Type, int Length)> Records(ReadOnlySpan<byte> raw)
    {
        var records = new List<(byte, int)>();
        var at = 0;
        while (at + 5 <= raw.Length)
        {
            var length = (raw[at + 3] << 8) | raw[at + 4];
            records.Add((raw[at], length));
            at += 5 + length;
        }
        return records;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await Ssl.DisposeAsync();

    /// <summary>Forwards to the socket stream and keeps a copy of what it reads.</summary>
    private sealed class RecordingStream(Stream inner) : Stream
    {
        private readonly MemoryStream _received = new();

        public byte[] Received
        {
            get
            {
                lock (_received) return _received.ToArray();
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            lock (_received) _received.Write(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
