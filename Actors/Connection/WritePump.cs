using ActorTcp.Actors.Transport;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// The head write handler's way out: its bytes go to the transport in chunks of at most <c>io.write-chunk-size</c>,
/// with at most <c>io.max-bytes-in-flight</c> unacknowledged, and rspamd's <c>shutdown</c> (half-close after the first
/// completed write) or an explicit <see cref="ShutdownOutput"/>.
/// </summary>
internal sealed class WritePump(ActorTcpSettings settings, bool shutdownAfterFirstWrite)
{
    // Made on the first write and reset for each later one (a cursor per write was 64 bytes of every round trip, W2).
    private WriteCursor? _cursor;
    private bool _shutdownPending = shutdownAfterFirstWrite;

    /// <summary>The write being sent, or null.</summary>
    public WriteSpec? Current => _cursor?.Spec;

    /// <summary>Whether a write is being sent.</summary>
    public bool Busy => _cursor?.Spec is not null;

    /// <summary>The sending side was shut down: a later write would meet EPIPE.</summary>
    public bool OutputShut { get; private set; }

    /// <summary>Starts sending <paramref name="spec"/>; true when it is already complete (0 bytes).</summary>
    public bool Start(WriteSpec spec, ITransport transport)
    {
        if (_cursor is null) _cursor = new WriteCursor(spec);
        else _cursor.Reset(spec);
        if (_cursor.Done) return true;
        Pump(transport);
        return false;
    }

    /// <summary>One chunk was acknowledged; true when every byte of the write was.</summary>
    public bool OnAcked(ITransport transport)
    {
        if (_cursor is not { Spec: not null } cursor) return false;
        cursor.Acknowledge();
        if (cursor.Done) return true;
        Pump(transport);
        return false;
    }

    /// <summary>The write completed: forgets it and half-closes when the request asked for it; returns the write.</summary>
    public WriteSpec Complete(ITransport transport)
    {
        var spec = _cursor!.Spec!;
        _cursor.Clear();
        if (_shutdownPending)
        {
            _shutdownPending = false;
            ShutdownOutput(transport);
        }
        return spec;
    }

    /// <summary>Half-closes the sending side now (once).</summary>
    public void ShutdownOutput(ITransport transport)
    {
        if (OutputShut) return;
        OutputShut = true;
        transport.ShutdownOutput();
    }

    /// <summary>The connection failed: the write is dropped.</summary>
    public void Abort() => _cursor?.Clear();

    private void Pump(ITransport transport)
    {
        var cursor = _cursor!;
        while (cursor.InFlightBytes < settings.MaxBytesInFlight && cursor.TryNextChunk(settings.WriteChunkSize, out var chunk))
            transport.Write(chunk);
    }
}
