using ActorTcp.Actors.Transport;
using Akka.Event;

namespace ActorTcp.Actors.Connection;

// The Open state's work: rspamd's plan step, and the socket's events through TLS (when on) to the handler queue.
internal sealed partial class ConnectionActor
{
    // ---- the plan step -------------------------------------------------------------------------------------------

    /// <summary>rspamd's plan step: act on the head handler until one waits for the network or a callback.</summary>
    private void Plan()
    {
        if (Has(ConnectionStatus.InTurn | ConnectionStatus.Handshaking | ConnectionStatus.Failed | ConnectionStatus.Finished)
            || Writing) return;

        if (_tlsPending is { } pending && _queue.Count > 0 && !Has(ConnectionStatus.Eof))
        {
            // starttls(): the next handler is due, so the handshake runs first (rspamd arms the handshake with it).
            _tlsPending = null;
            BeginStartTls(pending, upgrade: null);
            return;
        }

        while (true)
        {
            var step = _queue.Plan(_buffer, _request.Partial, Has(ConnectionStatus.Eof), Settings.ReadChunkSize, _maxDelivery,
                (int)Math.Min(Settings.MaxReadBuffer, int.MaxValue));
            switch (step.Action)
            {
                case PlanAction.Finish:
                    // A sync connection waits for its next operation; only close() ends it.
                    if (!_request.Synchronous) Finish();
                    return;
                case PlanAction.Deliver:
                    if (!step.Handler!.HasCallback) continue;
                    _readAhead.Delivered = step.Data;
                    BeginTurn(PartialBatch.Delivery(Id, step.Handler, step.Data, Settings.ReadChunkSize));
                    ReadAheadOfCallbacks();
                    return;
                case PlanAction.NonFatalError:
                    BeginTurn(new HandlerFailed(Id, step.Handler!.HandlerId, new TcpFailure(TcpFailureReason.AfterEnd, step.Error!), Fatal: false));
                    return;
                case PlanAction.Read:
                    if (_readAhead.TakeHeld() is { } end)
                    {
                        // What a read ahead met after the bytes already handed on: the read asked for now meets it.
                        Set(ConnectionStatus.Eof);
                        _buffer.Clear();
                        Fail(end.ReadFailure);
                        return;
                    }
                    if (_buffer.Length >= Settings.MaxReadBuffer)
                    {
                        Fail(TcpFailure.Limit(TcpErrors.ReadBufferLimit(Settings.MaxReadBuffer)));
                        return;
                    }
                    // A read may be requested already (a sync read that timed out, a read made ahead): wait for that one.
                    if (!_timer.Armed) _timer.Arm(WaitPhase.Read);
                    if (Has(ConnectionStatus.ReadPending)) return;
                    Set(ConnectionStatus.ReadPending);
                    Stream!.RequestRead();
                    return;
                case PlanAction.Write:
                    if (_readAhead.Held is { SocketError: { } reason })
                    {
                        // A read ahead met a socket error: the socket is gone (Akka.IO even stopped its actor), so the
                        // write gets the error the kernel gives a write on a reset socket.
                        _readAhead.TakeHeld();
                        Set(ConnectionStatus.Eof);
                        Fail(new TcpFailure(TcpFailureReason.SocketError, TcpErrors.WriteError(reason)));
                        return;
                    }
                    StartWrite((WriteSpec)step.Handler!);
                    return;
                case PlanAction.StartTls:
                    var upgrade = (StartTlsSpec)step.Handler!;
                    BeginStartTls(new TlsOptions(upgrade.NoVerify), upgrade);
                    return;
            }
        }
    }

    // ---- reading -------------------------------------------------------------------------------------------------

    private void OnSocketEvent(TransportEvent socketEvent)
    {
        switch (socketEvent)
        {
            case TransportEvent.Received received:
                var data = _readAhead.Adopt(received.Data, received.Lease, tls: _tls is not null);
                if (_tls is { } tls) tls.OnCipherReceived(data);
                else OnReceived(data);
                _readAhead.ReleaseIdle(_buffer, Has(ConnectionStatus.InTurn));
                break;
            case TransportEvent.WriteAcked:
                if (_tls is { } tlsAcked) tlsAcked.OnCipherAcked();
                else OnWriteAcked();
                break;
            case TransportEvent.PeerClosed:
                if (_tls is { } tlsEnded) tlsEnded.OnCipherEof();
                else OnPeerClosed();
                break;
            case TransportEvent.Failed failed:
                _measure.SocketFailed(TcpErrors.SocketErrorOf(failed.Cause));
                OnTransportError(TcpErrors.StrError(failed.Cause));
                break;
        }
    }

