using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Dns;
using Akka.Actor;

namespace ActorTcp.Actors.Transport;

/// <summary>
/// TLS over another transport, for the connection actor that owns both: the handler queue sees plaintext through the
/// same <see cref="ITransport"/> seam. An <see cref="SslStream"/> runs over a <see cref="CipherStream"/>; every
/// SslStream operation is a task whose result comes back to the actor as a <see cref="TlsSignal"/>, which the actor
/// passes to <see cref="Handle"/> (so the actor never waits). The actor also passes the inner transport's events:
/// <see cref="OnCipherReceived"/>, <see cref="OnCipherAcked"/>, <see cref="OnCipherEof"/>.
/// </summary>
/// <remarks>
/// <para>Reads are pulled: one SslStream read per <see cref="RequestRead"/>, and SslStream's reads of ciphertext
/// become socket reads one at a time (<see cref="TlsSignal.NeedInput"/>), so a fast sender is held back by TCP.</para>
/// <para>Writes: plaintext chunks are encrypted one at a time; each is acknowledged once its ciphertext was taken by
/// the inner transport with at most <c>maxCipherInFlight</c> bytes unacknowledged by the socket. Writes to the inner
/// transport are issued by the actor itself, so their acknowledgements return to it.</para>
/// <para>Shutdown: close_notify is written after the queued plaintext, and the inner transport's FIN is sent only
/// once every ciphertext byte (close_notify included) was acknowledged.</para>
/// </remarks>
internal sealed class TlsTransport : ITransport
{
    private readonly ITransport _inner;
    private readonly IActorRef _owner;
    private readonly CipherStream _stream;
    private readonly SslStream _ssl;
    private readonly TlsCertificateValidator _validator;
    private readonly SslClientAuthenticationOptions _options;
    private readonly int _readSize;
    private readonly int _maxCipherInFlight;
    private readonly Queue<ReadOnlyMemory<byte>?> _plainWrites = new(); // null: close_notify
    private readonly Queue<int> _cipherInFlight = new();
    private int _cipherInFlightBytes;
    private TaskCompletionSource? _heldCipherWrite;
    private bool _innerReadPending;
    private bool _handshakeDone;
    private bool _writing;
    private bool _reading;
    private bool _finAfterDrain;
    private bool _cipherEof;
    private bool _closed;

    /// <param name="inner">The socket transport (its events are passed in by the actor).</param>
    /// <param name="owner">The connection actor: receives every <see cref="TlsSignal"/>.</param>
    /// <param name="host">The request's host: SNI and the verified name (no SNI for IP literals and unix paths).</param>
    /// <param name="options">No-verify and an optional server name overriding <paramref name="host"/>.</param>
    /// <param name="extraRoots">CA certificates trusted besides the system store.</param>
    /// <param name="readSize">Bytes per plaintext read.</param>
    /// <param name="maxCipherInFlight">Most ciphertext bytes handed to the socket and not yet acknowledged.</param>
    /// <param name="innerReadPending">A socket read is already requested (a STARTTLS upgrade while a read waits).</param>
    /// <param name="resume">Whether a session of an earlier connection to the same server name may be resumed.</param>
    public TlsTransport(ITransport inner, IActorRef owner, string host, TlsOptions options, X509Certificate2Collection extraRoots,
        int readSize, int maxCipherInFlight, bool innerReadPending, bool resume)
    {
        _inner = inner;
        _owner = owner;
        _readSize = readSize;
        _maxCipherInFlight = maxCipherInFlight;
        _innerReadPending = innerReadPending;
        var name = options.ServerName ?? host;
        _validator = new TlsCertificateValidator(name, options.NoVerify, extraRoots);
        _stream = new CipherStream(owner);
        _ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        _options = new SslClientAuthenticationOptions
        {
            // SNI only for names (an IP literal or a unix path is no server name); the name check is the validator's.
            TargetHost = IPAddress.TryParse(name, out _) || HostAddress.IsUnixPath(name) ? string.Empty : name,
            EnabledSslProtocols = SslProtocols.None, // the system's choice: TLS 1.2 and 1.3
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = _validator.Validate,
            // .NET keys its session cache by server name; the validator still runs on a resumed session's certificate.
            AllowTlsResume = resume,
            CertificateChainPolicy = ChainPolicyFor(options),
        };
    }

