using Akka.Actor;
using Akka.Event;

namespace ActorTcp.Actors.Connection;

// Errors and the end of a connection.
internal sealed partial class ConnectionActor
{
    private void OnTransportError(string reason)
    {
        // Once we closed the socket, what it still reports concerns nobody.
        if (Stream is null) return;
        // An end is held already: a second report of the same socket (Akka.IO's Terminated after ErrorClosed) waits too,
        // unless a write is in flight, whose error it is.
        if (_readAhead.Held is not null && !Writing) return;
        if (_readAhead.MustHold(peerClosed: false, Writing, Has(ConnectionStatus.InTurn), _buffer.IsEmpty))
        {
            Hold(new HeldEnd(reason));
            return;
        }
        _readAhead.Stopped();
        // Only bytes make an answer: a held EOF alone (the reset's second report, once the write consumed its error)
        // leaves nothing to read, and the write's error goes to every handler as usual.
        if (Writing && _queue.ReadQueuedBehindHead && !_buffer.IsEmpty)
        {
            WriteFailsAlone(reason);
            return;
        }
        Set(ConnectionStatus.Eof);
        Clear(ConnectionStatus.ReadPending);
        if (Has(ConnectionStatus.TlsOn))
        {
            var stage = Has(ConnectionStatus.Handshaking) ? "connect" : Writing ? "write" : "read";
            Clear(ConnectionStatus.Handshaking);
            Fail(TcpFailure.Tls(TcpErrors.SslSyscallFailed(stage, reason)));
            return;
        }
        Fail(new TcpFailure(TcpFailureReason.SocketError, Writing ? TcpErrors.WriteError(reason) : TcpErrors.ReadError(reason)));
    }

    /// <summary>
    /// The peer answered while our write was still being sent, then went away (clamd's "size limit exceeded" closes
    /// mid-upload): the write fails alone, non-fatally, and the handlers behind it read what the peer sent, as after its
    /// EOF. rspamd loses the answer in the write's fatal error.
    /// </summary>
    private void WriteFailsAlone(string reason)
    {
        var write = _writes!.Current!;
        _writes.Abort();
        _queue.Dequeue();
        _timer.Disarm();
        CloseStream();
        _readAhead.TakeHeld();
        Clear(ConnectionStatus.ReadPending);
        Set(ConnectionStatus.Eof);
        Log.Debug("write to {0} failed ({1}) after the peer answered; reading the answer", _request.Host, reason);
        var failure = new TcpFailure(TcpFailureReason.SocketError, TcpErrors.WriteError(reason));
        if (write.HasCallback) BeginTurn(new HandlerFailed(Id, write.HandlerId, failure, Fatal: false));
        else Plan();
    }

    /// <summary>
    /// A fatal error: the socket closes now and every queued handler with a callback gets the error in order, one turn
    /// at a time, including handlers those callbacks add. Before the connection is up, <c>on_error</c> alone is told.
    /// </summary>
    private void Fail(TcpFailure failure)
    {
        if (Has(ConnectionStatus.Failed | ConnectionStatus.Finished)) return;
        _measure.Failed(failure);
        if (_request.Synchronous && Has(ConnectionStatus.Established))
        {
            FailSyncOperation(failure);
            return;
        }
        Set(ConnectionStatus.Failed);
        _writes?.Abort();
        _timer.Disarm();
        CloseStream();

        if (!Has(ConnectionStatus.Established) && _request.NotifyConnectError)
        {
            _replyTo.Tell(new ConnectFailed(Id, failure));
            Finish();
            return;
        }

        _failure = failure;
        Enter(FailingState);
        if (!Has(ConnectionStatus.InTurn)) FanOutNext(failure);
    }

    /// <summary>
    /// An error on a sync connection goes to the operation waiting (rspamd resumes its coroutine with it); the socket
    /// is gone, so the connection stays at EOF and later operations get the non-fatal EOF errors until close().
    /// </summary>
    private void FailSyncOperation(TcpFailure failure)
    {
        Set(ConnectionStatus.Eof);
        Clear(ConnectionStatus.ReadPending);
        _writes?.Abort();
        _buffer.Clear();
        _timer.Disarm();
        CloseStream();
        // Nothing waits while a callback runs; what it queues next meets the EOF errors.
        if (Has(ConnectionStatus.InTurn)) return;
        if (_queue.DequeueThroughCallback() is { } handler) BeginTurn(new HandlerFailed(Id, handler.HandlerId, failure, Fatal: false));
    }

    private void FanOutNext(TcpFailure failure)
    {
        if (_queue.DequeueThroughCallback() is { } handler) BeginTurn(new HandlerFailed(Id, handler.HandlerId, failure, Fatal: true));
        else Finish();
    }

    private void Finish()
    {
        if (!End(stopped: false)) return;
        _replyTo.Tell(new ConnectionClosed(Id));
        Context.Stop(Self);
    }

    /// <summary>
    /// Ends the connection once (from <see cref="Finish"/> or <see cref="PostStop"/>): the socket closes, its bytes are
    /// dropped, its pooled buffers go back (but for one a turn still reads), and the manager stops counting it. False
    /// when it had ended already. <paramref name="stopped"/>: stopped from outside (a crash, a stop), not finished.
    /// </summary>
    private bool End(bool stopped)
    {
        if (Has(ConnectionStatus.Finished)) return false;
        Set(ConnectionStatus.Finished);
        _measure.End(_queue.HighWater, stopped);
        _timer.Disarm();
        CloseStream();
        _buffer.Clear();
        _readAhead.ReleaseAll(Has(ConnectionStatus.InTurn));
        // The manager counts this connection until told (it does not watch it). The constructor cannot throw, so every
        // connection actor that started gets here.
        Context.Parent.Tell(ConnectionManager.ConnectionFinished.Instance, Self);
        return true;
    }

    private void CloseStream()
    {
        // The TLS layer closes the socket under it.
        Stream?.Close();
        _connector?.Abort();
        _socket = null;
        _tls = null;
        Clear(ConnectionStatus.Handshaking);
    }
}
