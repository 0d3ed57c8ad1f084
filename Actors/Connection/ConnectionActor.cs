using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using ActorTcp.Actors.Dns;
using ActorTcp.Actors.Transport;
using Akka.Actor;
using Akka.Event;
using Akka.IO;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// One rspamd_tcp connection: resolves, connects, and runs the request's handler queue over the socket, reporting
/// every completion to the caller as a message.
/// <code>
///   Resolving ──► Connecting ──► Open ──────────────► (queue empty) Finish ─► ConnectionClosed, stop
///       │             │            │  ▲ each ICallbackTurn completion waits for CallbackReturned
///       └─────────────┴────────────┴──► Failing: the fatal error to every queued handler, one turn each ─► Finish
///
///   TLS (inside Open): ssl=true ─► handshake right after the TCP connect; established (on_connect) when it succeeds
///                      starttls() ─► pending; the handshake runs when the next handler is due, then that handler goes on
/// </code>
/// Reads are pulled (one chunk per request) only when the head handler needs bytes, so a slow consumer never makes
/// the actor buffer more than one frame beyond what the head read asked for; a partial-mode stream to a batching
/// receiver reads that one frame ahead while its callbacks run. Writes go out in acknowledged chunks
/// with a bounded number of bytes in flight.
/// <para>TLS is a decorator over the socket transport (<see cref="TlsTransport"/>): the handler queue reads and writes
/// plaintext through it; the socket's events are routed into it and its <see cref="TlsSignal"/>s back through it. A
/// timer that expires once TLS is on reports <see cref="TcpErrors.SslTimedOut"/> (rspamd: the TLS layer owns the timer).</para>
/// </summary>
internal sealed class ConnectionActor : ActorBase
{
    private sealed class IoTimeout
    {
        public static readonly IoTimeout Instance = new();
    }


    /// <summary>Bytes per plaintext read under TLS: one TLS record's worth.</summary>
    private const int TlsReadSize = 16 * 1024;

    private readonly ConnectionRequest _request;
    private readonly IActorRef _replyTo;
    private readonly IActorRef _resolver;
    private readonly IActorRef _tcp;
    private readonly ActorTcpSettings _settings;
    private readonly string? _initialError;
    private readonly HandlerQueue _queue = new();
    private readonly ReadBuffer _buffer = new();
    private readonly TimeoutClock _clock;
    // Made on first use: a logger per connection (its source string from the actor path) cost every request ~400 bytes.
    private ILoggingAdapter? _logger;
    private ILoggingAdapter Log => _logger ??= Context.GetLogger();

    // The socket; the handler queue uses _transport, which is the socket or the TLS layer over it.
    private ITransport? _inner;
    private ITransport? _transport;
    private TlsTransport? _tls;
    // starttls() was called: TLS starts at the next plan step that has a handler to run.
    private TlsOptions? _tlsPending;
    // The queued StartTlsSpec (tcp_sync's starttls) whose handshake runs.
    private StartTlsSpec? _upgrade;
    private EndPoint? _remote;
    private IReadOnlyList<IPAddress> _addresses = [];
    private TimeSpan? _connectLimit;
    private int _addressIndex;
    private WriteCursor? _write;
    private long _queuedWriteBytes;
    private bool _connected;
    private bool _eof;
    // The socket itself reached EOF (under TLS the plaintext EOF comes later, through the TLS layer).
    private bool _socketEof;
    private bool _tlsStarted;
    private bool _handshaking;
    private bool _readPending;
    private bool _inTurn;

    // Partial mode with batching: the pending read was asked for while Lua runs a batch's callbacks (read-ahead), so
    // the socket, this actor and the Lua host work at once instead of in turn. The end of the stream or an error such a
    // read meets is held in _heldEnd until the bytes before it were handed on: a read made after the turn, as rspamd
    // makes it, would only then have met it.
    private bool _readingAhead;
    private HeldEnd? _heldEnd;

    /// <summary>What a read-ahead met: the peer's EOF (<paramref name="SocketError"/> null) or a socket error.</summary>
    private readonly record struct HeldEnd(string? SocketError)
    {
        /// <summary>The error of the read that meets it.</summary>
        public string ReadError => SocketError is null ? TcpErrors.ConnectionTerminated : TcpErrors.ReadError(SocketError);
    }

    /// <summary>
    /// Sync: a limit error raised by a handler the running turn queued. Its operation waits for the turn to end, and
    /// must then hear the limit, not the EOF error every later operation gets.
    /// </summary>
    private string? _syncLimitError;
    private bool _shutdownPending;
    private bool _outputShut;
    private bool _finished;
    private string? _fatalError;
    private Exception? _crash;

