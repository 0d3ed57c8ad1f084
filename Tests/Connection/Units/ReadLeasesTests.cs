using System.Buffers;
using ActorTcp.Actors.Connection;
using Xunit;

namespace ActorTcp.Tests.Connection.Units;

/// <summary>
/// Whether a lease went back to <see cref="ArrayPool{T}.Shared"/> is seen through the pool itself: an array returned
/// on this thread is the next one that thread rents of its size. Each lease has a size of its own, so one check
/// never disturbs another.
/// </summary>
public class ReadLeasesTests
{
    private static bool BackInThePool(byte[] lease)
    {
        var rented = ArrayPool<byte>.Shared.Rent(lease.Length);
        var same = ReferenceEquals(rented, lease);
        if (!same) ArrayPool<byte>.Shared.Return(rented);
        return same;
    }

    private static ReadOnlyMemory<byte> Slice(byte[] lease, int length = 10) => new(lease, 0, length);

    [Fact]
    public void Held_leases_are_counted()
    {
        var leases = new ReadLeases();
        leases.Hold(new byte[1024]);
        leases.Hold(new byte[2048]);

        Assert.Equal(2, leases.Count);
    }

    [Fact]
    public void A_lease_nothing_reads_goes_back_to_the_pool()
    {
        var lease = new byte[4096];
        var leases = new ReadLeases();
        leases.Hold(lease);

        leases.ReleaseUnused(new ReadBuffer(), default);

        Assert.Equal(0, leases.Count);
        Assert.True(BackInThePool(lease));
    }

    [Fact]
    public void A_lease_the_read_buffer_still_views_is_kept_until_its_bytes_are_taken()
    {
        var lease = new byte[8192];
        var leases = new ReadLeases();
        var buffer = new ReadBuffer();
        leases.Hold(lease);
        buffer.Append(Slice(lease));

        leases.ReleaseUnused(buffer, default);
        Assert.Equal(1, leases.Count);
        Assert.False(BackInThePool(lease));

        buffer.TakeUpTo(10);
        leases.ReleaseUnused(buffer, default);
        Assert.Equal(0, leases.Count);
        Assert.True(BackInThePool(lease));
    }

    [Fact]
    public void A_lease_an_in_flight_delivery_reads_is_kept()
    {
        var lease = new byte[16384];
        var leases = new ReadLeases();
        leases.Hold(lease);

        leases.ReleaseUnused(new ReadBuffer(), Slice(lease));

        Assert.Equal(1, leases.Count);
        Assert.False(BackInThePool(lease));
    }

    [Fact]
    public void Only_the_unused_lease_of_several_goes_back()
    {
        var viewed = new byte[1024];
        var unused = new byte[32768];
        var leases = new ReadLeases();
        var buffer = new ReadBuffer();
        leases.Hold(viewed);
        leases.Hold(unused);
        buffer.Append(Slice(viewed));

        leases.ReleaseUnused(buffer, default);

        Assert.Equal(1, leases.Count);
        Assert.True(BackInThePool(unused));
        Assert.False(BackInThePool(viewed));
    }

    [Fact]
    public void ReleaseAll_returns_every_lease_but_the_one_in_flight_which_is_left_to_the_collector()
    {
        var idle = new byte[65536];
        var inFlight = new byte[131072];
        var leases = new ReadLeases();
        leases.Hold(idle);
        leases.Hold(inFlight);

        leases.ReleaseAll(Slice(inFlight));

        Assert.Equal(0, leases.Count);
        Assert.True(BackInThePool(idle));
        Assert.False(BackInThePool(inFlight));
    }

    [Fact]
    public void ReleaseAll_with_nothing_in_flight_returns_every_lease()
    {
        var lease = new byte[262144];
        var leases = new ReadLeases();
        leases.Hold(lease);

        leases.ReleaseAll(default);

        Assert.Equal(0, leases.Count);
        Assert.True(BackInThePool(lease));
    }
}
