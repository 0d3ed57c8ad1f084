using System.IO.Hashing;

namespace ActorTcp.Actors.Upstreams;

/// <summary>
/// rspamd 3.4's <c>hash:</c> selection, bit-exact, so that keys land on the same backends as on rspamd 3.x nodes sharing
/// the same shards: XXH64 of the key with rspamd's seed, a jump hash over all positions (dead ones included), and
/// <c>mum_hash_step</c> to probe again when the position is dead. It depends on the key, the list's length and which
/// positions are alive; never on names, addresses or weights.
/// </summary>
public static class UpstreamHash
{
    /// <summary>rspamd's per-list seed (<c>SEED_CONSTANT</c>), fixed.</summary>
    public const ulong Seed = 0xa574de7df64e9b9d;

    /// <summary>How many positions are probed before the caller falls back to a random alive upstream.</summary>
    public const int Tries = 20;

    // 3.4 wrote `key *= 2862933555777941757ULL + 1`: the paper's "multiply, then add 1" became a multiply by the sum.
    private const ulong JumpMultiplier = 2862933555777941758;

    private const ulong MumHashStepPrime = 0x2e0bb864e9ea7df5;
    private const ulong MumKeyStepPrime = 0xcdb32970830fcaa1;

    /// <summary>XXH64 of <paramref name="key"/> with <see cref="Seed"/>.</summary>
    /// <param name="key">The key's bytes, all of them (NULs included).</param>
    /// <returns>The 64-bit hash.</returns>
    public static ulong HashKey(ReadOnlySpan<byte> key) => XxHash64.HashToUInt64(key, unchecked((long)Seed));

    /// <summary>rspamd 3.4's jump hash of <paramref name="key"/> into <paramref name="buckets"/> buckets, with its precedence slip.</summary>
    /// <param name="key">The hash to place.</param>
    /// <param name="buckets">The number of buckets, at least 1.</param>
    /// <returns>A bucket in 0..<paramref name="buckets"/>-1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="buckets"/> is less than 1.</exception>
    public static int Jump(ulong key, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            key = unchecked(key * JumpMultiplier);
            // The double arithmetic and the truncating conversion are C's, so every step rounds as rspamd's does.
            j = (long)((b + 1) * 2147483648.0 / ((key >> 33) + 1));
        }
        return (int)b;
    }

    /// <summary>The next probe's hash after a dead position: <c>mum_hash_step(hash, Seed)</c>.</summary>
    /// <param name="hash">The hash that met a dead position.</param>
    /// <returns>The hash to probe with next.</returns>
    public static ulong Rehash(ulong hash) => Mum(hash, MumHashStepPrime) ^ Mum(Seed, MumKeyStepPrime);

    /// <summary>
    /// The position <paramref name="key"/> lands on among <c>alive.Length</c> upstreams (creation order, dead included):
    /// up to <see cref="Tries"/> probes, rehashing after each dead position.
    /// </summary>
    /// <param name="key">The key's bytes. Empty means no key: rspamd then picks at random, so this returns -1.</param>
    /// <param name="alive">Whether each position is alive, in creation order; at least one position.</param>
    /// <returns>The position, or -1 when the caller picks a random alive upstream (every probe met a dead one, or no key).</returns>
    /// <exception cref="ArgumentException"><paramref name="alive"/> is empty: there is nothing to pick from.</exception>
    public static int Pick(ReadOnlySpan<byte> key, ReadOnlySpan<bool> alive)
    {
        if (alive.IsEmpty) throw new ArgumentException("Pick needs at least one position.", nameof(alive));
        if (key.IsEmpty) return -1;
        var hash = HashKey(key);
        for (var probe = 0; probe < Tries; probe++)
        {
            var position = Jump(hash, alive.Length);
            if (alive[position]) return position;
            hash = Rehash(hash);
        }
        return -1;
    }

    // mum: the high and low halves of the full 128-bit product, added (mod 2^64).
    private static ulong Mum(ulong value, ulong prime)
    {
        var high = Math.BigMul(value, prime, out var low);
        return unchecked(high + low);
    }
}