    private void OnReceived(ReadOnlyMemory<byte> data)
    {
        // Bytes read before the socket saw our close are late: the connection already failed or closed it.
        if (Stream is null) return;
        Clear(ConnectionStatus.ReadPending);
        _readAhead.Stopped();
        // A read made while writing is not the timed wait: the write's is.
        if (!Writing) _timer.Disarm();
        _buffer.Append(data);
        Plan();
        ReadAheadOfCallbacks();
        ReadWhileWriting();
    }

    private void OnPeerClosed()
    {
        // An end is held already: the socket's later reports about it change nothing.
        if (_readAhead.Held is not null) return;
        if (_readAhead.MustHold(peerClosed: true, Writing, Has(ConnectionStatus.InTurn), _buffer.IsEmpty))
        {
            Hold(new HeldEnd(SocketError: null));
            return;
        }
        _readAhead.Stopped();
        Set(ConnectionStatus.Eof);
        if (!Has(ConnectionStatus.ReadPending)) return;
        // EOF while a read waits: what is buffered cannot satisfy it (rspamd drops it), so the read fails.
        Clear(ConnectionStatus.ReadPending);
        _timer.Disarm();
        _buffer.Clear();
        Fail(TcpFailure.Terminated);
    }

    /// <summary>Holds what a read ahead met; outside a turn the plan step runs, for a head that waits on this read.</summary>
    private void Hold(HeldEnd end)
    {
        Clear(ConnectionStatus.ReadPending);
        _readAhead.Hold(end);
        Plan();
    }

    /// <summary>
    /// While a partial batch's callbacks run, asks the socket for the next bytes (one read). Only for batching receivers
    /// on a plain async connection: one chunk per turn (actor tests, sync reads) stays pull-only.
    /// </summary>
    private void ReadAheadOfCallbacks()
    {
        if (!Has(ConnectionStatus.InTurn) || !_readAhead.Streams || !CanReadAhead()) return;
        // TLS reads through its own pump; a pending starttls must not find ciphertext buffered as plaintext.
        if (_tls is not null || Writing) return;
        // One read ahead: appending a second to it would copy both.
        if (_queue.Head is not ReadSpec || !_buffer.IsEmpty) return;
        StartReadAhead();
    }

    /// <summary>
    /// Full duplex: while a write is sent and a read waits behind it, the connection keeps reading (up to
    /// <c>max-read-buffer</c>), so a peer that echoes a long request, or answers early and closes, is read, not deadlocked
    /// behind our write (rspamd reads only once the write completed, and deadlocks until its timeout). Plain
    /// connections only: under TLS a write completes only after SslStream's task reports it, so a reset the read meets
    /// would be taken for the write's failure (the write's bytes were long on the wire).
    /// </summary>
    private void ReadWhileWriting()
    {
        if (!Writing || _tls is not null || !CanReadAhead() || !_queue.ReadQueuedBehindHead) return;
        if (_buffer.Length >= Settings.MaxReadBuffer) return;
        StartReadAhead();
    }

    private bool CanReadAhead() =>
        !Has(ConnectionStatus.ReadPending | ConnectionStatus.Eof | ConnectionStatus.Handshaking | ConnectionStatus.Failed | ConnectionStatus.Finished)
        && _readAhead.Held is null && _tlsPending is null && Stream is not null;

