using System.Text;
using ActorTcp.Actors.Connection;
using Xunit;

namespace ActorTcp.Tests.Connection.Units;

public class HandlerQueueTests
{
    private static ReadOnlyMemory<byte> B(string s) => Encoding.Latin1.GetBytes(s);
    private static string S(ReadOnlyMemory<byte> m) => Encoding.Latin1.GetString(m.Span);

    [Fact]
    public void Empty_queue_finishes()
    {
        Assert.Equal(PlanAction.Finish, new HandlerQueue().Plan(new ReadBuffer(), partial: false, eof: false, 8192).Action);
    }

    [Fact]
    public void Read_satisfied_from_leftover_is_delivered_without_reading_and_removed()
    {
        var queue = new HandlerQueue();
        queue.Enqueue(new ReadSpec(1, true, B("\r\n")));
        queue.Enqueue(new ReadSpec(2, true, B("\r\n")));
        var buffer = new ReadBuffer();
        buffer.Append(B("line1\r\nline2\r\n"));

        var first = queue.Plan(buffer, false, false, 8192);
        var second = queue.Plan(buffer, false, false, 8192);

        Assert.Equal((PlanAction.Deliver, 1L, "line1"), (first.Action, first.Handler!.HandlerId, S(first.Data)));
        Assert.Equal((PlanAction.Deliver, 2L, "line2"), (second.Action, second.Handler!.HandlerId, S(second.Data)));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Read_without_pattern_takes_the_whole_leftover_up_to_the_chunk_size()
    {
        var queue = new HandlerQueue();
        queue.Enqueue(new ReadSpec(1, true));
        var buffer = new ReadBuffer();
        buffer.Append(B("line2\r\n"));

        var step = queue.Plan(buffer, false, false, 8192);

        Assert.Equal("line2\r\n", S(step.Data));
    }

    [Fact]
    public void Pattern_not_buffered_yet_asks_for_a_read_and_keeps_the_handler()
    {
        var queue = new HandlerQueue();
        queue.Enqueue(new ReadSpec(1, true, B("\r\n")));
        var buffer = new ReadBuffer();
        buffer.Append(B("X"));

        var step = queue.Plan(buffer, false, false, 8192);

        Assert.Equal(PlanAction.Read, step.Action);
        Assert.Equal(1, queue.Count);
        Assert.Equal(1, buffer.Length);
    }

    [Fact]
    public void Partial_mode_streams_to_the_head_without_removing_it()
    {
        var queue = new HandlerQueue();
        queue.Enqueue(new ReadSpec(1, true, B("ignored")));
        var buffer = new ReadBuffer();
        buffer.Append(B("chunk"));

        var step = queue.Plan(buffer, partial: true, eof: false, 8192);

        Assert.Equal((PlanAction.Deliver, "chunk"), (step.Action, S(step.Data)));
        Assert.Same(step.Handler, queue.Head);
        Assert.Equal(PlanAction.Read, queue.Plan(buffer, true, false, 8192).Action);
    }

    [Fact]
    public void Write_at_the_head_is_sent_and_stays_until_done()
    {
        var queue = new HandlerQueue();
        var write = new WriteSpec(1, true, [B("abc")]);
        queue.Enqueue(write);

        var step = queue.Plan(new ReadBuffer(), false, false, 8192);

        Assert.Equal(PlanAction.Write, step.Action);
        Assert.Same(write, queue.Head);
    }

    [Fact]
    public void Read_after_eof_gets_the_non_fatal_error_and_callbackless_handlers_before_it_are_dropped()
    {
        var queue = new HandlerQueue();
        queue.Enqueue(new ReadSpec(1, HasCallback: false));
        queue.Enqueue(new ReadSpec(2, HasCallback: true));
        queue.Enqueue(new ReadSpec(3, HasCallback: true));

        var step = queue.Plan(new ReadBuffer(), false, eof: true, 8192);

        Assert.Equal((PlanAction.NonFatalError, 2L, TcpErrors.EofCannotRead), (step.Action, step.Handler!.HandlerId, step.Error));
        Assert.Equal(3, queue.Head!.HandlerId);
    }

    [Fact]
    public void Write_after_eof_gets_the_non_fatal_write_error()
    {
        var queue = new HandlerQueue();
        queue.Enqueue(new WriteSpec(7, true, [B("x")]));

        var step = queue.Plan(new ReadBuffer(), false, eof: true, 8192);

        Assert.Equal((PlanAction.NonFatalError, 7L, "EOF, cannot write more data"), (step.Action, step.Handler!.HandlerId, step.Error));
    }

    [Fact]
    public void Eof_with_only_callbackless_handlers_left_finishes()
    {
        var queue = new HandlerQueue();
        queue.Enqueue(new ReadSpec(1, HasCallback: false));

        Assert.Equal(PlanAction.Finish, queue.Plan(new ReadBuffer(), false, eof: true, 8192).Action);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Buffered_data_is_still_delivered_after_eof()
    {
        var queue = new HandlerQueue();
        queue.Enqueue(new ReadSpec(1, true, B("\n")));
        var buffer = new ReadBuffer();
        buffer.Append(B("last\n"));

        var step = queue.Plan(buffer, false, eof: true, 8192);

        Assert.Equal((PlanAction.Deliver, "last"), (step.Action, S(step.Data)));
    }

    [Fact]
    public void RemoveHeadIf_removes_only_the_named_head()
    {
        var queue = new HandlerQueue();
        queue.Enqueue(new ReadSpec(1, true));
        queue.Enqueue(new ReadSpec(2, true));

        Assert.False(queue.RemoveHeadIf(2));
        Assert.True(queue.RemoveHeadIf(1));
        Assert.Equal(2, queue.Head!.HandlerId);
    }
}
