using System.Net;
using ActorTcp.Actors.Dns;
using ActorTcp.Actors.Metrics;
using ActorTcp.Actors.Timers;
using ActorTcp.Actors.Transport;
using Akka.Actor;
using Akka.Event;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// One rspamd_tcp connection: resolves, connects, and runs the request's handler queue over the socket, reporting
/// every completion to the caller as a message (docs/architecture.md#the-connection-actor).
/// <code>
///   Unstarted ─► BeginConnection (the request; ConnectionStarted to the caller) ─► Resolving, Connecting or Failing
///   Resolving ──► Connecting ──► Open ─────────────────────► queue empty: Finish ─► ConnectionClosed, stop
///       │             │  ▲ next    │  ▲ each ICallbackTurn completion waits for CallbackReturned
///       │             └──┘ address │  │ (status bits: ConnectionStatus)
///       └─────────────┴────────────┴──► Failing(failure): the error to every queued handler, one turn each ─► Finish
///
///   Open with TLS: ssl=true ─► handshake right after the TCP connect; established (on_connect) when it succeeds
///                  starttls() ─► pending; the handshake runs when the next handler is due, then that handler goes on
///   Open, sync (connect_sync): an error fails the waiting operation only; the connection stays Open at EOF until close()
/// </code>
/// The parts: <see cref="Connector"/> (addresses, fallback, unix sockets, the transport), <see cref="HandlerQueue"/>
/// (rspamd's plan step), <see cref="ReadBuffer"/>, <see cref="ReadAhead"/> (reads the head did not ask for yet, held
/// ends, pooled buffers), <see cref="WritePump"/>, <see cref="LazyTimer"/> over <see cref="TimeoutClock"/>, and
/// <see cref="TlsTransport"/> over the socket. Reads are pulled (one chunk per request) only when the head handler needs
/// bytes, during a write with a read queued behind it, or ahead of a batching partial stream's callbacks.
/// </summary>
internal sealed partial class ConnectionActor : ActorBase
{
    /// <summary>Bytes per plaintext read under TLS: one TLS record's worth.</summary>
    private const int TlsReadSize = 16 * 1024;

    private readonly ConnectionServices _services;
    private readonly HandlerQueue _queue = new();
    private readonly ReadBuffer _buffer = new();
    // The request's parts, set by Begin from the first message (BeginConnection): the props are shared by every
    // connection of a manager, so a cell keeps no props, deploy and producer of its own (BENCHMARKS.md, W4).
    private ConnectionRequest _request = null!;
    private IActorRef _replyTo = ActorRefs.Nobody;
    private ReadAhead _readAhead = null!;
    // Made on the first write (or shutdown): a read-only connection never needs one (BENCHMARKS.md W4).
    private WritePump? _writes;
    private LazyTimer _timer = null!;
    // While connecting only: its addresses and pending socket are dropped once connected.
    private Connector? _connector;
    private int _maxDelivery;
    private ConnectionStatus _status;
    // Not readonly: its methods update it in place.
    private ConnectionMeasurements _measure;
    // Made on first use: a logger per connection (its source string from the actor path) cost every request ~400 bytes.
    private ILoggingAdapter? _logger;

    // The socket once connected, and TLS over it once started; the handler queue reads and writes through Stream.
    private ISocketTransport? _socket;
    private TlsTransport? _tls;
    private EndPoint? _remote;
    // starttls() was called: TLS starts at the next plan step that has a handler to run.
    private TlsOptions? _tlsPending;
    // The queued StartTlsSpec (tcp_sync's starttls) whose handshake runs.
    private StartTlsSpec? _upgrade;
    // Sync: a limit error raised by a handler the running turn queued. Its operation waits for the turn to end, and must
    // then hear the limit, not the EOF error every later operation gets.
    private TcpFailure? _syncLimit;
    private Exception? _crash;
    // Failing's data: set as the state is entered.
    private TcpFailure _failure;
    // The current state's receive method (Enter): waiting for BeginConnection until then.
    private State _state = UnstartedState;

    /// <summary>
    /// A state: one of the receive methods, through a delegate made once per process. A delegate bound to the actor's
    /// method would be made on every state change and kept by every idle connection (64 bytes, BENCHMARKS.md W4).
    /// </summary>
    private delegate bool State(ConnectionActor actor, object message);

