using System.Runtime.InteropServices;
using System.Text;
using ActorTcp.Actors.Connection;
using Xunit;

namespace ActorTcp.Tests.Connection.Units;

public class WriteCursorTests
{
    private static WriteSpec Spec(params string[] pieces) =>
        new(1, true, pieces.Select(p => (ReadOnlyMemory<byte>)Encoding.Latin1.GetBytes(p)).ToArray());

    private static List<string> Drain(WriteCursor cursor, int maxChunk)
    {
        var chunks = new List<string>();
        for (var i = 0; i < 1000 && cursor.TryNextChunk(maxChunk, out var chunk); i++)
            chunks.Add(Encoding.Latin1.GetString(chunk.Span));
        return chunks;
    }

    [Fact]
    public void Chunks_follow_the_pieces_in_order_and_are_never_longer_than_the_maximum_or_span_two_pieces()
    {
        var cursor = new WriteCursor(Spec("hello", "world!"));

        Assert.Equal(["hel", "lo", "wor", "ld!"], Drain(cursor, 3));
    }

    [Fact]
    public void Chunks_are_slices_of_the_callers_pieces_not_copies()
    {
        var piece = Encoding.Latin1.GetBytes("0123456789");
        var cursor = new WriteCursor(new WriteSpec(1, false, [piece]));

        Assert.True(cursor.TryNextChunk(4, out var first));
        Assert.True(cursor.TryNextChunk(4, out var second));

        Assert.True(MemoryMarshal.TryGetArray(first, out var a));
        Assert.True(MemoryMarshal.TryGetArray(second, out var b));
        Assert.Same(piece, a.Array);
        Assert.Equal(0, a.Offset);
        Assert.Same(piece, b.Array);
        Assert.Equal(4, b.Offset);
    }

    [Fact]
    public void Empty_pieces_are_skipped()
    {
        var cursor = new WriteCursor(Spec("", "ab", "", "", "c", ""));

        Assert.Equal(["ab", "c"], Drain(cursor, 100));
    }

    [Fact]
    public void In_flight_bytes_count_sent_chunks_until_each_is_acknowledged_oldest_first()
    {
        var cursor = new WriteCursor(Spec("abcde"));
        cursor.TryNextChunk(3, out _);
        cursor.TryNextChunk(3, out _);
        Assert.Equal(5, cursor.InFlightBytes);

        cursor.Acknowledge();
        Assert.Equal(2, cursor.InFlightBytes);

        cursor.Acknowledge();
        Assert.Equal(0, cursor.InFlightBytes);
    }

    [Fact]
    public void Done_only_once_every_byte_was_sent_and_every_chunk_acknowledged()
    {
        var cursor = new WriteCursor(Spec("ab", "cd"));
        Assert.False(cursor.Done);

        Assert.Equal(2, Drain(cursor, 10).Count);
        Assert.False(cursor.Done);

        cursor.Acknowledge();
        Assert.False(cursor.Done);
        cursor.Acknowledge();
        Assert.True(cursor.Done);
    }

    [Fact]
    public void Not_done_while_bytes_are_unsent_even_with_nothing_in_flight()
    {
        var cursor = new WriteCursor(Spec("abcdef"));
        cursor.TryNextChunk(2, out _);
        cursor.Acknowledge();

        Assert.Equal(0, cursor.InFlightBytes);
        Assert.False(cursor.Done);
    }

    [Fact]
    public void A_write_of_no_bytes_is_done_at_once_and_gives_no_chunk()
    {
        var cursor = new WriteCursor(Spec("", ""));

        Assert.True(cursor.Done);
        Assert.False(cursor.TryNextChunk(10, out var chunk));
        Assert.True(chunk.IsEmpty);
    }

    [Fact]
    public void An_acknowledgement_with_nothing_in_flight_changes_nothing()
    {
        var cursor = new WriteCursor(Spec("abc"));
        cursor.Acknowledge();
        cursor.TryNextChunk(10, out _);
        cursor.Acknowledge();
        cursor.Acknowledge();

        Assert.Equal(0, cursor.InFlightBytes);
        Assert.True(cursor.Done);
    }

    [Fact]
    public void Spec_is_the_write_the_cursor_was_made_for()
    {
        var spec = Spec("x");

        Assert.Same(spec, new WriteCursor(spec).Spec);
    }

    [Fact]
    public void A_cursor_reset_for_the_next_write_starts_at_its_first_byte_with_nothing_in_flight()
    {
        var cursor = new WriteCursor(Spec("abcdef"));
        cursor.TryNextChunk(2, out _);
        cursor.TryNextChunk(2, out _); // two chunks in flight: a write dropped by a failure mid-way

        var next = Spec("xy", "z");
        cursor.Reset(next);

        Assert.Same(next, cursor.Spec);
        Assert.Equal(0, cursor.InFlightBytes);
        Assert.False(cursor.Done);
        Assert.Equal(["xy", "z"], Drain(cursor, 10));
        cursor.Acknowledge();
        Assert.False(cursor.Done);
        cursor.Acknowledge();
        Assert.True(cursor.Done);
        cursor.Clear();
        Assert.Null(cursor.Spec);
    }
}
