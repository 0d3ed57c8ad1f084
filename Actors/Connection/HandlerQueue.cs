namespace ActorTcp.Actors.Connection;

/// <summary>What the connection must do next, decided by <see cref="HandlerQueue.Plan"/>.</summary>
internal enum PlanAction
{
    /// <summary>The queue is empty: close the connection.</summary>
    Finish,
    /// <summary>Deliver <see cref="PlanStep.Data"/> to the read handler (already removed unless in partial mode).</summary>
    Deliver,
    /// <summary>The head read needs more bytes from the socket.</summary>
    Read,
    /// <summary>The head write must be sent (it stays at the head until every byte is acknowledged).</summary>
    Write,
    /// <summary>Deliver the non-fatal <see cref="PlanStep.Error"/> to the handler (already removed).</summary>
    NonFatalError,
    /// <summary>The head is a <see cref="StartTlsSpec"/>: run the handshake (it stays at the head until it is done).</summary>
    StartTls,
}

/// <summary>One decision of the plan step.</summary>
internal readonly record struct PlanStep(PlanAction Action, HandlerSpec? Handler = null, ReadOnlyMemory<byte> Data = default,
    string? Error = null);

/// <summary>
/// rspamd_tcp's queue of handlers and its plan step (<c>lua_tcp_plan_handler_event</c>), free of I/O so the rules of
/// docs/lua-api.md#the-handler-queue are tested directly. The connection actor performs the steps.
/// </summary>
internal sealed class HandlerQueue
{
    // An idle connection's one handler (a read waiting) takes no array (BENCHMARKS.md W4).
    private InlineQueue<HandlerSpec> _handlers;

    /// <summary>Number of queued handlers.</summary>
    public int Count => _handlers.Count;

    /// <summary>Bytes of every queued write handler.</summary>
    public long WriteBytes { get; private set; }

    /// <summary>The most handlers queued at once so far (for the metrics).</summary>
    public int HighWater { get; private set; }

    /// <summary>The error of a limit the queue exceeds (<c>actortcp.limits</c>), or null.</summary>
    public string? LimitError(ActorTcpSettings settings)
    {
        if (Count > settings.MaxQueuedHandlers) return TcpErrors.TooManyHandlers(settings.MaxQueuedHandlers);
        if (WriteBytes > settings.MaxQueuedWriteBytes) return TcpErrors.TooManyWriteBytes(settings.MaxQueuedWriteBytes);
        return null;
    }

    /// <summary>Whether a read waits behind the head (a write in progress): the bytes it will want may be read now.</summary>
    public bool ReadQueuedBehindHead => _handlers.AnyAfterFirst(static handler => handler is ReadSpec);

    /// <summary>The active handler, if any.</summary>
    public HandlerSpec? Head => _handlers.TryPeek(out var h) ? h : null;

    /// <summary>Appends a handler.</summary>
    public void Enqueue(HandlerSpec handler)
    {
        _handlers.Enqueue(handler);
        if (handler is WriteSpec write) WriteBytes += write.Length;
        if (Count > HighWater) HighWater = Count;
    }

    /// <summary>Removes and returns the head.</summary>
    public HandlerSpec Dequeue()
    {
        if (!_handlers.TryDequeue(out var handler)) throw new InvalidOperationException("no handler is queued");
        if (handler is WriteSpec write) WriteBytes -= write.Length;
        return handler;
    }

    /// <summary>
    /// Removes handlers up to and including the first with a callback, and returns that one; null when none is left.
    /// An error goes to the next handler that can hear it; callback-less ones before it are dropped (tcp.c:700-711).
    /// </summary>
    public HandlerSpec? DequeueThroughCallback()
    {
        while (Count > 0)
        {
            var handler = Dequeue();
            if (handler.HasCallback) return handler;
        }
        return null;
    }

    /// <summary>Removes the head when it is the handler <paramref name="handlerId"/>.</summary>
    public bool RemoveHeadIf(long handlerId)
    {
        if (Head?.HandlerId != handlerId) return false;
        Dequeue();
        return true;
    }

    /// <summary>
    /// Decides the next step for the head handler given the unread bytes and whether the stream ended.
    /// Consumes from <paramref name="buffer"/> and dequeues handlers as the decision requires. A line longer than
    /// <paramref name="maxLine"/> bytes before its stop pattern is never delivered: the read goes on, and the caller's
    /// buffer limit fails it, however the bytes were split into reads. A partial read takes up to
    /// <paramref name="maxDelivery"/> bytes at once (<see cref="PartialBatch"/>; at least one chunk).
    /// </summary>
    public PlanStep Plan(ReadBuffer buffer, bool partial, bool eof, int chunkSize, int maxDelivery = 0, int maxLine = int.MaxValue)
    {
        switch (Head)
        {
            case null:
                return new PlanStep(PlanAction.Finish);

            case ReadSpec read when partial:
                // Partial mode streams chunks to the head; the library never removes it (shift_callback does).
                if (!buffer.IsEmpty) return new PlanStep(PlanAction.Deliver, read, buffer.TakeUpTo(Math.Max(chunkSize, maxDelivery)));
                return eof ? NonFatal(TcpErrors.EofCannotRead) : new PlanStep(PlanAction.Read, read);

            case ReadSpec read when !read.StopPattern.IsEmpty:
                if (buffer.TryTakeUntil(read.StopPattern.Span, out var line, maxLine))
                {
                    Dequeue();
                    return new PlanStep(PlanAction.Deliver, read, line);
                }
                // A leftover shorter than the pattern keeps reading (rspamd stalls here, tcp.c:1064).
                return eof ? NonFatal(TcpErrors.EofCannotRead) : new PlanStep(PlanAction.Read, read);

            case ReadSpec read:
                if (!buffer.IsEmpty)
                {
                    Dequeue();
                    return new PlanStep(PlanAction.Deliver, read, buffer.TakeUpTo(chunkSize));
                }
                return eof ? NonFatal(TcpErrors.EofCannotRead) : new PlanStep(PlanAction.Read, read);

            case WriteSpec write:
                return eof ? NonFatal(TcpErrors.EofCannotWrite) : new PlanStep(PlanAction.Write, write);

            case StartTlsSpec upgrade:
                // The handshake has to write: after EOF it is the write's non-fatal error.
                return eof ? NonFatal(TcpErrors.EofCannotWrite) : new PlanStep(PlanAction.StartTls, upgrade);

            default:
                throw new InvalidOperationException($"unknown handler {Head}");
        }
    }

    /// <summary>A non-fatal error goes to the first handler with a callback; with none left the next plan finishes.</summary>
    private PlanStep NonFatal(string error) =>
        DequeueThroughCallback() is { } handler
            ? new PlanStep(PlanAction.NonFatalError, handler, Error: error)
            : new PlanStep(PlanAction.Finish);
}