    private static readonly State UnstartedState = static (actor, message) => actor.Unstarted(message);
    private static readonly State ResolvingState = static (actor, message) => actor.Resolving(message);
    private static readonly State ConnectingState = static (actor, message) => actor.Connecting(message);
    private static readonly State OpenState = static (actor, message) => actor.Open(message);
    private static readonly State FailingState = static (actor, message) => actor.Failing(message, actor._failure);

    private ConnectionActor(ConnectionServices services) => _services = services;

    /// <summary>
    /// The props of connection actors, one for all of a manager's: each actor starts when told its request
    /// (<see cref="BeginConnection"/>, its first message). Without <paramref name="metrics"/> it finds its system's.
    /// </summary>
    public static Props Props(IActorRef resolver, IActorRef tcp, ActorTcpSettings settings, ActorTcpMetrics? metrics = null) =>
        // A producer, not Props.Create(() => new ...): that builds and walks an expression tree per actor (BENCHMARKS.md W1).
        Akka.Actor.Props.CreateBy(new Producer(resolver, tcp, settings, metrics));

    /// <summary>Makes the actors; the first finds what its system provides, the others share it.</summary>
    private sealed class Producer(IActorRef resolver, IActorRef tcp, ActorTcpSettings settings, ActorTcpMetrics? metrics)
        : IIndirectActorProducer
    {
        private ConnectionServices? _services;

        public Type ActorType => typeof(ConnectionActor);

        public ActorBase Produce()
        {
            // Runs inside the new actor's context (Akka makes actors there), where Context.System is its system's. Two
            // actors made at once may each make one: they are alike.
            _services ??= new ConnectionServices(resolver, tcp, settings,
                metrics ?? ActorTcpMetrics.Get(Context.System), TimeoutWheel.Get(Context.System));
            return new ConnectionActor(_services);
        }

        public void Release(ActorBase actor) { }
    }

    private ActorTcpSettings Settings => _services.Settings;

    private long Id => _request.RequestId;

    private ILoggingAdapter Log => _logger ??= Context.GetLogger();

    /// <summary>What the handler queue reads and writes: TLS once started, else the socket.</summary>
    private ITransport? Stream => (ITransport?)_tls ?? _socket;

    private WritePump Writes => _writes ??= new WritePump(Settings, _request.Shutdown);

    /// <summary>Whether a write is being sent.</summary>
    private bool Writing => _writes is { Busy: true };

    private bool Has(ConnectionStatus bits) => (_status & bits) != 0;

    private void Set(ConnectionStatus bits) => _status |= bits;

    private void Clear(ConnectionStatus bits) => _status &= ~bits;

    private bool Unstarted(object message)
    {
        if (message is not BeginConnection begin) return false;
        Begin(begin.Request, begin.ReplyTo, begin.InitialError);
        return true;
    }

    private void Begin(ConnectionRequest request, IActorRef replyTo, string? initialError)
    {
        _request = request;
        _replyTo = replyTo;
        _readAhead = new ReadAhead(PartialBatch.Streams(request));
        _timer = new LazyTimer(new TimeoutClock(request.Timeouts, Settings.DefaultTimeout), _services.Timeouts, Self);
        _maxDelivery = PartialBatch.MaxDelivery(request, Settings);
        foreach (var handler in request.Handlers) _queue.Enqueue(handler);

        _measure.Start(_services.Metrics, _request);
        _replyTo.Tell(new ConnectionStarted(Id, Self));

        if ((initialError ?? _queue.LimitError(Settings)) is { } error)
        {
            Fail(TcpFailure.Limit(error));
            return;
        }
        if (_queue.Count == 0 && !_request.NotifyConnected && !_request.NotifyConnectError)
        {
            // Nothing can observe this connection (rspamd opens and drops it); skip the socket altogether.
            Finish();
            return;
        }

        if (_request.Address is { } chosen) StartConnecting([chosen]);
        else if (HostAddress.IsUnixPath(_request.Host))
        {
            _timer.Arm(WaitPhase.Connect);
            _measure.ConnectStarting();
            NewConnector().ConnectUnix();
            Enter(ConnectingState);
        }
        else if (HostAddress.TryGetStaticAddresses(_request.Host, out var addresses)) StartConnecting(addresses);
        else
        {
            _services.Resolver.Tell(new Resolve(_request.Host, Id));
            Enter(ResolvingState);
        }
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        // A lazy timer that fired before its wait's deadline is consumed here, whatever the state.
        if (message is LazyTimer.Fired && !_timer.Expired()) return true;
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
        // Stopped before its request arrived (the system ending): nobody knows of it yet.
        if (_request is null) return;
        _timer.Cancel();
        // Crashed or stopped from outside: no callback can run any more, so every queued handler is told at once.
        if (!End(stopped: true)) return;
        var failure = new TcpFailure(TcpFailureReason.Stopped, TcpErrors.ActorStopped(_crash?.Message ?? "stopped"));
        while (_queue.DequeueThroughCallback() is { } handler) _replyTo.Tell(new HandlerFailed(Id, handler.HandlerId, failure, Fatal: true));
        _replyTo.Tell(new ConnectionClosed(Id));
    }

