using ActorTcp.Actors.Connection;
using Xunit;

namespace ActorTcp.Tests.Connection.Units;

/// <summary><see cref="InlineQueue{T}"/>: first in, first out, whether the oldest item sits in its field or in the queue.</summary>
public sealed class InlineQueueTests
{
    private static List<int> Drain(ref InlineQueue<int> queue)
    {
        var items = new List<int>();
        while (queue.TryDequeue(out var item)) items.Add(item);
        return items;
    }

    [Fact]
    public void Items_come_out_in_the_order_they_went_in_across_the_field_and_the_queue()
    {
        var queue = new InlineQueue<int>();
        queue.Enqueue(1);
        queue.Enqueue(2);
        queue.Enqueue(3);
        Assert.True(queue.TryDequeue(out var first));
        Assert.Equal(1, first);
        // The field is free, but 2 and 3 wait in the queue: 4 must come after them.
        queue.Enqueue(4);
        Assert.Equal(3, queue.Count);
        Assert.True(queue.TryPeek(out var head));
        Assert.Equal(2, head);

        Assert.Equal([2, 3, 4], Drain(ref queue));
        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryPeek(out _));
        queue.Enqueue(5);
        Assert.Equal([5], Drain(ref queue));
    }

    [Fact]
    public void Any_after_first_skips_the_oldest_wherever_it_is()
    {
        var queue = new InlineQueue<int>();
        queue.Enqueue(7);
        Assert.False(queue.AnyAfterFirst(i => i == 7));
        queue.Enqueue(8);
        Assert.True(queue.AnyAfterFirst(i => i == 8));
        Assert.False(queue.AnyAfterFirst(i => i == 7));

        queue.TryDequeue(out _); // 8 is now the oldest, first in the queue
        queue.Enqueue(9);
        Assert.False(queue.AnyAfterFirst(i => i == 8));
        Assert.True(queue.AnyAfterFirst(i => i == 9));
    }
}
