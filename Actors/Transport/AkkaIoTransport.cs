using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActorTcp.Actors.Metrics;
using Akka.Actor;
using Akka.IO;

namespace ActorTcp.Actors.Transport;

/// <summary>
/// TCP through an Akka.IO connection actor in pull mode, with acknowledged writes (<c>actortcp.io.transport = akka-io</c>):
/// commands go to the connection actor, and its <c>Tcp.*</c> events are translated into <see cref="TransportEvent"/>s.
/// </summary>
internal sealed class AkkaIoTransport : ISocketTransport
{
    /// <summary>The acknowledgement every write asks for.</summary>
    internal sealed class Ack : Tcp.Event
    {
        public static readonly Ack Instance = new();
        private Ack() { }
    }

    private readonly IActorRef _connection;
    private readonly ActorTcpMetrics? _metrics;
    // Akka.IO stops its connection actor after reporting EOF on a half-closed socket, and after our close: only an
    // unexplained stop is an error.
    private bool _peerClosed;

    /// <summary>
    /// Takes over the connection Akka.IO reported with <c>Tcp.Connected</c>: registers the owner and watches it. The
    /// bytes received and handed to Akka.IO are counted in <paramref name="metrics"/> (null: nowhere).
    /// </summary>
    public AkkaIoTransport(IActorRef connection, IActorRef owner, ICanWatch watcher, ActorTcpMetrics? metrics = null)
    {
        _connection = connection;
        _metrics = metrics;
        connection.Tell(new Tcp.Register(owner, keepOpenOnPeerClosed: true, useResumeWriting: false), owner);
        watcher.Watch(connection);
    }

    public bool TryTranslate(object message, out TransportEvent? transportEvent)
    {
        transportEvent = message switch
        {
            Tcp.Received received => Received(received.Data),
            Ack => TransportEvent.WriteAcked.Instance,
            Tcp.PeerClosed or Tcp.ConfirmedClosed => PeerClosed(),
            Tcp.ErrorClosed closed => new TransportEvent.Failed(ParseCause(closed.Cause)),
            // Akka.IO drops writes once the socket is closing: the Broken pipe of a write after shutdown.
            Tcp.CommandFailed { Cmd: Tcp.Write } failed => new TransportEvent.Failed(
                failed.Cause.HasValue && failed.Cause.Value is SocketException cause ? cause : new SocketException((int)SocketError.Shutdown)),
            Terminated t when t.ActorRef.Equals(_connection) && !_peerClosed =>
                new TransportEvent.Failed(new SocketException((int)SocketError.ConnectionReset)),
            _ => null,
        };
        return transportEvent is not null || message is Terminated or Tcp.Event;
    }

    private TransportEvent.Received Received(ByteString data)
    {
        _metrics?.BytesReceived(data.Count);
        return new TransportEvent.Received(ToMemory(data));
    }

    private TransportEvent PeerClosed()
    {
        _peerClosed = true;
        return TransportEvent.PeerClosed.Instance;
    }

    public void Write(ReadOnlyMemory<byte> chunk)
    {
        // Wrapping does not copy: the caller's memory is immutable once handed to a write handler.
        var bytes = MemoryMarshal.TryGetArray(chunk, out var segment)
            ? ByteString.FromBytes(segment)
            : ByteString.CopyFrom(chunk.ToArray());
        _metrics?.BytesSent(chunk.Length);
        _connection.Tell(Tcp.Write.Create(bytes, Ack.Instance));
    }

    public void RequestRead() => _connection.Tell(Tcp.ResumeReading.Instance);

    public void ShutdownOutput() => _connection.Tell(Tcp.ConfirmedClose.Instance);

    public void Close() => _connection.Tell(Tcp.Close.Instance);

    /// <summary>A connect that completed after the connection gave up on it: nobody wants this socket.</summary>
    public static void AbortLate(object message, IActorRef sender)
    {
        if (message is Tcp.Connected) sender.Tell(Tcp.Abort.Instance);
    }

    /// <summary>
    /// The cause of a failed Akka.IO connect. Akka.IO 1.5 drops the socket error of a refused connect (its cause only
    /// says "finishConnect never returned true"), so a cause without a SocketException is reported as rspamd reports the
    /// common case on a reachable host: "Connection refused".
    /// </summary>
    public static Exception ConnectFailure(Tcp.CommandFailed failed)
    {
        for (var e = failed.Cause.HasValue ? failed.Cause.Value : null; e is not null; e = e.InnerException)
            if (e is SocketException) return e;
        return new SocketException((int)SocketError.ConnectionRefused);
    }

    /// <summary>
    /// The socket error behind Akka.IO's <c>ErrorClosed</c> cause, which is only text: a <see cref="SocketError"/> name,
    /// or the message of the SocketException Akka.IO caught (this platform's text for its code, e.g. "Connection reset
    /// by peer"), so a reset stays a reset for the error texts and the metrics.
    /// </summary>
    private static Exception ParseCause(string? cause)
    {
        if (Enum.TryParse<SocketError>(cause, ignoreCase: true, out var error)) return new SocketException((int)error);
        if (cause is not null && s_errorsByMessage.TryGetValue(cause, out var known)) return new SocketException((int)known);
        return new IOException(cause ?? "unknown error");
    }

    // The messages of the errors a connected socket meets, as this platform words them.
    private static readonly Dictionary<string, SocketError> s_errorsByMessage = new[]
    {
        SocketError.ConnectionReset, SocketError.ConnectionAborted, SocketError.Shutdown, SocketError.TimedOut,
        SocketError.HostUnreachable, SocketError.NetworkUnreachable, SocketError.NetworkDown, SocketError.NotConnected,
    }.Select(e => (Message: new SocketException((int)e).Message, Error: e))
        .DistinctBy(e => e.Message)
        .ToDictionary(e => e.Message, e => e.Error, StringComparer.Ordinal);

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
}