    protected override void PreRestart(Exception reason, object message) =>
        throw new InvalidOperationException("connection actors are never restarted", reason);

    protected override bool Receive(object message)
    {
        if (message is not AddHandler { EndsTurn: true } add) return _state(this, message);
        // A handler and its callback's return in one message: handled as the two messages it stands for, the second
        // by the state the first left (unless that one ended the connection, as a stop would drop the second).
        _state(this, add);
        return Has(ConnectionStatus.Finished) || _state(this, CallbackReturned.Instance);
    }

    // ---- STATES --------------------------------------------------------------------------------------------------

    /// <summary>
    /// Makes <paramref name="state"/> the receive method. Not <c>Context.Become</c>: the second behaviour an actor takes
    /// that way moves its cell to Akka's full state (watch sets and a behaviour stack, ~340 bytes), which every idle
    /// connection would hold for nothing (BENCHMARKS.md, W4).
    /// </summary>
    private void Enter(State state) => _state = state;

    private bool Resolving(object message)
    {
        switch (message)
        {
            case Resolved resolved:
                StartConnecting(resolved.Addresses);
                return true;
            case ResolveFailed failed:
                Fail(new TcpFailure(TcpFailureReason.Dns, failed.Error));
                return true;
            default:
                return HandleCommand(message);
        }
    }

    private bool Connecting(object message)
    {
        var step = _connector!.Handle(message, Sender);
        switch (step.Kind)
        {
            case ConnectStepKind.Connected:
                OnConnected(step.Socket!, step.Remote!);
                return true;
            case ConnectStepKind.TryingNext:
                Log.Debug("connect to {0} failed ({1}); trying the next address", _request.Host, step.Failure.Text);
                return true;
            case ConnectStepKind.Failed:
                _measure.SocketFailed(step.SocketError);
                Fail(step.Failure);
                return true;
        }
        if (message is LazyTimer.Fired)
        {
            Fail(TcpFailure.Timeout(tls: false));
            return true;
        }
        return HandleCommand(message);
    }

    private bool Open(object message)
    {
        if (_socket is { } socket && socket.TryTranslate(message, out var socketEvent))
        {
            if (socketEvent is not null) OnSocketEvent(socketEvent);
            return true;
        }
        switch (message)
        {
            case TlsSignal signal:
                OnTlsSignal(signal);
                return true;
            case LazyTimer.Fired when _request.Synchronous && Has(ConnectionStatus.ReadPending) && !Has(ConnectionStatus.Handshaking)
                                      && _queue.Head is ReadSpec:
                // A sync read that timed out can be retried (as OpenResty allows): the socket read stays requested and
                // what arrives later is buffered for the next read.
                _timer.Disarm();
                BeginTurn(new HandlerFailed(Id, _queue.Dequeue().HandlerId, TcpFailure.Timeout(Has(ConnectionStatus.TlsOn)), Fatal: false));
                return true;
            case LazyTimer.Fired:
                Fail(TcpFailure.Timeout(Has(ConnectionStatus.TlsOn)));
                return true;
            default:
                // What a closed socket still reports (a sync connection stays Open at EOF) concerns nobody.
                return HandleCommand(message) || TransportEvent.IsSocketMessage(message);
        }
    }

    private bool Failing(object message, TcpFailure failure)
    {
        switch (message)
        {
            case CallbackReturned or CallbackReturnedPartly:
                if (!Has(ConnectionStatus.InTurn)) return true;
                Clear(ConnectionStatus.InTurn);
                _readAhead.Delivered = default;
                FanOutNext(failure);
                return true;
            case AddHandler add:
                // Handlers added by a failing callback receive the same error (rspamd appends them to the fan-out).
                _queue.Enqueue(add.Handler);
                return true;
            case CloseConnection:
                Finish();
                return true;
            case TlsSignal signal:
                TlsTransport.Discard(signal);
                return true;
            default:
                // Late socket events, timers and shifts change nothing once the connection failed.
                AkkaIoTransport.AbortLate(message, Sender);
                return true;
        }
    }

