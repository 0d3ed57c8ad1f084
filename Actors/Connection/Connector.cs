using System.Net;
using System.Net.Sockets;
using ActorTcp.Actors.Metrics;
using ActorTcp.Actors.Transport;
using Akka.Actor;
using Akka.IO;

namespace ActorTcp.Actors.Connection;

/// <summary>What a message meant while connecting, as <see cref="Connector.Handle"/> decides it.</summary>
internal enum ConnectStepKind
{
    /// <summary>Not the connector's message.</summary>
    NotMine,
    /// <summary>The socket is connected: <see cref="ConnectStep.Socket"/> to <see cref="ConnectStep.Remote"/>.</summary>
    Connected,
    /// <summary>An address failed; the next one is being tried.</summary>
    TryingNext,
    /// <summary>Every address failed: <see cref="ConnectStep.Failure"/>.</summary>
    Failed,
}

/// <summary>One decision of the connector; a failure comes with the socket error behind it (for the metrics' outcome).</summary>
internal readonly record struct ConnectStep(ConnectStepKind Kind, ISocketTransport? Socket = null, EndPoint? Remote = null,
    TcpFailure Failure = default, SocketError? SocketError = null);

/// <summary>
/// Connects one request's socket: to each resolved address in turn until one accepts (rspamd uses the first only; a
/// refused address falling back to the next is ActorTcp's), or to a unix socket, through the configured transport.
/// </summary>
internal sealed class Connector(ConnectionRequest request, ActorTcpSettings settings, IActorRef owner, IActorRef tcp,
    ICanWatch watcher, bool leaseReads, ActorTcpMetrics metrics)
{
    private IReadOnlyList<IPAddress> _addresses = [];
    private int _index;
    private TimeSpan? _limit;
    private bool _unix;
    // The socket transport being connected (Akka.IO makes its own socket and reports it with Tcp.Connected), and where
    // to: the same endpoint object becomes the connection's remote, one allocation less per connection.
    private SocketTransport? _pending;
    private EndPoint? _endpoint;

    /// <summary>Starts connecting to the unix socket named by the request's host.</summary>
    public void ConnectUnix()
    {
        _unix = true;
        _pending = new SocketTransport(owner, settings.SocketReadSize, AddressFamily.Unix, leaseReads, metrics);
        _pending.Connect(_endpoint = new UnixDomainSocketEndPoint(request.Host));
    }

    /// <summary>Starts connecting to the first of <paramref name="addresses"/>; <paramref name="limit"/> bounds each attempt.</summary>
    public void Connect(IReadOnlyList<IPAddress> addresses, TimeSpan? limit)
    {
        _addresses = addresses;
        _index = 0;
        _limit = limit;
        ConnectTo(addresses[0]);
    }

    /// <summary>What <paramref name="message"/> from <paramref name="sender"/> means for the connect in progress.</summary>
    public ConnectStep Handle(object message, IActorRef sender)
    {
        switch (message)
        {
            case TransportEvent.Connected when _pending is { } socket:
                _pending = null;
                return new ConnectStep(ConnectStepKind.Connected, socket, _endpoint);
            case TransportEvent.Failed failed when _pending is not null:
                Abort();
                // rspamd's connect() on a unix socket fails synchronously whatever the reason.
                if (_unix) return Fail(TcpErrors.CannotConnect(request.Host), TcpErrors.SocketErrorOf(failed.Cause));
                return Next(failed.Cause);
            case Tcp.Connected connected:
                return new ConnectStep(ConnectStepKind.Connected, new AkkaIoTransport(sender, owner, watcher, metrics), connected.RemoteAddress);
            case Tcp.CommandFailed { Cmd: Tcp.Connect } failed:
                return Next(AkkaIoTransport.ConnectFailure(failed));
            default:
                return default;
        }
    }

    /// <summary>Closes a socket still connecting.</summary>
    public void Abort()
    {
        _pending?.Close();
        _pending = null;
    }

    /// <summary>An address failed: the next is tried (the step carries why, for the log), or the request fails.</summary>
    private ConnectStep Next(Exception cause)
    {
        // Without a socket error, the common case: "Connection refused".
        var error = TcpErrors.SocketErrorOf(cause) ?? System.Net.Sockets.SocketError.ConnectionRefused;
        var reason = TcpErrors.StrError(error);
        if (++_index < _addresses.Count)
        {
            ConnectTo(_addresses[_index]);
            return new ConnectStep(ConnectStepKind.TryingNext, Failure: new TcpFailure(TcpFailureReason.Connect, reason));
        }
        return Fail(TcpErrors.SocketError(reason), error);
    }

    private static ConnectStep Fail(string text, SocketError? error) =>
        new(ConnectStepKind.Failed, Failure: new TcpFailure(TcpFailureReason.Connect, text), SocketError: error);

    private void ConnectTo(IPAddress address)
    {
        var endpoint = new IPEndPoint(address, request.Port);
        _endpoint = endpoint;
        if (settings.Transport == TransportKind.Socket)
        {
            _pending = new SocketTransport(owner, settings.SocketReadSize, address.AddressFamily, leaseReads, metrics);
            _pending.Connect(endpoint);
            return;
        }
        // Akka.IO's own connect timeout only reclaims the socket; our timer (which fires first) reports the error.
        var akkaTimeout = _limit + TimeSpan.FromSeconds(1);
        tcp.Tell(new Tcp.Connect(endpoint, options: [NoDelay.Instance], timeout: akkaTimeout, pullMode: true), owner);
    }
}
