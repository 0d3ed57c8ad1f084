using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.IO;

namespace ActorTcp.Actors.Transport;

/// <summary>TCP through an Akka.IO connection actor in pull mode, with acknowledged writes.</summary>
internal sealed class AkkaIoTransport(IActorRef connection) : ITransport
{
    /// <summary>The acknowledgement every write asks for.</summary>
    internal sealed class Ack : Tcp.Event
    {
        public static readonly Ack Instance = new();
        private Ack() { }
    }

    /// <summary>The Akka.IO connection actor.</summary>
    public IActorRef Connection { get; } = connection;

    public void Write(ReadOnlyMemory<byte> chunk)
    {
        // Wrapping does not copy: the caller's memory is immutable once handed to a write handler.
        var bytes = MemoryMarshal.TryGetArray(chunk, out var segment)
            ? ByteString.FromBytes(segment)
            : ByteString.CopyFrom(chunk.ToArray());
        Connection.Tell(Tcp.Write.Create(bytes, Ack.Instance));
    }

    public void RequestRead() => Connection.Tell(Tcp.ResumeReading.Instance);

    public void ShutdownOutput() => Connection.Tell(Tcp.ConfirmedClose.Instance);

    public void Close() => Connection.Tell(Tcp.Close.Instance);
}