    // ---- COMMANDS ------------------------------------------------------------------------------------------------

    private bool HandleCommand(object message)
    {
        switch (message)
        {
            case AddHandler add:
                Enqueue(add.Handler);
                return true;
            case CallbackReturned:
                EndTurn();
                return true;
            case CallbackReturnedPartly partly:
                // The chunks of the batch Lua did not run go back in front of the buffer, for the plan step to hand on.
                PartialBatch.GiveBack(_buffer, _readAhead.Delivered, partly);
                EndTurn();
                return true;
            case ShiftCallback shift:
                // Only a handler still at the head can be running a callback (partial mode); the write being sent stays.
                if (!ReferenceEquals(_queue.Head, _writes?.Current)) _queue.RemoveHeadIf(shift.HandlerId);
                return true;
            case CloseConnection close:
                if (close.SessionDestroyed) _measure.SessionDestroyed();
                // Nothing reads the turn's data any more: its pooled buffer can go back with the others (W8S).
                if (close.DeliveryRead) _readAhead.Delivered = default;
                Finish();
                return true;
            case StartTls start:
                // The same rule as Lua's conn:starttls(): TLS on, or already asked for, refuses a second one.
                if (_request.Tls is not null || Has(ConnectionStatus.TlsOn) || _tlsPending is not null)
                    _replyTo.Tell(new CommandRefused(Id, start, TcpErrors.StartTlsRefused));
                else _tlsPending = new TlsOptions(start.NoVerify);
                return true;
            case ShutdownOutput:
                if (Stream is { } stream) Writes.ShutdownOutput(stream);
                return true;
            default:
                return false;
        }
    }

    private void Enqueue(HandlerSpec handler)
    {
        // The handler past a limit is queued first, so its own callback hears why.
        _queue.Enqueue(handler);
        if (_queue.LimitError(Settings) is not { } error) return;
        var failure = TcpFailure.Limit(error);
        if (_request.Synchronous && Has(ConnectionStatus.Established) && Has(ConnectionStatus.InTurn) && !Has(ConnectionStatus.Eof))
            _syncLimit = failure;
        Fail(failure);
    }

    /// <summary>The callback of the last completion returned: the plan step runs (or a held sync limit error is told).</summary>
    private void EndTurn()
    {
        if (!Has(ConnectionStatus.InTurn)) return;
        Clear(ConnectionStatus.InTurn);
        _readAhead.Delivered = default;
        if (_syncLimit is { } limit && _queue.Count > 0)
        {
            _syncLimit = null;
            BeginTurn(new HandlerFailed(Id, _queue.Dequeue().HandlerId, limit, Fatal: false));
            return;
        }
        Plan();
        _readAhead.ReleaseIdle(_buffer, Has(ConnectionStatus.InTurn));
    }

    private void BeginTurn(ICallbackTurn completion)
    {
        Set(ConnectionStatus.InTurn);
        _replyTo.Tell(completion);
    }

    // ---- CONNECTING ----------------------------------------------------------------------------------------------

    private void StartConnecting(IReadOnlyList<IPAddress> addresses)
    {
        _measure.ConnectStarting();
        NewConnector().Connect(addresses, _timer.Arm(WaitPhase.Connect));
        Enter(ConnectingState);
    }

    private void OnConnected(ISocketTransport socket, EndPoint remote)
    {
        _timer.Disarm();
        _measure.Connected();
        _connector = null;
        _socket = socket;
        _remote = remote;
        Enter(OpenState);
        // ssl=true: the connection is established (on_connect; errors stop going to on_error) after the handshake.
        if (_request.Tls is { } tls) StartTlsLayer(tls);
        else Established();
    }

    private Connector NewConnector() => _connector =
        new Connector(_request, Settings, Self, _services.Tcp, Context, leaseReads: _readAhead.Streams, _services.Metrics);

    private void Established()
    {
        Set(ConnectionStatus.Established);
        if (_request.NotifyConnected)
        {
            BeginTurn(new ConnectionEstablished(Id, _remote!));
            return;
        }
        Plan();
    }
}
