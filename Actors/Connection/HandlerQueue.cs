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
/// rspamd_tcp_api.md Part 2 sections 2.3 and 2.5 are tested directly. The connection actor performs the steps.
/// </summary>
internal sealed class HandlerQueue
{
    private readonly Queue<HandlerSpec> _handlers = new();

    /// <summary>Number of queued handlers.</summary>
    public int Count => _handlers.Count;

    /// <summary>The active handler, if any.</summary>
    public HandlerSpec? Head => _handlers.TryPeek(out var h) ? h : null;

    /// <summary>Appends a handler.</summary>
    public void Enqueue(HandlerSpec handler) => _handlers.Enqueue(handler);

    /// <summary>Removes and returns the head.</summary>
    public HandlerSpec Dequeue() => _handlers.Dequeue();

    /// <summary>Removes the head when it is the handler <paramref name="handlerId"/>.</summary>
    public bool RemoveHeadIf(long handlerId)
    {
        if (Head?.HandlerId != handlerId) return false;
        _handlers.Dequeue();
        return true;
    }

    /// <summary>
    /// Decides the next step for the head handler given the unread bytes and whether the stream ended.
    /// Consumes from <paramref name="buffer"/> and dequeues handlers as the decision requires. A line longer than
    /// <paramref name="maxLine"/> bytes before its stop pattern is never delivered: the read goes on, and the caller's
    /// buffer limit fails it, however the bytes were split into reads.
    /// </summary>
    public PlanStep Plan(ReadBuffer buffer, bool partial, bool eof, int chunkSize, int partialBatch = 1, int maxLine = int.MaxValue)
    {
        switch (Head)
        {
            case null:
                return new PlanStep(PlanAction.Finish);

            case ReadSpec read when partial:
                // Partial mode streams chunks to the head; the library never removes it (shift_callback does).
                if (!buffer.IsEmpty) return new PlanStep(PlanAction.Deliver, read, buffer.TakeUpTo(chunkSize * Math.Max(1, partialBatch)));
                return eof ? NonFatal(TcpErrors.EofCannotRead) : new PlanStep(PlanAction.Read, read);

            case ReadSpec read when !read.StopPattern.IsEmpty:
                if (buffer.TryTakeUntil(read.StopPattern.Span, out var line, maxLine))
                {
                    _handlers.Dequeue();
                    return new PlanStep(PlanAction.Deliver, read, line);
                }
                // A leftover shorter than the pattern keeps reading (rspamd stalls here, tcp.c:1064).
                return eof ? NonFatal(TcpErrors.EofCannotRead) : new PlanStep(PlanAction.Read, read);

            case ReadSpec read:
                if (!buffer.IsEmpty)
                {
                    _handlers.Dequeue();
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

    /// <summary>
    /// A non-fatal error goes to the first handler with a callback; callback-less handlers in front of it are dropped
    /// (tcp.c:700-711). With none left the queue is empty and the next plan finishes.
    /// </summary>
    private PlanStep NonFatal(string error)
    {
        while (_handlers.TryDequeue(out var handler))
            if (handler.HasCallback) return new PlanStep(PlanAction.NonFatalError, handler, Error: error);
        return new PlanStep(PlanAction.Finish);
    }
}
