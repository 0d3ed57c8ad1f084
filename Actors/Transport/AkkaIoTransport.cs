using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    // Akka.IO stops its connection actor after reporting EOF on a half-closed socket, and after our close: only an
    // unexplained stop is an error.
    private bool _peerClosed;

    /// <summary>Takes over the connection Akka.IO reported with <c>Tcp.Connected</c>: registers the owner and watches it.</summary>
    public AkkaIoTransport(IActorRef connection, IActorRef owner, ICanWatch watcher)
    {
        _connection = connection;
        connection.Tell(new Tcp.Register(owner, keepOpenOnPeerClosed: true, useResumeWriting: false), owner);
        watcher.Watch(connection);
    }

    public bool TryTranslate(object message, out TransportEvent? transportEvent)
    {
        transportEvent = message switch
        {
            Tcp.Received received => new TransportEvent.Received(ToMemory(received.Data)),
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

    private static Exception ParseCause(string? cause) =>
        Enum.TryParse<SocketError>(cause, ignoreCase: true, out var error)
            ? new SocketException((int)error)
            : new IOException(cause ?? "unknown error");

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
