using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ActorTcp.TestKit;

/// <summary>
/// One connection a <see cref="ScriptedPeer"/> accepted, as its script sees it: bounded sends and reads over the socket,
/// or over TLS after <see cref="StartTlsAsync"/>, and the ways a server ends a connection (half-close, reset, silence).
/// Every operation waits at most <see cref="OperationTimeout"/>; a failure is an exception whose message says what was
/// received, e.g. <c>received "RS" then the client closed the connection</c>. Not thread-safe: a script uses it
/// sequentially. This file: sends, ends and TLS; PeerConnection.Reads.cs: reads.
/// </summary>
public sealed partial class PeerConnection
{
    private static readonly TimeSpan FinishDrainTime = TimeSpan.FromSeconds(3);

    private readonly NetworkStream _network;
    private Stream _stream;
    private SslStream? _ssl;
    private int _state; // 0 open, 1 FIN sent, 2 closed (reset or aborted)

    internal PeerConnection(Socket socket, int index, TimeSpan operationTimeout, CancellationToken stopping)
    {
        Socket = socket;
        Index = index;
        OperationTimeout = operationTimeout;
        Stopping = stopping;
        if (socket.ProtocolType == ProtocolType.Tcp) socket.NoDelay = true;
        _network = new NetworkStream(socket, ownsSocket: false);
        _stream = _network;
    }

    /// <summary>The accepted socket.</summary>
    public Socket Socket { get; }

    /// <summary>0 for the first connection the peer accepted, 1 for the next, and so on.</summary>
    public int Index { get; }

    /// <summary>Bound of each operation (a whole read, send or handshake).</summary>
    public TimeSpan OperationTimeout { get; set; }

    /// <summary>Cancelled when the peer is disposed or the script's time bound passed.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Whether the connection speaks TLS (after <see cref="StartTlsAsync"/>).</summary>
    public bool IsTls => _ssl is not null;

    /// <summary>The SNI name the client sent in its TLS handshake; null before TLS or when it sent none.</summary>
    public string? TlsServerName { get; private set; }

    /// <summary>The negotiated TLS protocol; <see cref="SslProtocols.None"/> before TLS.</summary>
    public SslProtocols TlsProtocol => _ssl?.SslProtocol ?? SslProtocols.None;

    /// <summary>Sends the Latin-1 bytes of <paramref name="text"/> (one byte per char).</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Sends every byte of <paramref name="data"/>.</summary>
    public Task SendAsync(byte[] data) => SendAsync(data.AsMemory());

