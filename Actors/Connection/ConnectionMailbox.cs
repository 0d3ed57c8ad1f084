using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// The mailbox of connection actors (<c>actortcp.connection-mailbox</c>): a short-lived actor that sees about ten
/// messages in its life does not need Akka's default lock-free queue, whose first segment alone is 32 slots (~1 KB per
/// connection, BENCHMARKS.md W1). A locked queue of its own (<see cref="SmallQueue"/>) holds one message in a field
/// and grows when a burst needs it; senders rarely contend (the Lua host, the socket's completions, the actor's own timer).
/// </summary>
public sealed class ConnectionMailbox : MailboxType, IProducesMessageQueue<ConnectionMailbox.SmallQueue>
{
    /// <summary>Called by Akka with the mailbox's configuration section.</summary>
    public ConnectionMailbox(Settings settings, Config config) : base(settings, config) { }

    /// <inheritdoc/>
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new SmallQueue();

    /// <summary>
    /// An unbounded message queue guarded by a lock, over an <see cref="InlineQueue{T}"/>: an idle connection, which holds
    /// no message or one, keeps no array (a four-envelope queue was ~130 bytes of every idle connection, BENCHMARKS.md W4).
    /// </summary>
    public sealed class SmallQueue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private InlineQueue<Envelope> _queue;
        private int _count;

        /// <inheritdoc/>
        public bool HasMessages => Volatile.Read(ref _count) > 0;

        /// <inheritdoc/>
        public int Count => Volatile.Read(ref _count);

        /// <inheritdoc/>
        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            // Locks itself: the queue is private to its mailbox, and a lock object of its own would cost every connection.
            lock (this)
            {
                _queue.Enqueue(envelope);
                Volatile.Write(ref _count, _count + 1);
            }
        }

        /// <inheritdoc/>
        public bool TryDequeue(out Envelope envelope)
        {
            lock (this)
            {
                if (!_queue.TryDequeue(out envelope)) return false;
                Volatile.Write(ref _count, _count - 1);
                return true;
            }
        }

        /// <inheritdoc/>
        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
        }
    }
}
