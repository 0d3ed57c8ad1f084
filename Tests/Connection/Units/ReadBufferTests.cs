using System.Text;
using ActorTcp.Actors.Connection;
using Xunit;

namespace ActorTcp.Tests.Connection.Units;

public class ReadBufferTests
{
    private static ReadOnlyMemory<byte> B(string s) => Encoding.Latin1.GetBytes(s);
    private static string S(ReadOnlyMemory<byte> m) => Encoding.Latin1.GetString(m.Span);

    [Fact]
    public void Pattern_inside_one_chunk_returns_the_bytes_before_it_without_copying()
    {
        var chunk = new byte[] { (byte)'a', (byte)'b', (byte)'\r', (byte)'\n', (byte)'c' };
        var buffer = new ReadBuffer();
        buffer.Append(chunk);

        Assert.True(buffer.TryTakeUntil(B("\r\n").Span, out var line));

        Assert.Equal("ab", S(line));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(line, out var segment));
        Assert.Same(chunk, segment.Array);
        Assert.Equal(1, buffer.Length);
        Assert.Equal("c", S(buffer.TakeUpTo(10)));
    }

    [Fact]
    public void Pattern_split_across_three_chunks_is_found()
    {
        var buffer = new ReadBuffer();
        buffer.Append(B("AB"));
        Assert.False(buffer.TryTakeUntil(B("\r\n").Span, out _));
        buffer.Append(B("C\r"));
        Assert.False(buffer.TryTakeUntil(B("\r\n").Span, out _));
        buffer.Append(B("\nDEF"));

        Assert.True(buffer.TryTakeUntil(B("\r\n").Span, out var line));
        Assert.Equal("ABC", S(line));
        Assert.Equal("DEF", S(buffer.TakeUpTo(100)));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Leftover_shorter_than_the_pattern_is_kept_and_completed_by_the_next_chunk()
    {
        var buffer = new ReadBuffer();
        buffer.Append(B("line1\r\nX"));
        Assert.True(buffer.TryTakeUntil(B("\r\n").Span, out var first));
        Assert.Equal("line1", S(first));

        Assert.False(buffer.TryTakeUntil(B("\r\n\r\n").Span, out _));
        buffer.Append(B("YZ\r\n\r\ntail"));

        Assert.True(buffer.TryTakeUntil(B("\r\n\r\n").Span, out var second));
        Assert.Equal("XYZ", S(second));
        Assert.Equal("tail", S(buffer.TakeUpTo(100)));
    }

    [Fact]
    public void Results_stay_unchanged_after_more_data_is_appended()
    {
        var buffer = new ReadBuffer();
        buffer.Append(B("one"));
        buffer.Append(B("two|three"));
        Assert.True(buffer.TryTakeUntil(B("|").Span, out var taken));
        buffer.Append(B("four|"));
        buffer.Append(B("five"));
        Assert.True(buffer.TryTakeUntil(B("|").Span, out var next));

        Assert.Equal("onetwo", S(taken));
        Assert.Equal("threefour", S(next));
        Assert.Equal("five", S(buffer.TakeUpTo(100)));
    }

    [Fact]
    public void Search_resumes_where_it_stopped_and_still_finds_a_pattern_starting_in_old_bytes()
    {
        var buffer = new ReadBuffer();
        var pattern = B("END!").Span;
        buffer.Append(B(new string('x', 1000) + "EN"));
        Assert.False(buffer.TryTakeUntil(pattern, out _));
        buffer.Append(B("D"));
        Assert.False(buffer.TryTakeUntil(pattern, out _));
        buffer.Append(B("!rest"));

        Assert.True(buffer.TryTakeUntil(pattern, out var line));
        Assert.Equal(1000, line.Length);
        Assert.Equal("rest", S(buffer.TakeUpTo(100)));
    }

    [Fact]
    public void Binary_bytes_and_a_pattern_containing_NUL_pass_unchanged()
    {
        var buffer = new ReadBuffer();
        buffer.Append(new byte[] { 0xFF, 0x00, 0x80 });
        buffer.Append(new byte[] { 0x00, 0x01, 0x7F });

        Assert.True(buffer.TryTakeUntil(new byte[] { 0x00, 0x01 }, out var before));
        Assert.Equal(new byte[] { 0xFF, 0x00, 0x80 }, before.ToArray());
        Assert.Equal(new byte[] { 0x7F }, buffer.TakeUpTo(10).ToArray());
    }

    [Fact]
    public void TakeUpTo_returns_at_most_the_limit_and_keeps_the_rest()
    {
        var buffer = new ReadBuffer();
        buffer.Append(new byte[20000]);

        Assert.Equal(8192, buffer.TakeUpTo(8192).Length);
        Assert.Equal(20000 - 8192, buffer.Length);
    }

    [Fact]
    public void Restored_bytes_come_back_in_front_of_what_arrived_since()
    {
        var buffer = new ReadBuffer();
        buffer.Append(B("abcdef"));
        var taken = buffer.TakeUpTo(4);
        buffer.Append(B("gh"));

        buffer.Restore(taken[1..]);

        Assert.Equal(7, buffer.Length);
        Assert.True(buffer.TryTakeUntil(B("e").Span, out var before));
        Assert.Equal("bcd", S(before));
        Assert.Equal("fgh", S(buffer.TakeUpTo(10)));
    }

    [Fact]
    public void Restoring_into_an_empty_buffer_keeps_the_bytes_without_a_copy()
    {
        var buffer = new ReadBuffer();
        buffer.Append(B("xyz"));
        var taken = buffer.TakeUpTo(3);

        buffer.Restore(taken);

        Assert.Equal("xyz", S(buffer.TakeUpTo(10)));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Pattern_further_in_than_max_before_is_not_found_even_when_one_chunk_holds_it()
    {
        var buffer = new ReadBuffer();
        buffer.Append(B("0123456789\r\nrest"));

        Assert.False(buffer.TryTakeUntil(B("\r\n").Span, out _, maxBefore: 9));
        Assert.Equal(16, buffer.Length);
        Assert.True(buffer.TryTakeUntil(B("\r\n").Span, out var line, maxBefore: 10));
        Assert.Equal("0123456789", S(line));
    }

    [Fact]
    public void Views_tells_whether_unread_bytes_lie_in_a_received_array()
    {
        var chunk = B("abcdef").ToArray();
        var other = new byte[4];
        var buffer = new ReadBuffer();
        buffer.Append(chunk);

        Assert.True(buffer.Views(chunk));
        Assert.False(buffer.Views(other));
        // A chunk partly taken is still viewed (a pooled read is a slice of a larger array).
        Assert.Equal("ab", S(buffer.TakeUpTo(2)));
        Assert.True(buffer.Views(chunk));
        // Bytes given back in front of unread ones are joined in a new array.
        buffer.Restore(chunk.AsMemory(0, 2));
        Assert.False(buffer.Views(chunk));
        Assert.Equal("abcdef", S(buffer.TakeUpTo(6)));
        // Given back to an empty buffer they are viewed where they lie.
        buffer.Restore(chunk.AsMemory(2, 4));
        Assert.True(buffer.Views(chunk));
        buffer.Clear();
        buffer.Append(chunk);
        // A second chunk is appended to a private copy: neither array is viewed any more.
        buffer.Append(other);
        Assert.False(buffer.Views(chunk));
        buffer.Clear();
        buffer.Append(chunk);
        Assert.Equal("abcdef", S(buffer.TakeUpTo(6)));
        Assert.False(buffer.Views(chunk));
    }
}