    /// <summary>
    /// How SslStream builds the server's chain before the validator sees it: as .NET does (null: the system store) when
    /// verifying; without verification, whose validator never reads the outcome, against no roots at all. A build over
    /// the system store cost a third of a full handshake's CPU (BENCHMARKS.md W8); rspamd skips it too (SSL_VERIFY_NONE).
    /// </summary>
    internal static X509ChainPolicy? ChainPolicyFor(TlsOptions options) => options.NoVerify
        ? new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        }
        : null;

    /// <summary>The negotiated protocol, once the handshake succeeded.</summary>
    public SslProtocols Protocol => _handshakeDone ? _ssl.SslProtocol : SslProtocols.None;

    /// <summary>Starts the client handshake; its outcome arrives as a signal.</summary>
    public void StartHandshake()
    {
        Task handshake;
        try
        {
            handshake = _ssl.AuthenticateAsClientAsync(_options, CancellationToken.None);
        }
        catch (Exception e)
        {
            handshake = Task.FromException(e);
        }
        var validator = _validator;
        handshake.PipeTo(_owner,
            success: () => TlsSignal.HandshakeCompleted.Instance,
            failure: e => new TlsSignal.HandshakeFailed(e, validator.Rejection));
    }

    // ---- ITransport: the plaintext side --------------------------------------------------------------------------

    public void Write(ReadOnlyMemory<byte> chunk)
    {
        _plainWrites.Enqueue(chunk);
        PumpWrites();
    }

    public void RequestRead()
    {
        if (_reading || _closed || !_handshakeDone) return;
        _reading = true;
        // Pooled: a fresh 16 KiB array per read was most of what a TLS request allocated (BENCHMARKS.md, W8). The
        // connection actor holds it as a lease, as a socket read's, and returns it once its bytes are consumed.
        var buffer = ArrayPool<byte>.Shared.Rent(_readSize);
        Task<int> read;
        try
        {
            read = _ssl.ReadAsync(buffer).AsTask();
        }
        catch (Exception e)
        {
            read = Task.FromException<int>(e);
        }
        read.PipeTo(_owner, success: n => new TlsSignal.PlainRead(buffer, n), failure: e => new TlsSignal.PlainReadFailed(e));
    }

    public void ShutdownOutput()
    {
        _plainWrites.Enqueue(null);
        PumpWrites();
    }

    public void Close()
    {
        if (_closed) return;
        _closed = true;
        var closed = new ObjectDisposedException(nameof(TlsTransport), "the connection was closed");
        _stream.Abort(closed);
        _heldCipherWrite?.TrySetException(closed);
        _heldCipherWrite = null;
        _ssl.Dispose();
        _inner.Close();
    }

    // ---- events of the inner transport, passed in by the actor ----------------------------------------------------

    /// <summary>Ciphertext arrived from the socket.</summary>
    public void OnCipherReceived(ReadOnlyMemory<byte> data)
    {
        _innerReadPending = false;
        _stream.Feed(data);
    }

    /// <summary>The socket accepted one ciphertext write.</summary>
    public void OnCipherAcked()
    {
        if (_cipherInFlight.TryDequeue(out var length)) _cipherInFlightBytes -= length;
        if (_heldCipherWrite is { } held && _cipherInFlightBytes <= _maxCipherInFlight)
        {
            _heldCipherWrite = null;
            held.TrySetResult();
        }
        SendFinWhenDrained();
    }

    /// <summary>The socket reached EOF.</summary>
    public void OnCipherEof()
    {
        _innerReadPending = false;
        _cipherEof = true;
        _stream.FeedEof();
    }

    // ---- signals from the TLS tasks -------------------------------------------------------------------------------

    /// <summary>Acts on a signal of this layer's tasks; the outcome tells the handler queue what happened.</summary>
    public TlsOutcome Handle(TlsSignal signal)
    {
        if (_closed)
        {
            Discard(signal);
            return TlsOutcome.None;
        }
        switch (signal)
        {
            case TlsSignal.NeedInput:
                if (!_innerReadPending && !_cipherEof && _stream.WantsInput)
                {
                    _innerReadPending = true;
                    _inner.RequestRead();
                }
                return TlsOutcome.None;

            case TlsSignal.CipherOut output:
                _inner.Write(output.Data);
                _cipherInFlight.Enqueue(output.Data.Length);
                _cipherInFlightBytes += output.Data.Length;
                if (_cipherInFlightBytes <= _maxCipherInFlight) output.Done.TrySetResult();
                else _heldCipherWrite = output.Done; // SslStream has one write at a time: at most one is held
                return TlsOutcome.None;

            case TlsSignal.HandshakeCompleted:
                _handshakeDone = true;
                PumpWrites();
                return new TlsOutcome(TlsOutcomeKind.HandshakeDone);

            case TlsSignal.HandshakeFailed failed:
                return new TlsOutcome(TlsOutcomeKind.Failed, Error: failed.Rejection ?? TcpErrors.SslHandshakeFailed(Reason(failed.Cause)));

            case TlsSignal.PlainRead read:
                _reading = false;
                if (read.Count > 0)
                    return new TlsOutcome(TlsOutcomeKind.Received, new ReadOnlyMemory<byte>(read.Buffer, 0, read.Count), Lease: read.Buffer);
                ArrayPool<byte>.Shared.Return(read.Buffer);
                return new TlsOutcome(TlsOutcomeKind.Eof);

            case TlsSignal.PlainReadFailed failed:
                _reading = false;
                // EOF in the middle of a record (no close_notify) is still the end of the stream, as SSL_read's 0 is.
                return _cipherEof
                    ? new TlsOutcome(TlsOutcomeKind.Eof)
                    : new TlsOutcome(TlsOutcomeKind.Failed, Error: TcpErrors.SslStreamError("read", Reason(failed.Cause)));

            case TlsSignal.PlainWritten:
                _writing = false;
                PumpWrites();
                return new TlsOutcome(TlsOutcomeKind.WriteAcked);

            case TlsSignal.CloseNotifyWritten:
                _writing = false;
                _finAfterDrain = true;
                SendFinWhenDrained();
                PumpWrites();
                return TlsOutcome.None;

            case TlsSignal.PlainWriteFailed failed:
                _writing = false;
                return new TlsOutcome(TlsOutcomeKind.Failed, Error: TcpErrors.SslStreamError("write", Reason(failed.Cause)));

            default:
                return TlsOutcome.None;
        }
    }

    /// <summary>
    /// Releases what a signal holds when nobody will handle it (the layer or the actor is gone): a held write fails,
    /// so the SslStream task behind it ends.
    /// </summary>
    public static void Discard(object signal)
    {
        if (signal is TlsSignal.CipherOut output) output.Done.TrySetException(new ObjectDisposedException(nameof(TlsTransport)));
        // Nobody reads a late read's buffer: back to the pool.
        else if (signal is TlsSignal.PlainRead read) ArrayPool<byte>.Shared.Return(read.Buffer);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private void PumpWrites()
    {
        if (_closed || _writing || !_handshakeDone || !_plainWrites.TryDequeue(out var next)) return;
        _writing = true;
        if (next is not { } chunk)
        {
            StartTask(() => _ssl.ShutdownAsync()).PipeTo(_owner,
                success: () => TlsSignal.CloseNotifyWritten.Instance,
                failure: e => new TlsSignal.PlainWriteFailed(e));
            return;
        }
        StartTask(() => _ssl.WriteAsync(chunk).AsTask()).PipeTo(_owner,
            success: () => TlsSignal.PlainWritten.Instance,
            failure: e => new TlsSignal.PlainWriteFailed(e));
    }

    private void SendFinWhenDrained()
    {
        if (!_finAfterDrain || _cipherInFlightBytes > 0) return;
        _finAfterDrain = false;
        _inner.ShutdownOutput();
    }

    private static Task StartTask(Func<Task> start)
    {
        try
        {
            return start();
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    /// <summary>The most specific message of a TLS failure (OpenSSL's text when .NET passes it on), without a final period.</summary>
    internal static string Reason(Exception e)
    {
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        var text = inner.Message.Trim();
        if (text.Length == 0) text = e.Message.Trim();
        return text.EndsWith('.') ? text[..^1] : text;
    }
}
