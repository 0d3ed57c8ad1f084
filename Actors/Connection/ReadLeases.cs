using System.Buffers;
using System.Runtime.InteropServices;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// The pooled receive buffers one connection holds while their bytes wait in its <see cref="ReadBuffer"/> or in a
/// delivery whose callbacks still run. Each goes back to <see cref="ArrayPool{T}.Shared"/> once neither reads it.
/// </summary>
/// <remarks>Usually one or two: the batch Lua works on and the read taken ahead of it.</remarks>
internal sealed class ReadLeases
{
    private readonly List<byte[]> _held = new(2);

    /// <summary>Number of buffers held.</summary>
    public int Count => _held.Count;

    /// <summary>Keeps <paramref name="lease"/> until <see cref="ReleaseUnused"/> finds it unused.</summary>
    public void Hold(byte[] lease) => _held.Add(lease);

    /// <summary>Gives back every buffer that neither <paramref name="buffer"/> nor <paramref name="inFlight"/> reads.</summary>
    public void ReleaseUnused(ReadBuffer buffer, ReadOnlyMemory<byte> inFlight)
    {
        for (var i = _held.Count - 1; i >= 0; i--)
        {
            var lease = _held[i];
            if (buffer.Views(lease) || Lies(inFlight, lease)) continue;
            _held.RemoveAt(i);
            ArrayPool<byte>.Shared.Return(lease);
        }
    }

    /// <summary>
    /// The connection ends: what <paramref name="inFlight"/> (a delivery another thread may still copy from) reads is
    /// left to the collector, the rest goes back to the pool.
    /// </summary>
    public void ReleaseAll(ReadOnlyMemory<byte> inFlight)
    {
        foreach (var lease in _held)
            if (!Lies(inFlight, lease)) ArrayPool<byte>.Shared.Return(lease);
        _held.Clear();
    }

    private static bool Lies(ReadOnlyMemory<byte> memory, byte[] array) =>
        !memory.IsEmpty && MemoryMarshal.TryGetArray(memory, out var segment) && ReferenceEquals(segment.Array, array);
}