    private void StartReadAhead()
    {
        Set(ConnectionStatus.ReadPending);
        _readAhead.Started();
        Stream!.RequestRead();
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    private void StartWrite(WriteSpec spec)
    {
        if (_writes is { OutputShut: true } && spec.Length > 0)
        {
            // The sending side was shut down (request{shutdown=true}): the kernel would answer EPIPE.
            Fail(new TcpFailure(TcpFailureReason.SocketError, TcpErrors.WriteError(TcpErrors.StrError(System.Net.Sockets.SocketError.Shutdown))));
            return;
        }
        _timer.Arm(WaitPhase.Write);
        // 0 bytes complete at once (rspamd aborts the process here).
        if (Writes.Start(spec, Stream!)) WriteFinished();
        else ReadWhileWriting();
    }

    private void OnWriteAcked()
    {
        if (!Writing || Stream is not { } stream) return;
        _timer.Disarm();
        if (_writes!.OnAcked(stream)) WriteFinished();
        else _timer.Arm(WaitPhase.Write);
    }

    private void WriteFinished()
    {
        _timer.Disarm();
        var spec = _writes!.Complete(Stream!);
        _queue.Dequeue();
        if (spec.HasCallback) BeginTurn(new WriteCompleted(Id, spec.HandlerId));
        else Plan();
    }

    // ---- TLS -----------------------------------------------------------------------------------------------------

    /// <summary>
    /// STARTTLS (a pending starttls() or a queued <see cref="StartTlsSpec"/>): plaintext still buffered here arrived
    /// after the server's go-ahead, so it is an injection and fails the connection; otherwise the handshake starts.
    /// </summary>
    private void BeginStartTls(TlsOptions options, StartTlsSpec? upgrade)
    {
        if (!_buffer.IsEmpty)
        {
            var injected = _buffer.Length;
            _buffer.Clear();
            Fail(TcpFailure.Tls(TcpErrors.SslPlaintextAfterStartTls(injected)));
            return;
        }
        if (Has(ConnectionStatus.TlsOn) && upgrade is not null)
        {
            // A queued upgrade on a TLS connection is refused as a second starttls is.
            _queue.RemoveHeadIf(upgrade.HandlerId);
            if (upgrade.HasCallback) BeginTurn(new HandlerFailed(Id, upgrade.HandlerId, TcpFailure.Tls(TcpErrors.StartTlsRefused), Fatal: false));
            else Plan();
            return;
        }
        _upgrade = upgrade;
        StartTlsLayer(options);
    }

    private void StartTlsLayer(TlsOptions options)
    {
        _timer.Disarm();
        // A socket read still requested (a sync read that timed out, or a read made ahead) now brings ciphertext.
        var tls = new TlsTransport(_socket!, Self, _request.Host, options, Settings.TlsCaCertificates,
            Math.Max(Settings.ReadChunkSize, TlsReadSize), Settings.MaxBytesInFlight, innerReadPending: Has(ConnectionStatus.ReadPending),
            resume: Settings.TlsSessionResumption);
        Clear(ConnectionStatus.ReadPending);
        _readAhead.Stopped();
        _tls = tls;
        Set(ConnectionStatus.TlsOn | ConnectionStatus.Handshaking);
        // rspamd starts the handshake with the connect timer (phased: connect_timeout; else what is left of the budget).
        _timer.Arm(WaitPhase.Connect);
        _measure.HandshakeStarting();
        tls.StartHandshake();
    }

    private void OnTlsSignal(TlsSignal signal)
    {
        if (_tls is not { } tls)
        {
            TlsTransport.Discard(signal);
            return;
        }
        var outcome = tls.Handle(signal);
        switch (outcome.Kind)
        {
            case TlsOutcomeKind.HandshakeDone:
                OnHandshakeDone(tls);
                break;
            case TlsOutcomeKind.Received:
                // The plaintext buffer is pooled: held as a lease until its bytes are consumed, as a socket read's.
                OnReceived(_readAhead.Adopt(outcome.Data, outcome.Lease, tls: false));
                _readAhead.ReleaseIdle(_buffer, Has(ConnectionStatus.InTurn));
                break;
            case TlsOutcomeKind.WriteAcked:
                OnWriteAcked();
                break;
            case TlsOutcomeKind.Eof:
                OnPeerClosed();
                break;
            case TlsOutcomeKind.Failed:
                Clear(ConnectionStatus.Handshaking | ConnectionStatus.ReadPending);
                Set(ConnectionStatus.Eof);
                Fail(TcpFailure.Tls(outcome.Error!));
                break;
        }
    }

    private void OnHandshakeDone(TlsTransport tls)
    {
        Clear(ConnectionStatus.Handshaking);
        _timer.Disarm();
        _measure.HandshakeDone();
        Log.Debug("TLS established with {0} ({1})", _request.Host, tls.Protocol);
        if (!Has(ConnectionStatus.Established))
        {
            Established();
            return;
        }
        if (_upgrade is { } upgrade)
        {
            _upgrade = null;
            _queue.RemoveHeadIf(upgrade.HandlerId);
            if (upgrade.HasCallback) BeginTurn(new TlsStarted(Id, upgrade.HandlerId));
            else Plan();
            return;
        }
        Plan();
    }
}
