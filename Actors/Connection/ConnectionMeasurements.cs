using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using ActorTcp.Actors.Dns;
using ActorTcp.Actors.Metrics;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// What one connection tells <see cref="ActorTcpMetrics"/>, at its milestones: started, connect and TLS handshake
/// (their durations, ended by success or by the connection's failure), the first fatal failure (its outcome), the end
/// (closed, duration, the handler queue's high-water). A mutable struct held in a field of the connection actor, so it
/// costs no allocation; a timestamp is read only while its histogram is enabled (0: not timed). While a tracer listens,
/// it also holds the connection's activity (<see cref="ActorTcpActivities"/>), ended with the same outcome.
/// </summary>
internal struct ConnectionMeasurements
{
    private ActorTcpMetrics _metrics;
    private long _started;
    private long _connectStarted;
    private long _handshakeStarted;
    private ConnectionOutcome? _outcome;
    private SocketError _socketError;
    private Activity? _activity;

    /// <summary>The connection for <paramref name="request"/> started (counted open and active; its activity begins).</summary>
    public void Start(ActorTcpMetrics metrics, ConnectionRequest request)
    {
        _metrics = metrics;
        metrics.ConnectionsOpened.Add(1);
        metrics.ConnectionsActive.Add(1);
        _started = TimestampIf(metrics.ConnectionDuration);
        _activity = ActorTcpActivities.StartDetached(ActorTcpActivities.ConnectionActivity, ActivityKind.Client, request.TraceParent);
        if (_activity is { IsAllDataRequested: true } activity)
        {
            // A trace may name the peer: unlike a metric tag, it makes no series of its own.
            activity.SetTag("server.address", request.Host);
            if (!HostAddress.IsUnixPath(request.Host)) activity.SetTag("server.port", request.Port);
            if (request.Tls is not null) activity.SetTag("actortcp.tls", true);
        }
    }

    /// <summary>The TCP connect (to the first address, or a unix socket) starts.</summary>
    public void ConnectStarting() => _connectStarted = TimestampIf(_metrics.ConnectDuration);

    /// <summary>The socket is connected.</summary>
    public void Connected()
    {
        Record(_metrics.ConnectDuration, ref _connectStarted, ConnectionOutcome.Ok);
        _activity?.AddEvent(new ActivityEvent("connected"));
    }

    /// <summary>A TLS handshake starts (<c>ssl = true</c> or STARTTLS).</summary>
    public void HandshakeStarting() => _handshakeStarted = TimestampIf(_metrics.TlsHandshakeDuration);

    /// <summary>The TLS handshake succeeded.</summary>
    public void HandshakeDone()
    {
        Record(_metrics.TlsHandshakeDuration, ref _handshakeStarted, ConnectionOutcome.Ok);
        _activity?.AddEvent(new ActivityEvent("tls handshake done"));
    }

    /// <summary>The transport reported <paramref name="error"/>: what tells a refusal or a reset from other failures.</summary>
    public void SocketFailed(SocketError? error)
    {
        if (error is { } known) _socketError = known;
    }

    /// <summary>A fatal failure: the first one is the connection's outcome, and ends a connect or handshake under way.</summary>
    public void Failed(TcpFailure failure)
    {
        if (_outcome is not null) return;
        var outcome = ConnectionOutcomes.Of(failure, _socketError);
        _outcome = outcome;
        Record(_metrics.ConnectDuration, ref _connectStarted, outcome);
        Record(_metrics.TlsHandshakeDuration, ref _handshakeStarted, outcome);
    }

    /// <summary>The caller closed the connection because its session was destroyed (unless it had failed already).</summary>
    public void SessionDestroyed() => _outcome ??= ConnectionOutcome.SessionDestroyed;

    /// <summary>
    /// The connection ended (once): closed with its outcome (<see cref="ConnectionOutcome.Ok"/> without failure, or
    /// <see cref="ConnectionOutcome.Stopped"/> when <paramref name="stopped"/> from outside), its duration, and the most
    /// handlers it held (<paramref name="handlerHighWater"/>). A connect or handshake still under way is not recorded.
    /// </summary>
    public void End(int handlerHighWater, bool stopped)
    {
        var tag = ConnectionOutcomes.TagOf(_outcome ?? (stopped ? ConnectionOutcome.Stopped : ConnectionOutcome.Ok));
        _metrics.ConnectionsActive.Add(-1);
        _metrics.ConnectionsClosed.Add(1, tag);
        if (_started != 0) _metrics.ConnectionDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tag);
        _metrics.HandlerQueueMax.Record(handlerHighWater);
        _started = _connectStarted = _handshakeStarted = 0;
        if (_activity is { } activity)
        {
            _activity = null;
            ActorTcpActivities.Stop(activity, (string)tag.Value!);
        }
    }

    private static long TimestampIf(Instrument instrument) => instrument.Enabled ? Stopwatch.GetTimestamp() : 0;

    private static void Record(Histogram<double> histogram, ref long started, ConnectionOutcome outcome)
    {
        if (started == 0) return;
        histogram.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, ConnectionOutcomes.TagOf(outcome));
        started = 0;
    }
}
