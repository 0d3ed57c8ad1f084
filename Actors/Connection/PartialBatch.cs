namespace ActorTcp.Actors.Connection;

/// <summary>
/// Partial mode's batching, in one place. rspamd calls a partial read's callback once per chunk
/// (<c>read-chunk-size</c>); one connection-actor turn per chunk (two thread hand-offs) made partial streams 3-4x slower
/// than the socket (BENCHMARKS.md W3), so a receiver that can run several callbacks per message
/// (<see cref="ConnectionRequest.PartialBatch"/> &gt; 1) gets up to that many chunks in one <see cref="ReadCompleted"/>,
/// runs them in order, and gives back what a callback's command made it leave unrun.
/// </summary>
public static class PartialBatch
{
    /// <summary>
    /// Chunks per message for a receiver that batches: one socket read (<c>io.read-size</c>), so a whole read costs one turn.
    /// </summary>
    public static int ChunksPerDelivery(ActorTcpSettings settings) =>
        Math.Max(1, settings.SocketReadSize / settings.ReadChunkSize);

    /// <summary>Number of callback calls <paramref name="read"/> stands for.</summary>
    public static int ChunkCount(this ReadCompleted read) =>
        read.ChunkSize <= 0 ? 1 : (read.Data.Length + read.ChunkSize - 1) / read.ChunkSize;

    /// <summary>The data of callback call <paramref name="index"/> of <paramref name="read"/>.</summary>
    public static ReadOnlyMemory<byte> Chunk(this ReadCompleted read, int index)
    {
        if (read.ChunkSize <= 0) return read.Data;
        var start = index * read.ChunkSize;
        return read.Data.Slice(start, Math.Min(read.ChunkSize, read.Data.Length - start));
    }

    /// <summary>The answer that ends <paramref name="read"/>'s turn once its first <paramref name="chunksRun"/> chunks ran.</summary>
    public static IConnectionCommand Answer(this ReadCompleted read, int chunksRun)
    {
        if (read.ChunkSize <= 0 || chunksRun >= read.ChunkCount()) return CallbackReturned.Instance;
        return new CallbackReturnedPartly(chunksRun * read.ChunkSize);
    }

    /// <summary>Most bytes one delivery of <paramref name="request"/>'s head read takes.</summary>
    internal static int MaxDelivery(ConnectionRequest request, ActorTcpSettings settings) =>
        request.Partial ? settings.ReadChunkSize * Math.Max(1, request.PartialBatch) : settings.ReadChunkSize;

    /// <summary>Whether <paramref name="request"/> streams batches (an async partial read whose receiver batches).</summary>
    internal static bool Streams(ConnectionRequest request) =>
        request.Partial && !request.Synchronous && request.PartialBatch > 1;

    /// <summary>The message that delivers <paramref name="data"/> to <paramref name="handler"/>: chunked when it holds more than one.</summary>
    internal static ReadCompleted Delivery(long requestId, HandlerSpec handler, ReadOnlyMemory<byte> data, int chunkSize) =>
        new(requestId, handler.HandlerId, data, data.Length > chunkSize ? chunkSize : 0);

    /// <summary>Puts back in front of <paramref name="buffer"/> the part of <paramref name="delivered"/> the receiver did not run.</summary>
    internal static void GiveBack(ReadBuffer buffer, ReadOnlyMemory<byte> delivered, CallbackReturnedPartly answer)
    {
        if (answer.ConsumedBytes >= 0 && answer.ConsumedBytes < delivered.Length) buffer.Restore(delivered[answer.ConsumedBytes..]);
    }
}