    /// <summary>Sends every byte of <paramref name="data"/>; fails when the client does not take them in time.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> data)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        limit.CancelAfter(OperationTimeout);
        try
        {
            await _stream.WriteAsync(data, limit.Token).ConfigureAwait(false);
            await _stream.FlushAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!Stopping.IsCancellationRequested)
        {
            throw new TimeoutException($"the client did not take {data.Length} bytes within {Printable.Duration(OperationTimeout)}");
        }
        catch (IOException e)
        {
            throw new IOException($"sending {data.Length} bytes failed: {Failure(e)}", e);
        }
    }

    /// <summary>Sends <paramref name="pieces"/> one by one, waiting <paramref name="delay"/> between two pieces.</summary>
    public Task SendSlowlyAsync(IReadOnlyList<string> pieces, TimeSpan delay) =>
        SendSlowlyAsync(pieces.Select(p => Encoding.Latin1.GetBytes(p)).ToArray(), delay);

    /// <summary>Sends <paramref name="pieces"/> one by one, waiting <paramref name="delay"/> between two pieces.</summary>
    public async Task SendSlowlyAsync(IReadOnlyList<byte[]> pieces, TimeSpan delay)
    {
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i > 0) await Task.Delay(delay, Stopping).ConfigureAwait(false);
            await SendAsync(pieces[i]).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Half-closes: sends FIN (over TLS, close_notify first), so the client reads the end of the stream; this side can
    /// still read. The socket is released when the script ends.
    /// </summary>
    public async Task HalfCloseAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) return;
        await SendEndAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Over TLS, sends close_notify and nothing else: the client's TLS stream ends while the socket stays open (no FIN),
    /// as a server that says goodbye and then lingers. Reads still work; sends after it fail.
    /// </summary>
    public async Task SendCloseNotifyAsync()
    {
        if (_ssl is null) throw new InvalidOperationException("close_notify needs TLS (StartTlsAsync first)");
        await _ssl.ShutdownAsync().WaitAsync(OperationTimeout, Stopping).ConfigureAwait(false);
    }

    /// <summary>Abortive close: linger 0 then close, so the client gets a RST (rspamd: "Connection reset by peer").</summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2) return;
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    /// <summary>
    /// Closes the socket at once, without waiting for the client: FIN, or RST when bytes the client sent are unread.
    /// </summary>
    public void Abort()
    {
        Interlocked.Exchange(ref _state, 2);
        Socket.Dispose();
    }

    /// <summary>
    /// Keeps the connection open, reading and dropping (but recording) what arrives and sending nothing, until the
    /// client closes (true; a reset counts as a close), <paramref name="max"/> elapses (false; default 30 s) or the peer
    /// stops (false).
    /// </summary>
    public async Task<bool> DiscardUntilClosedAsync(TimeSpan? max = null)
    {
        _count = 0;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        limit.CancelAfter(max ?? TimeSpan.FromSeconds(30));
        var chunk = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await _stream.ReadAsync(chunk, limit.Token).ConfigureAwait(false)) > 0) Record(chunk.AsSpan(0, n));
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Neither reads nor writes until <paramref name="max"/> elapses (default 30 s) or the peer stops.</summary>
    public async Task HoldAsync(TimeSpan? max = null)
    {
        try
        {
            await Task.Delay(max ?? TimeSpan.FromSeconds(30), Stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The peer stopped.
        }
    }

    /// <summary>
    /// Runs the server side of a TLS handshake with <paramref name="certificate"/>, allowing <paramref name="protocols"/>
    /// (None: the system's default), now: at the start of the connection, or after a plaintext STARTTLS exchange.
    /// Later sends and reads go over TLS. Bytes the client sent before its handshake are an error (a STARTTLS response
    /// injection); a failed handshake throws <see cref="AuthenticationException"/>.
    /// </summary>
    public async Task StartTlsAsync(X509Certificate2 certificate, SslProtocols protocols = SslProtocols.None)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (_ssl is not null) throw new InvalidOperationException("TLS is already on");
        if (_count > 0) throw new InvalidDataException($"received {Printable.Quote(Buffered)} before the TLS handshake");
        var ssl = new SslStream(_network, leaveInnerStreamOpen: true);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        limit.CancelAfter(OperationTimeout);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateSelectionCallback = (_, name) =>
                {
                    TlsServerName = string.IsNullOrEmpty(name) ? null : name;
                    return certificate;
                },
                EnabledSslProtocols = protocols,
                ClientCertificateRequired = false,
            }, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!Stopping.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"the TLS handshake did not finish within {Printable.Duration(OperationTimeout)}");
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new AuthenticationException($"the TLS handshake failed: {Failure(e)}", e);
        }
        _ssl = ssl;
        _stream = ssl;
    }

    /// <summary>The graceful end of a script: FIN (unless sent or reset), what the client still sends dropped (bounded), close.</summary>
    internal async Task FinishAsync()
    {
        var state = Interlocked.CompareExchange(ref _state, 1, 0);
        if (state == 2) return;
        try
        {
            if (state == 0) await SendEndAsync().ConfigureAwait(false);
            if (!Stopping.IsCancellationRequested) await DiscardUntilClosedAsync(FinishDrainTime).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or TimeoutException or OperationCanceledException)
        {
            // Best effort: the client may already be gone, or not reading.
        }
        finally
        {
            Abort();
        }
    }

    /// <summary>
    /// close_notify when on TLS (bounded: it is a write the client may not read), then FIN.
    /// </summary>
    private async Task SendEndAsync()
    {
        if (_ssl is not null) await _ssl.ShutdownAsync().WaitAsync(OperationTimeout, Stopping).ConfigureAwait(false);
        Socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>A socket failure in rspamd's words where they exist ("the connection was reset by the client").</summary>
    private static string Failure(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionReset }) return "the connection was reset by the client";
            if (inner is SocketException socket) return socket.Message;
        }
        return e.Message;
    }
}