    public ConnectionActor(ConnectionRequest request, IActorRef replyTo, IActorRef resolver, IActorRef tcp,
        ActorTcpSettings settings, string? initialError)
    {
        _tcp = tcp;
        _request = request;
        _replyTo = replyTo;
        _resolver = resolver;
        _settings = settings;
        _initialError = initialError;
        _clock = new TimeoutClock(request.Timeouts, settings.DefaultTimeout);
        _shutdownPending = request.Shutdown;
        foreach (var handler in request.Handlers)
        {
            _queue.Enqueue(handler);
            if (handler is WriteSpec write) _queuedWriteBytes += write.Length;
        }
    }

    /// <summary>Creates the props of a connection actor.</summary>
    public static Props Props(ConnectionRequest request, IActorRef replyTo, IActorRef resolver, IActorRef tcp,
        ActorTcpSettings settings, string? initialError = null) =>
        // A producer, not Props.Create(() => new ...): that builds and walks an expression tree per connection (~600 B
        // and reflection on every request, BENCHMARKS.md W1).
        Akka.Actor.Props.CreateBy(new Producer(request, replyTo, resolver, tcp, settings, initialError));

    private sealed class Producer(ConnectionRequest request, IActorRef replyTo, IActorRef resolver, IActorRef tcp,
        ActorTcpSettings settings, string? initialError) : IIndirectActorProducer
    {
        public Type ActorType => typeof(ConnectionActor);

        public ActorBase Produce() => new ConnectionActor(request, replyTo, resolver, tcp, settings, initialError);

        public void Release(ActorBase actor) { }
    }


    private long Id => _request.RequestId;

