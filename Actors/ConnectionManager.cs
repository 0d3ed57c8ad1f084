using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Metrics;
using ActorTcp.Actors.Timers;
using Akka.Actor;
using Akka.Event;
using Akka.IO;

namespace ActorTcp.Actors;

/// <summary>
/// Parent of every connection actor. Starts one per <see cref="OpenConnection"/>, refuses connections past
/// <see cref="ActorTcpSettings.MaxConnections"/> (the request fails through its callbacks like any connect error), and
/// stops, never restarts, a connection actor that throws: its queued handlers are failed as it stops.
/// </summary>
public sealed class ConnectionManager : ReceiveActor
{
    /// <summary>
    /// A connection actor is done with its socket: sent before <see cref="ConnectionClosed"/> goes to the requester, so
    /// a request the requester starts on hearing it is counted after this one left (no spurious max-connections refusal
    /// at the limit, as waiting for Terminated would give), or from PostStop when the actor was stopped or crashed. The
    /// manager does not watch its connections: a watch per connection cost two system messages and two immutable-set
    /// updates per request (BENCHMARKS.md W1).
    /// </summary>
    internal sealed class ConnectionFinished
    {
        public static readonly ConnectionFinished Instance = new();
        private ConnectionFinished() { }
    }

    private readonly ActorTcpSettings _settings;
    private readonly IActorRef _resolver;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ActorTcpMetrics _metrics = ActorTcpMetrics.Get(Context.System);
    private readonly HashSet<IActorRef> _counted = [];
    private IActorRef _tcp = ActorRefs.Nobody;
    // One props for every connection actor: each is told its request as its first message (ConnectionActor.Begin).
    private Props _connectionProps = Akka.Actor.Props.None;

    private const string MailboxPath = "actortcp.connection-mailbox";

    /// <summary>Creates a manager that resolves names through <paramref name="resolver"/>.</summary>
    public ConnectionManager(ActorTcpSettings settings, IActorRef resolver)
    {
        _settings = settings;
        _resolver = resolver;
        // HOCON.conf declares the connection mailbox and the connections' dispatcher; an actor system built without it
        // gets the same declarations.
        DeclareWhenMissing(MailboxPath);
        if (settings.ConnectionDispatcher.Length > 0) DeclareWhenMissing(settings.ConnectionDispatcher);

        Receive<OpenConnection>(Open);
        Receive<ConnectionFinished>(_ => _counted.Remove(Sender));
        Receive<GetConnectionCount>(_ => Sender.Tell(new ConnectionCount(_counted.Count)));
    }

    /// <inheritdoc/>
    protected override void PreStart()
    {
        // Lazy initialisations that block the calling thread are done here, once, before any load: the Akka.IO TCP
        // extension, the connections' timer wheel, and the scheduler, whose first use waits for its worker thread to
        // start. Left to the first burst of connection actors, each would park a pool thread on it and starve the pool
        // (seen: a 20 s stall).
        _tcp = Context.System.Tcp();
        TimeoutWheel.Get(Context.System);
        _connectionProps = ConnectionActor.Props(_resolver, _tcp, _settings, _metrics).WithMailbox(MailboxPath);
        if (_settings.ConnectionDispatcher.Length > 0) _connectionProps = _connectionProps.WithDispatcher(_settings.ConnectionDispatcher);
        Context.System.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(1), static () => { });
    }

    private static void DeclareWhenMissing(string path)
    {
        var settings = Context.System.Settings;
        if (!settings.Config.HasPath(path) && ActorTcpDefaults.Section(path) is { } section) settings.InjectTopLevelFallback(section);
    }

    /// <summary>Props of a manager using <paramref name="resolver"/> for DNS names.</summary>
    public static Props Props(ActorTcpSettings settings, IActorRef resolver) =>
        Akka.Actor.Props.Create(() => new ConnectionManager(settings, resolver));

    private void Open(OpenConnection open)
    {
        var counted = _counted.Count < _settings.MaxConnections;
        var error = counted ? null : TcpErrors.TooManyConnections(_settings.MaxConnections);
        if (!counted) _log.Warning("refusing {0}: {1}", open.Request, error);

        var child = Context.ActorOf(_connectionProps);
        child.Tell(new BeginConnection(open.Request, open.ReplyTo, error));
        if (counted) _counted.Add(child);
    }

    /// <inheritdoc/>
    protected override SupervisorStrategy SupervisorStrategy() =>
        // A socket cannot be recovered by a restart (Akka.IO stops its connection actors too).
        new OneForOneStrategy(_ => Directive.Stop);
}
