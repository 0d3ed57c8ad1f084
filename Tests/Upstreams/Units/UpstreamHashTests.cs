using System.Text;
using ActorTcp.Actors.Upstreams;
using Xunit;

namespace ActorTcp.Tests.Upstreams.Units;

/// <summary>
/// rspamd 3.4's hash selection, against vectors that rspamd 3.4 produced (the XXH64 values, positions, the rehash step and
/// the 40-key strings for all-alive lists) and vectors generated with rspamd 3.4's selection model (a Python module,
/// rspamd34_upstream_model) for lists with dead positions; each such test gives the command that printed its literals,
/// run in the model's folder.
/// </summary>
public class UpstreamHashTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData("key0", 0x022f709853fd36b4UL)]
    [InlineData("key1", 0x64594db2c5a26236UL)]
    [InlineData("example.com", 0x003fc93445a11b62UL)]
    [InlineData("user@example.com", 0x3c750227c164345cUL)]
    public void A_key_hashes_to_rspamds_XXH64_with_its_seed(string key, ulong expected)
    {
        Assert.Equal(expected, UpstreamHash.HashKey(B(key)));
    }

    // python3 -c "import rspamd34_upstream_model as m; print([hex(m.xxh64(k,m.SEED)) for k in (b'',b'a\0b',bytes(range(40)))])"
    // The last key takes XXH64's path for 32 bytes or more.
    [Fact]
    public void Empty_keys_keys_with_NULs_and_keys_of_32_bytes_or_more_hash_as_XXH64_does()
    {
        Assert.Equal(0xe66dcad077459072UL, UpstreamHash.HashKey([]));
        Assert.Equal(0xd4f5f5574b530cdbUL, UpstreamHash.HashKey("a\0b"u8));
        Assert.Equal(0xae0e8f0c5877490bUL, UpstreamHash.HashKey(Enumerable.Range(0, 40).Select(i => (byte)i).ToArray()));
    }

    [Theory]
    [InlineData(0x022f709853fd36b4UL, 1, 1, 1, 4)]
    [InlineData(0x64594db2c5a26236UL, 0, 2, 3, 3)]
    [InlineData(0x003fc93445a11b62UL, 0, 2, 2, 2)]
    [InlineData(0x3c750227c164345cUL, 1, 1, 1, 1)]
    public void The_jump_hash_puts_a_hash_in_rspamd_34s_bucket_for_2_to_5_buckets(ulong hash, int n2, int n3, int n4, int n5)
    {
        Assert.Equal([n2, n3, n4, n5], new[] { 2, 3, 4, 5 }.Select(n => UpstreamHash.Jump(hash, n)));
    }

    [Fact]
    public void The_jump_hash_of_one_bucket_is_that_bucket()
    {
        Assert.Equal(0, UpstreamHash.Jump(0x022f709853fd36b4UL, 1));
    }

    [Fact]
    public void The_jump_hash_refuses_zero_buckets()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => UpstreamHash.Jump(1, 0));
    }

    [Fact]
    public void A_rehash_is_rspamds_mum_hash_step_with_the_seed()
    {
        Assert.Equal(0x7bee2818479f8e4bUL, UpstreamHash.Rehash(0x022f709853fd36b4UL));
    }

    // The hash of each probe for key11 and its bucket among 5:
    // python3 -c "import rspamd34_upstream_model as m
    // h=m.xxh64(b'key11',m.SEED)
    // for _ in range(6): print(hex(h), m.consistent_hash_34(h,5)); h=m.mum_hash_step(h,m.SEED)"
    [Fact]
    public void Successive_rehashes_follow_rspamds_chain()
    {
        ulong[] chain = [0xcebf4d9f1f52ea39, 0x7fd4f4cf1f821a93, 0x38165e73b7682b7f, 0x553ea32285e77856, 0x257c92af043953cf, 0x956aebe658abe350];
        int[] buckets = [3, 3, 3, 1, 1, 0];

        Assert.Equal(chain[0], UpstreamHash.HashKey(B("key11")));
        for (var i = 0; i < chain.Length; i++)
        {
            Assert.Equal(buckets[i], UpstreamHash.Jump(chain[i], 5));
            if (i + 1 < chain.Length) Assert.Equal(chain[i + 1], UpstreamHash.Rehash(chain[i]));
        }
    }

    [Theory]
    [InlineData(3, "1200221100221221020001111101000002212021")]
    [InlineData(5, "4334221103431321424044111101430003243021")]
    public void Keys_key0_to_key39_land_where_rspamd_34_put_them_when_all_are_alive(int count, string expected)
    {
        Assert.Equal(expected, Positions(count, []));
    }

    // python3 -c "import rspamd34_upstream_model as m; print(''.join('x' if (i:=m.get_hashed_34(b'key%d'%k,3,{0,2})) is None else str(i) for k in range(40)))"
    // and the same with 5,{0,2,4} ('x' would be the random fallback). key21 and key35 need 3 rehashes among 3, key11 5 among 5.
    [Theory]
    [InlineData(3, new[] { 1 }, "2200222000222222020000202202000002222022")]
    [InlineData(5, new[] { 1, 3 }, "4244222000402422424044204202420004242024")]
    public void Keys_of_a_dead_position_move_where_rspamd_34_rehashes_them(int count, int[] dead, string expected)
    {
        Assert.Equal(expected, Positions(count, dead));
    }

    [Fact]
    public void Keys_of_alive_positions_stay_put_when_another_position_dies()
    {
        var allAlive = Positions(5, []);
        var twoDead = Positions(5, [1, 3]);

        for (var i = 0; i < allAlive.Length; i++)
            if (allAlive[i] is not ('1' or '3')) Assert.Equal(allAlive[i], twoDead[i]);
    }

    // python3 -c "import rspamd34_upstream_model as m; print([m.get_hashed_34(b'key%d'%k,5,{4}) for k in (279,104)])"
    // gives [4, None]: key279 is found on the 20th and last probe (19 rehashes), key104 misses on all 20.
    [Fact]
    public void The_twentieth_probe_still_counts()
    {
        Assert.Equal(4, UpstreamHash.Pick(B("key279"), [false, false, false, false, true]));
    }

    [Fact]
    public void A_key_whose_twenty_probes_all_meet_dead_positions_asks_for_a_random_pick()
    {
        Assert.Equal(-1, UpstreamHash.Pick(B("key104"), [false, false, false, false, true]));
    }

    [Fact]
    public void A_single_dead_position_asks_for_a_random_pick()
    {
        Assert.Equal(-1, UpstreamHash.Pick(B("key0"), [false]));
    }

    [Fact]
    public void An_empty_key_asks_for_a_random_pick_as_rspamd_does_without_a_key()
    {
        Assert.Equal(-1, UpstreamHash.Pick([], [true, true, true]));
    }

    [Fact]
    public void Picking_among_zero_positions_is_refused()
    {
        Assert.Throws<ArgumentException>(() => UpstreamHash.Pick(B("key0"), []));
    }

    private static string Positions(int count, int[] dead)
    {
        var alive = Enumerable.Range(0, count).Select(i => !dead.Contains(i)).ToArray();
        var text = new StringBuilder();
        for (var i = 0; i < 40; i++)
        {
            var position = UpstreamHash.Pick(B($"key{i}"), alive);
            text.Append(position < 0 ? 'x' : (char)('0' + position));
        }
        return text.ToString();
    }
}