    protected override void PreStart()
    {
        _replyTo.Tell(new ConnectionStarted(Id, Self));

        if ((_initialError ?? LimitError()) is { } error)
        {
            Fail(error);
            return;
        }

        if (_queue.Count == 0 && !_request.NotifyConnected && !_request.NotifyConnectError)
        {
            // Nothing can observe this connection (rspamd opens and drops it); skip the socket altogether.
            Finish();
            return;
        }

        var host = _request.Host;
        if (_request.Address is { } chosen)
        {
            StartConnecting([chosen]);
        }
        else if (HostAddress.IsUnixPath(host))
        {
            var unix = new SocketTransport(Self, _settings.SocketReadSize, AddressFamily.Unix, leaseReads: StreamsBatches);
            _inner = _transport = unix;
            ArmTimer(WaitPhase.Connect);
            unix.Connect(new UnixDomainSocketEndPoint(host));
            Context.Become(ConnectingUnix);
        }
        else if (HostAddress.TryGetStaticAddresses(host, out var addresses))
        {
            StartConnecting(addresses);
        }
        else
        {
            _resolver.Tell(new Resolve(host, Id));
            Context.Become(Resolving);
        }
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        // A lazy timer that fired before its wait's deadline (see ArmTimer) is consumed here, whatever the state.
        if (message is IoTimeout && !TimeoutExpired()) return true;
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception ex)
        {
            _crash = ex;
            throw;
        }
    }

    protected override void PostStop()
    {
        _timer?.Cancel();
        if (_finished) return;
        // Crashed or stopped from outside: no callback can run any more, so every queued handler is told at once.
        _finished = true;
        CloseTransport();
        ReleaseBuffers();
        // The manager counts this connection until told (it does not watch it). The constructor cannot throw, so every
        // connection actor that started gets here or to Finish.
        Context.Parent.Tell(ConnectionManager.ConnectionFinished.Instance, Self);
        var error = TcpErrors.ActorStopped(_crash?.Message ?? "stopped");
        while (_queue.Count > 0)
        {
            var handler = _queue.Dequeue();
            if (handler.HasCallback) _replyTo.Tell(new HandlerFailed(Id, handler.HandlerId, error, Fatal: true));
        }
        _replyTo.Tell(new ConnectionClosed(Id));
    }

    protected override void PreRestart(Exception reason, object message) =>
        throw new InvalidOperationException("connection actors are never restarted", reason);

    protected override bool Receive(object message) => false;

    // ---- states --------------------------------------------------------------------------------------------------

    private bool Resolving(object message)
    {
        switch (message)
        {
            case Resolved resolved:
                StartConnecting(resolved.Addresses);
                return true;
            case ResolveFailed failed:
                Fail(failed.Error);
                return true;
            default:
                return HandleCommand(message);
        }
    }

    private bool Connecting(object message)
    {
        switch (message)
        {
            case Tcp.Connected connected:
                var connection = Sender;
                connection.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: true, useResumeWriting: false));
                Context.Watch(connection);
                OnConnected(new AkkaIoTransport(connection), connected.RemoteAddress);
                return true;
            case Tcp.CommandFailed { Cmd: Tcp.Connect } failed:
                ConnectNextOrFail(Cause(failed));
                return true;
            case IoTimeout:
                Fail(TcpErrors.IoTimeout);
                return true;
            default:
                return HandleCommand(message);
        }
    }

    private bool ConnectingSocket(object message)
    {
        switch (message)
        {
            case TransportEvent.Connected:
                OnConnected(_transport!, new IPEndPoint(_addresses[_addressIndex], _request.Port));
                return true;
            case TransportEvent.Failed failed:
                CloseTransport();
                ConnectNextOrFail(failed.Cause);
                return true;
            case IoTimeout:
                Fail(TcpErrors.IoTimeout);
                return true;
            default:
                return HandleCommand(message);
        }
    }

    private bool ConnectingUnix(object message)
    {
        switch (message)
        {
            case TransportEvent.Connected:
                OnConnected(_transport!, new UnixDomainSocketEndPoint(_request.Host));
                return true;
            case TransportEvent.Failed:
                // rspamd's connect() on a unix socket fails synchronously whatever the reason.
                Fail(TcpErrors.CannotConnect(_request.Host));
                return true;
            case IoTimeout:
                Fail(TcpErrors.IoTimeout);
                return true;
            default:
                return HandleCommand(message);
        }
    }

    private bool Open(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                OnSocketReceived(ToMemory(received.Data));
                return true;
            case TransportEvent.Received received:
                OnSocketReceived(received.Data, received.Lease);
                return true;
            case AkkaIoTransport.Ack:
                OnSocketAcked();
                return true;
            case TransportEvent.WriteAcked:
                (_inner as SocketTransport)?.OnAcked();
                OnSocketAcked();
                return true;
            case Tcp.PeerClosed or Tcp.ConfirmedClosed or TransportEvent.PeerClosed:
                OnSocketPeerClosed();
                return true;
            case TlsSignal signal:
                OnTlsSignal(signal);
                return true;
            case Tcp.ErrorClosed closed:
                OnTransportError(ParseAkkaCause(closed.Cause ?? "unknown error"));
                return true;
            case Tcp.CommandFailed { Cmd: Tcp.Write } failed:
                // Akka.IO drops writes once the socket is closing: the Broken pipe of a write after shutdown.
                OnTransportError(Cause(failed) is { } cause and SocketException ? TcpErrors.StrError(cause) : TcpErrors.StrError(SocketError.Shutdown));
                return true;
            case TransportEvent.Failed failed:
                OnTransportError(TcpErrors.StrError(failed.Cause));
                return true;
            case Terminated:
                // Akka.IO stops its connection actor after reporting EOF on a half-closed socket, and after our close;
                // only an unexplained stop is an error.
                if (!_socketEof) OnTransportError(TcpErrors.StrError(SocketError.ConnectionReset));
                return true;
            case IoTimeout when _request.Synchronous && _readPending && !_handshaking:
                // A sync read that timed out can be retried (as OpenResty allows): the socket read stays requested
                // and what arrives later is buffered for the next read.
                _clock.Disarm();
                BeginTurn(new HandlerFailed(Id, _queue.Dequeue().HandlerId, TimeoutError, Fatal: false));
                return true;
            case IoTimeout:
                Fail(TimeoutError);
                return true;
            default:
                return HandleCommand(message);
        }
    }

    private bool Failing(object message)
    {
        switch (message)
        {
            case CallbackReturned or CallbackReturnedPartly:
                if (!_inTurn) return true;
                _inTurn = false;
                _delivered = default;
                FanOutNext();
                return true;
            case AddHandler add:
                // Handlers added by a failing callback receive the same error (rspamd appends them to the fan-out).
                _queue.Enqueue(add.Handler);
                return true;
            case CloseConnection:
                Finish();
                return true;
            case Tcp.Connected:
                // A connect that completed after its timeout: nobody wants this socket.
                Sender.Tell(Tcp.Abort.Instance);
                return true;
            case TlsSignal signal:
                TlsTransport.Discard(signal);
                return true;
            default:
                // Late socket events, timers and shifts change nothing once the connection failed.
                return true;
        }
    }

    // ---- commands ------------------------------------------------------------------------------------------------

    private bool HandleCommand(object message)
    {
        switch (message)
        {
            case AddHandler add:
                Enqueue(add.Handler);
                return true;
            case CallbackReturnedPartly partly:
                // The chunks of the batch Lua did not get go back in front of the buffer, for the plan step to hand on.
                if (partly.ConsumedBytes >= 0 && partly.ConsumedBytes < _delivered.Length) _buffer.Restore(_delivered[partly.ConsumedBytes..]);
                return HandleCommand(CallbackReturned.Instance);
            case ShiftCallback shift:
                // Only a handler still at the head can be running a callback (partial mode); the write being sent stays.
                if (_write is null || !ReferenceEquals(_queue.Head, _write.Spec)) _queue.RemoveHeadIf(shift.HandlerId);
                return true;
            case CloseConnection:
                Finish();
                return true;
            case StartTls start:
                // A second starttls is refused by the Lua wrapper; here it changes nothing.
                if (_request.Tls is null && !_tlsStarted && _tlsPending is null) _tlsPending = new TlsOptions(start.NoVerify);
                return true;
            case ShutdownOutput:
                if (_transport is not null && !_outputShut)
                {
                    _outputShut = true;
                    _transport.ShutdownOutput();
                }
                return true;
            case CallbackReturned:
                if (!_inTurn) return true;
                _inTurn = false;
                _delivered = default;
                if (_syncLimitError is { } limit && _queue.Count > 0)
                {
                    _syncLimitError = null;
                    BeginTurn(new HandlerFailed(Id, _queue.Dequeue().HandlerId, limit, Fatal: false));
                    return true;
                }
                Plan();
                ReleaseIdleLeases();
                return true;
            default:
                return false;
        }
    }

    private void Enqueue(HandlerSpec handler)
    {
        _queue.Enqueue(handler);
        if (handler is WriteSpec write) _queuedWriteBytes += write.Length;
        // The handler past a limit is queued first, so its own callback hears why.
        if (LimitError() is not { } error) return;
        if (_request.Synchronous && _connected && _inTurn && _fatalError is null && !_eof) _syncLimitError = error;
        Fail(error);
    }

    private string? LimitError()
    {
        if (_queue.Count > _settings.MaxQueuedHandlers) return TcpErrors.TooManyHandlers(_settings.MaxQueuedHandlers);
        if (_queuedWriteBytes > _settings.MaxQueuedWriteBytes) return TcpErrors.TooManyWriteBytes(_settings.MaxQueuedWriteBytes);
        return null;
    }

    // ---- connecting ----------------------------------------------------------------------------------------------

    private void StartConnecting(IReadOnlyList<IPAddress> addresses)
    {
        _addresses = addresses;
        _addressIndex = 0;
        _connectLimit = ArmTimer(WaitPhase.Connect);
        ConnectTo(addresses[0]);
        Context.Become(_settings.Transport == TransportKind.Socket ? ConnectingSocket : Connecting);
    }

    /// <summary>A connect failed: the next resolved address is tried, or the request fails with the last error.</summary>
    private void ConnectNextOrFail(Exception? cause)
    {
        if (++_addressIndex < _addresses.Count)
        {
            Log.Debug("connect to {0} failed ({1}); trying the next address", _addresses[_addressIndex - 1], cause?.Message);
            ConnectTo(_addresses[_addressIndex]);
            return;
        }
        Fail(TcpErrors.SocketError(ConnectFailureText(cause)));
    }

    private void ConnectTo(IPAddress address)
    {
        var endpoint = new IPEndPoint(address, _request.Port);
        if (_settings.Transport == TransportKind.Socket)
        {
            var socket = new SocketTransport(Self, _settings.SocketReadSize, address.AddressFamily, leaseReads: StreamsBatches);
            _inner = _transport = socket;
            socket.Connect(endpoint);
            return;
        }
        // Akka.IO's own connect timeout only reclaims the socket; our timer (which fires first) reports the error.
        var akkaTimeout = _connectLimit + TimeSpan.FromSeconds(1);
        _tcp.Tell(new Tcp.Connect(endpoint, options: [NoDelay.Instance], timeout: akkaTimeout, pullMode: true));
    }

    private void OnConnected(ITransport transport, EndPoint remote)
    {
        DisarmTimer();
        _inner = _transport = transport;
        _remote = remote;
        Context.Become(Open);
        // ssl=true: the connection is established (on_connect; errors stop going to on_error) after the handshake.
        if (_request.Tls is { } tls) StartTlsLayer(tls);
        else Established();
    }

    private void Established()
    {
        _connected = true;
        if (_request.NotifyConnected)
        {
            BeginTurn(new ConnectionEstablished(Id, _remote!));
            return;
        }
        Plan();
    }

    // ---- the plan step -------------------------------------------------------------------------------------------

    /// <summary>rspamd's plan step: act on the head handler until one waits for the network or a callback.</summary>
    private void Plan()
    {
        if (_inTurn || _finished || _fatalError is not null || _write is not null || _handshaking) return;

        if (_tlsPending is { } pending && _queue.Count > 0 && !_eof)
        {
            // starttls(): the next handler is due, so the handshake runs first (rspamd arms the handshake with it).
            _tlsPending = null;
            BeginStartTls(pending, upgrade: null);
            return;
        }

        while (true)
        {
            var step = _queue.Plan(_buffer, _request.Partial, _eof, _settings.ReadChunkSize, _request.PartialBatch, (int)Math.Min(_settings.MaxReadBuffer, int.MaxValue));
            switch (step.Action)
            {
                case PlanAction.Finish:
                    // A sync connection waits for its next operation; only close() ends it.
                    if (!_request.Synchronous) Finish();
                    return;
                case PlanAction.Deliver:
                    if (!step.Handler!.HasCallback) continue;
                    var batched = step.Data.Length > _settings.ReadChunkSize;
                    _delivered = step.Data;
                    BeginTurn(new ReadCompleted(Id, step.Handler.HandlerId, step.Data, batched ? _settings.ReadChunkSize : 0));
                    ReadAhead();
                    return;
                case PlanAction.NonFatalError:
                    BeginTurn(new HandlerFailed(Id, step.Handler!.HandlerId, step.Error!, Fatal: false));
                    return;
                case PlanAction.Read:
                    if (_heldEnd is { } end)
                    {
                        // What a read-ahead met after the bytes already handed on: the read asked for now meets it.
                        _heldEnd = null;
                        _eof = true;
                        _buffer.Clear();
                        Fail(end.ReadError);
                        return;
                    }
                    if (_buffer.Length >= _settings.MaxReadBuffer)
                    {
                        Fail(TcpErrors.ReadBufferLimit(_settings.MaxReadBuffer));
                        return;
                    }
                    // A read may still be requested from a sync read that timed out: wait for that one.
                    if (!_clock.Armed) ArmTimer(WaitPhase.Read);
                    if (_readPending) return;
                    _readPending = true;
                    _transport!.RequestRead();
                    return;
                case PlanAction.Write:
                    if (_heldEnd is { SocketError: { } reason })
                    {
                        // A read-ahead met a socket error: the socket is gone (Akka.IO even stopped its actor), so the
                        // write gets the error the kernel gives a write on a reset socket.
                        _heldEnd = null;
                        _eof = true;
                        Fail(TcpErrors.WriteError(reason));
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

    // The data of the last delivery, until its turn ends: a batch Lua stops early comes back from it, and the pooled
    // buffer it lies in stays leased while the Lua host may still copy from it.
    private ReadOnlyMemory<byte> _delivered;
    private readonly ReadLeases _leases = new();

    /// <summary>Async partial mode with a batching receiver: reads run ahead of the callbacks and keep pooled buffers.</summary>
    private bool StreamsBatches => _request.Partial && !_request.Synchronous && _request.PartialBatch > 1;

    /// <summary>
    /// While a partial batch's callbacks run, asks the socket for the next bytes (one read). Only for
    /// batching receivers on a plain async connection: one chunk per turn (actor tests, sync reads) stays pull-only.
    /// </summary>
    private void ReadAhead()
    {
        if (!_inTurn || !StreamsBatches) return;
        if (_readPending || _eof || _heldEnd is not null || _fatalError is not null || _finished || _transport is null) return;
        // TLS reads through its own pump; a pending starttls must not find ciphertext buffered as plaintext.
        if (_tls is not null || _tlsPending is not null || _handshaking || _write is not null) return;
        // One read ahead: appending a second to it would copy both.
        if (_queue.Head is not ReadSpec || !_buffer.IsEmpty) return;
        _readPending = true;
        _readingAhead = true;
        _transport.RequestRead();
    }

    private void Hold(HeldEnd end)
    {
        _readPending = _readingAhead = false;
        _heldEnd = end;
    }

    /// <summary>Whether what a read-ahead met must wait: a callback runs, or bytes before it were not handed on yet.</summary>
    private bool HoldsReadAheadEnd(bool peerClosed)
    {
        if (!_readingAhead) return false;
        // An error while a write is in flight is that write's error; the peer's EOF does not concern a write yet.
        if (_write is not null) return peerClosed;
        return _inTurn || !_buffer.IsEmpty;
    }

    private void BeginTurn(ICallbackTurn completion)
    {
        _inTurn = true;
        _replyTo.Tell(completion);
    }

    // ---- the socket's events: to the handler queue, or through TLS ------------------------------------------------

    private void OnSocketReceived(ReadOnlyMemory<byte> data, byte[]? lease = null)
    {
        if (_fatalError is not null || _transport is null) return;
        if (lease is not null) data = Adopt(data, lease);
        if (_tls is { } tls) tls.OnCipherReceived(data);
        else OnReceived(data);
        ReleaseIdleLeases();
    }

    /// <summary>Gives back the pooled buffers neither the read buffer nor a running turn reads any more.</summary>
    private void ReleaseIdleLeases()
    {
        if (_leases.Count > 0) _leases.ReleaseUnused(_buffer, _inTurn ? _delivered : default);
    }

    /// <summary>
    /// Bytes received into a pooled buffer (only a streaming connection's transport leases): kept until its bytes were
    /// handed on (no copy); under TLS they are copied out, as the TLS layer keeps what it is given.
    /// </summary>
    private ReadOnlyMemory<byte> Adopt(ReadOnlyMemory<byte> data, byte[] lease)
    {
        if (_tls is null)
        {
            _leases.Hold(lease);
            return data;
        }
        var copy = data.ToArray();
        ArrayPool<byte>.Shared.Return(lease);
        return copy;
    }

    private void OnSocketAcked()
    {
        if (_tls is { } tls) tls.OnCipherAcked();
        else OnWriteAcked();
    }

    private void OnSocketPeerClosed()
    {
        _socketEof = true;
        if (_tls is { } tls) tls.OnCipherEof();
        else OnPeerClosed();
    }

    // ---- reading -------------------------------------------------------------------------------------------------

    private void OnReceived(ReadOnlyMemory<byte> data)
    {
        // Bytes Akka.IO read before it saw our close are late: the connection already failed or closed its socket.
        if (_fatalError is not null || _transport is null) return;
        _readPending = false;
        _readingAhead = false;
        DisarmTimer();
        _buffer.Append(data);
        Plan();
        ReadAhead();
    }

    private void OnPeerClosed()
    {
        // An end is held already: the socket's later reports about it change nothing.
        if (_heldEnd is not null) return;
        if (HoldsReadAheadEnd(peerClosed: true))
        {
            Hold(new HeldEnd(SocketError: null));
            return;
        }
        _readingAhead = false;
        _eof = true;
        if (!_readPending) return;
        // EOF while a read waits: what is buffered cannot satisfy it (rspamd drops it), so the read fails.
        _readPending = false;
        DisarmTimer();
        _buffer.Clear();
        Fail(TcpErrors.ConnectionTerminated);
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    private void StartWrite(WriteSpec spec)
    {
        if (_outputShut && spec.Length > 0)
        {
            // The sending side was shut down (request{shutdown=true}): the kernel would answer EPIPE.
            Fail(TcpErrors.WriteError(TcpErrors.StrError(SocketError.Shutdown)));
            return;
        }

        _write = new WriteCursor(spec);
        if (_write.Done)
        {
            // 0 bytes: complete at once (rspamd aborts the process here).
            WriteFinished();
            return;
        }
        ArmTimer(WaitPhase.Write);
        PumpWrites();
    }

    private void PumpWrites()
    {
        var write = _write!;
        while (write.InFlightBytes < _settings.MaxBytesInFlight && write.TryNextChunk(_settings.WriteChunkSize, out var chunk))
            _transport!.Write(chunk);
    }

    private void OnWriteAcked()
    {
        if (_write is null || _fatalError is not null) return;
        _write.Acknowledge();
        DisarmTimer();
        if (_write.Done)
        {
            WriteFinished();
            return;
        }
        ArmTimer(WaitPhase.Write);
        PumpWrites();
    }

    private void WriteFinished()
    {
        var spec = _write!.Spec;
        _write = null;
        _queue.Dequeue();
        _queuedWriteBytes -= spec.Length;
        if (_shutdownPending)
        {
            _shutdownPending = false;
            _outputShut = true;
            _transport!.ShutdownOutput();
        }

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
            Fail(TcpErrors.SslPlaintextAfterStartTls(injected));
            return;
        }
        if (_tlsStarted)
        {
            // Already TLS (only a misuse of the message contract gets here): the upgrade is done.
            if (upgrade is not null) CompleteUpgrade(upgrade);
            else Plan();
            return;
        }
        _upgrade = upgrade;
        StartTlsLayer(options);
    }

    private void StartTlsLayer(TlsOptions options)
    {
        DisarmTimer();
        var tls = new TlsTransport(_inner!, Self, _request.Host, options, _settings.TlsCaCertificates,
            Math.Max(_settings.ReadChunkSize, TlsReadSize), _settings.MaxBytesInFlight, innerReadPending: _readPending);
        // A socket read still requested (a sync read that timed out, or a read-ahead during the callback that called
        // starttls) now brings ciphertext.
        _readPending = false;
        _readingAhead = false;
        _tls = tls;
        _transport = tls;
        _tlsStarted = true;
        _handshaking = true;
        // rspamd starts the handshake with the connect timer (phased: connect_timeout; else what is left of the budget).
        ArmTimer(WaitPhase.Connect);
        tls.StartHandshake();
    }

    private void OnTlsSignal(TlsSignal signal)
    {
        if (_tls is not { } tls || _fatalError is not null)
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
                OnReceived(outcome.Data);
                break;
            case TlsOutcomeKind.WriteAcked:
                OnWriteAcked();
                break;
            case TlsOutcomeKind.Eof:
                OnPeerClosed();
                break;
            case TlsOutcomeKind.Failed:
                _handshaking = false;
                _eof = true;
                _readPending = false;
                Fail(outcome.Error!);
                break;
        }
    }

    private void OnHandshakeDone(TlsTransport tls)
    {
        _handshaking = false;
        DisarmTimer();
        Log.Debug("TLS established with {0} ({1})", _request.Host, tls.Protocol);
        if (!_connected)
        {
            Established();
            return;
        }
        if (_upgrade is { } upgrade)
        {
            _upgrade = null;
            CompleteUpgrade(upgrade);
            return;
        }
        Plan();
    }

    private void CompleteUpgrade(StartTlsSpec upgrade)
    {
        _queue.RemoveHeadIf(upgrade.HandlerId);
        if (upgrade.HasCallback) BeginTurn(new TlsStarted(Id, upgrade.HandlerId));
        else Plan();
    }

    /// <summary>The timeout text: rspamd's TLS layer owns the timer once TLS is on.</summary>
    private string TimeoutError => _tlsStarted ? TcpErrors.SslTimedOut : TcpErrors.IoTimeout;

    // ---- errors and the end --------------------------------------------------------------------------------------

    private void OnTransportError(string reason)
    {
        // Once we closed the socket, what Akka.IO still reports about it concerns nobody.
        if (_fatalError is not null || _transport is null) return;
        // An end is held already: a second report of the same socket (Akka.IO's Terminated after ErrorClosed) waits too,
        // unless a write is in flight, whose error it is.
        if (_heldEnd is not null && _write is null) return;
        if (HoldsReadAheadEnd(peerClosed: false))
        {
            Hold(new HeldEnd(reason));
            return;
        }
        _readingAhead = false;
        _eof = true;
        _readPending = false;
        if (_tlsStarted)
        {
            var stage = _handshaking ? "connect" : _write is not null ? "write" : "read";
            _handshaking = false;
            Fail(TcpErrors.SslSyscallFailed(stage, reason));
            return;
        }
        Fail(_write is not null ? TcpErrors.WriteError(reason) : TcpErrors.ReadError(reason));
    }

    /// <summary>
    /// A fatal error: the socket closes now and every queued handler with a callback gets the error in order, one turn
    /// at a time, including handlers those callbacks add. Before the connection is up, <c>on_error</c> alone is told.
    /// </summary>
    private void Fail(string error)
    {
        if (_finished || _fatalError is not null) return;
        if (_request.Synchronous && _connected)
        {
            FailSyncOperation(error);
            return;
        }
        _fatalError = error;
        _write = null;
        DisarmTimer();
        CloseTransport();

        if (!_connected && _request.NotifyConnectError)
        {
            _replyTo.Tell(new ConnectFailed(Id, error));
            Finish();
            return;
        }

        Context.Become(Failing);
        if (!_inTurn) FanOutNext();
    }

    /// <summary>
    /// An error on a sync connection goes to the operation waiting (rspamd resumes its coroutine with it); the socket
    /// is gone, so the connection stays at EOF and later operations get the non-fatal EOF errors until close().
    /// </summary>
    private void FailSyncOperation(string error)
    {
        _eof = true;
        _readPending = false;
        _write = null;
        _buffer.Clear();
        DisarmTimer();
        CloseTransport();
        // Nothing waits while a callback runs; what it queues next meets the EOF errors.
        if (_inTurn) return;
        while (_queue.Count > 0)
        {
            var handler = _queue.Dequeue();
            if (!handler.HasCallback) continue;
            BeginTurn(new HandlerFailed(Id, handler.HandlerId, error, Fatal: false));
            return;
        }
    }

    private void FanOutNext()
    {
        while (_queue.Count > 0)
        {
            var handler = _queue.Dequeue();
            if (!handler.HasCallback) continue;
            BeginTurn(new HandlerFailed(Id, handler.HandlerId, _fatalError!, Fatal: true));
            return;
        }
        Finish();
    }

    private void Finish()
    {
        if (_finished) return;
        _finished = true;
        DisarmTimer();
        CloseTransport();
        ReleaseBuffers();
        Context.Parent.Tell(ConnectionManager.ConnectionFinished.Instance, Self);
        _replyTo.Tell(new ConnectionClosed(Id));
        Context.Stop(Self);
    }

    /// <summary>The connection ends: its bytes are dropped and its pooled buffers go back, but for one a turn still reads.</summary>
    private void ReleaseBuffers()
    {
        _buffer.Clear();
        _leases.ReleaseAll(_inTurn ? _delivered : default);
    }

    private void CloseTransport()
    {
        // The TLS layer closes the socket under it.
        (_transport ?? _inner)?.Close();
        _transport = null;
        _inner = null;
        _tls = null;
        _handshaking = false;
    }

    // ---- timers --------------------------------------------------------------------------------------------------

    // The timer is lazy: a wait that ends leaves it running, and a new wait reuses it when it fires no later than the
    // new deadline (it then re-arms for the rest). Starting and cancelling a scheduler timer per read and per write
    // cost ~600 bytes and a scheduler round trip per operation (BENCHMARKS.md, W2).
    private long _deadline; // Stopwatch timestamp the armed wait expires at; 0: not armed or no limit
    private long _timerDue; // Stopwatch timestamp the scheduled IoTimeout fires at; 0: none scheduled
    // A plain scheduled message, not an IWithTimers timer: those reach AroundReceive wrapped, so the early-firing check
    // would have to sit in every state.
    private ICancelable? _timer;

    private TimeSpan? ArmTimer(WaitPhase phase)
    {
        var limit = _clock.Arm(phase);
        if (limit is not { } l)
        {
            _deadline = 0;
            return limit;
        }
        _deadline = Stopwatch.GetTimestamp() + (long)(l.TotalSeconds * Stopwatch.Frequency);
        if (_timerDue == 0 || _timerDue > _deadline) ScheduleTimeout(l, _deadline);
        return limit;
    }

    private void DisarmTimer()
    {
        if (!_clock.Armed) return;
        _clock.Disarm();
        _deadline = 0;
    }

    private void ScheduleTimeout(TimeSpan after, long due)
    {
        _timer?.Cancel();
        _timer = Context.System.Scheduler.ScheduleTellOnceCancelable(after, Self, IoTimeout.Instance, Self);
        _timerDue = due;
    }

    /// <summary>
    /// An <see cref="IoTimeout"/> arrived (maybe from a timer replaced since): true when the armed wait really expired;
    /// otherwise the timer is re-armed for what is left of the wait (or left idle when nothing waits) and the caller
    /// drops the message.
    /// </summary>
    private bool TimeoutExpired()
    {
        _timerDue = 0;
        if (_deadline == 0 || !_clock.Armed) return false;
        var now = Stopwatch.GetTimestamp();
        if (now >= _deadline) return true;
        ScheduleTimeout(Stopwatch.GetElapsedTime(now, _deadline), _deadline);
        return false;
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /// <summary>
    /// The received bytes without a copy: Akka.IO hands every read over in a fresh array of its own, reachable only
    /// through the internal <c>ByteString.Buffers</c>. Should a later Akka drop that member, fall back to a copy.
    /// </summary>
    private static ReadOnlyMemory<byte> ToMemory(ByteString data)
    {
        if (data.IsCompact && !s_noBuffersAccessor)
        {
            try
            {
                var buffers = GetBuffers(data);
                if (buffers.Count == 1) return buffers[0];
            }
            catch (MissingMethodException)
            {
                s_noBuffersAccessor = true;
            }
        }
        return data.ToArray();
    }

    private static bool s_noBuffersAccessor;

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Buffers")]
    private static extern IList<ArraySegment<byte>> GetBuffers(ByteString data);

    /// <summary>
    /// The strerror text of a failed Akka.IO connect. Akka.IO 1.5 drops the socket error of a refused connect (its
    /// cause only says "finishConnect never returned true"), so a cause without a SocketException is reported as
    /// rspamd reports the common case on a reachable host: "Connection refused".
    /// </summary>
    private static string ConnectFailureText(Exception? cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
            if (e is SocketException se) return TcpErrors.StrError(se.SocketErrorCode);
        return TcpErrors.StrError(SocketError.ConnectionRefused);
    }

    private static Exception? Cause(Tcp.CommandFailed failed) => failed.Cause.HasValue ? failed.Cause.Value : null;

    private static string ParseAkkaCause(string cause) =>
        Enum.TryParse<SocketError>(cause, ignoreCase: true, out var error) ? TcpErrors.StrError(error) : cause;
}
