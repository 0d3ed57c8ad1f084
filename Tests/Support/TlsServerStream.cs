using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorTcp.Tests.Support;

/// <summary>
/// The server side of TLS on a scripted connection (<see cref="ServerConnection"/>): a real <see cref="SslStream"/>
/// over the accepted socket, from the start or after a plaintext STARTTLS exchange, with bounded helpers in the style
/// of <see cref="ServerConnection"/>. Optionally records the raw bytes received, to check TLS records (close_notify).
/// </summary>
public sealed class TlsServerStream : IAsyncDisposable
{
    private readonly ServerConnection _connection;
    private readonly RecordingStream _raw;
    private byte[] _pending = [];

    private TlsServerStream(ServerConnection connection, SslStream ssl, RecordingStream raw, string? serverName)
    {
        _connection = connection;
        Ssl = ssl;
        _raw = raw;
        ServerName = serverName;
    }

    /// <summary>The server's SslStream.</summary>
    public SslStream Ssl { get; }

    /// <summary>The SNI name the client sent; null or empty when it sent none.</summary>
    public string? ServerName { get; }

    /// <summary>The negotiated protocol.</summary>
    public SslProtocols Protocol => Ssl.SslProtocol;

    /// <summary>Every raw (encrypted) byte received from the client so far, when recording.</summary>
    public byte[] RawReceived => _raw.Received;

    /// <summary>
    /// Runs the server handshake on <paramref name="connection"/>'s socket with <paramref name="certificate"/>, allowing
    /// <paramref name="protocols"/> (None: the system's default, TLS 1.2 and 1.3).
    /// </summary>
    public static async Task<TlsServerStream> AcceptAsync(ServerConnection connection, X509Certificate2 certificate,
        SslProtocols protocols = SslProtocols.None, bool record = false)
    {
        var raw = new RecordingStream(new NetworkStream(connection.Socket, ownsSocket: false), record);
        var ssl = new SslStream(raw, leaveInnerStreamOpen: true);
        string? serverName = null;
        using var limit = new CancellationTokenSource(connection.OperationTimeout);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificateSelectionCallback = (_, name) =>
            {
                serverName = name;
                return certificate;
            },
            EnabledSslProtocols = protocols,
            ClientCertificateRequired = false,
        }, limit.Token);
        return new TlsServerStream(connection, ssl, raw, serverName);
    }

    /// <summary>Sends the Latin-1 bytes of <paramref name="text"/>.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Sends every byte of <paramref name="data"/> (bounded by the connection's operation timeout).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> data)
    {
        using var limit = new CancellationTokenSource(_connection.OperationTimeout);
        await Ssl.WriteAsync(data, limit.Token);
        await Ssl.FlushAsync(limit.Token);
    }

    /// <summary>Sends close_notify (the client's read then ends); the socket stays open.</summary>
    public async Task ShutdownAsync() => await Ssl.ShutdownAsync();

    /// <summary>Reads until the Latin-1 <paramref name="pattern"/>; returns the bytes before it (the rest stays buffered).</summary>
    public async Task<byte[]> ReadUntilAsync(string pattern)
    {
        using var limit = new CancellationTokenSource(_connection.OperationTimeout);
        var (before, rest) = await PatternReads.ReadUntilAsync(_pending, Encoding.Latin1.GetBytes(pattern),
            (chunk, token) => Ssl.ReadAsync(chunk, token), limit.Token, "TLS stream");
        _pending = rest;
        return before;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        var result = new byte[count];
        var filled = Math.Min(count, _pending.Length);
        _pending.AsSpan(0, filled).CopyTo(result);
        _pending = _pending[filled..];
        using var limit = new CancellationTokenSource(_connection.OperationTimeout);
        while (filled < count)
        {
            var n = await Ssl.ReadAsync(result.AsMemory(filled), limit.Token);
            if (n == 0) throw new EndOfStreamException($"TLS stream ended after {filled} of {count} bytes");
            filled += n;
        }
        return result;
    }

    /// <summary>Reads every byte until the TLS stream ends (close_notify or EOF).</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        using var buffer = new MemoryStream();
        buffer.Write(_pending);
        _pending = [];
        var chunk = new byte[64 * 1024];
        using var limit = new CancellationTokenSource(_connection.OperationTimeout);
        while (true)
        {
            var n = await Ssl.ReadAsync(chunk, limit.Token);
            if (n == 0) return buffer.ToArray();
            buffer.Write(chunk, 0, n);
            if (buffer.Length > ServerConnection.MaxBufferedBytes) throw new InvalidOperationException("too many bytes");
        }
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

    /// <summary>Forwards to the socket stream and keeps a copy of what it reads when recording.</summary>
    private sealed class RecordingStream(Stream inner, bool record) : Stream
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
            if (record && n > 0)
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
