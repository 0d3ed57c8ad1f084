using System.Net;
using System.Text;
using ActorTcp.Actors.Upstreams;
using Xunit;

namespace ActorTcp.Tests.Upstreams.Units;

/// <summary>Choosing an upstream of a list: rspamd's rotations over a health table, with time and randomness passed in.</summary>
public class UpstreamListTests
{
    private const long Now = 1_000_000 * TimeSpan.TicksPerSecond;
    private readonly UpstreamTable _table = new(UpstreamLimits.Default, origin: 7);
    private readonly List<UpstreamChange> _changes = [];
    private readonly List<BackendHealth> _reports = [];

    private static UpstreamSpec Ip(int last, int weight = 0) =>
        new($"127.0.0.{last}:{last}", UpstreamKind.Address, $"127.0.0.{last}", last, weight, IPAddress.Parse($"127.0.0.{last}"));

    private static UpstreamList List(UpstreamRotation? rotation, params UpstreamSpec[] specs) =>
        new(new UpstreamDefinition(rotation, specs, []), "test-line");

    private string? Pick(UpstreamList list, UpstreamRotation method = UpstreamRotation.RoundRobin, string key = "") =>
        list.Select(method, Encoding.UTF8.GetBytes(key), _table, Now, new Random(1), _changes, _reports, out _)?.Spec.Host;

    private string Picks(UpstreamList list, int n, UpstreamRotation method = UpstreamRotation.RoundRobin) =>
        string.Join(" ", Enumerable.Range(0, n).Select(_ => Pick(list, method)![^1..]));

    private void Kill(UpstreamSpec spec)
    {
        for (var i = 0; i < 4; i++) _table.Fail(spec.Key, Now, null);
        Assert.False(_table.IsAlive(spec.Key, Now));
    }

    [Fact]
    public void Round_robin_without_weights_rotates_in_list_order()
    {
        Assert.Equal("1 2 3 1 2 3", Picks(List(null, Ip(1), Ip(2), Ip(3)), 6));
    }

    [Fact]
    public void Round_robin_honours_weights_in_the_long_run_and_interleaves()
    {
        var list = List(null, Ip(1, 3), Ip(2, 1));

        var picks = Picks(list, 400).Split(' ');

        Assert.Equal(300, picks.Count(p => p == "1"));
        Assert.Equal("1 1 2 1", string.Join(" ", picks.Take(4)));
    }

    [Fact]
    public void Round_robin_skips_dead_upstreams()
    {
        var two = Ip(2);
        Kill(two);

        Assert.Equal("1 3 1 3", Picks(List(null, Ip(1), two, Ip(3)), 4));
    }

    [Fact]
    public void When_every_upstream_is_dead_a_choice_revives_them_all_and_says_so()
    {
        var (one, two) = (Ip(1), Ip(2));
        Kill(one);
        Kill(two);
        var list = List(null, one, two);

        var chosen = list.Select(UpstreamRotation.RoundRobin, default, _table, Now, new Random(1), _changes, _reports, out var warning);

        Assert.NotNull(chosen);
        Assert.Equal("there are no alive upstreams left for test-line, revive all of them", warning);
        Assert.True(_table.IsAlive(one.Key, Now) && _table.IsAlive(two.Key, Now));
        Assert.Equal([one.Key, two.Key], _reports.Select(r => r.Key));
        Assert.Equal(2, _changes.Count(c => c.Event == UpstreamEvent.Online));
    }

    [Fact]
    public void A_list_of_one_upstream_returns_it_even_dead_without_reviving_it()
    {
        var one = Ip(1);
        Kill(one);

        Assert.Equal("127.0.0.1", Pick(List(null, one)));
        Assert.False(_table.IsAlive(one.Key, Now));
        Assert.Empty(_reports);
    }

    [Fact]
    public void An_empty_list_gives_nothing_for_every_method()
    {
        var empty = List(null);
        foreach (var method in Enum.GetValues<UpstreamRotation>()) Assert.Null(Pick(empty, method, "key"));
    }

    [Fact]
    public void Master_slave_takes_the_first_alive_upstream_without_weights_and_the_heaviest_with()
    {
        var one = Ip(1);
        Assert.Equal("1 1 1", Picks(List(null, one, Ip(2), Ip(3)), 3, UpstreamRotation.MasterSlave));
        Assert.Equal("2 2 2", Picks(List(null, Ip(1, 5), Ip(2, 10), Ip(3, 1)), 3, UpstreamRotation.MasterSlave));

        Kill(one);
        Assert.Equal("2 2 2", Picks(List(null, one, Ip(2), Ip(3)), 3, UpstreamRotation.MasterSlave));
    }

    [Fact]
    public void The_list_prefix_overrides_the_method_called()
    {
        Assert.Equal("1 1 1", Picks(List(UpstreamRotation.MasterSlave, Ip(1), Ip(2)), 3, UpstreamRotation.RoundRobin));
        Assert.Equal("1 2 1", Picks(List(UpstreamRotation.RoundRobin, Ip(1), Ip(2)), 3, UpstreamRotation.MasterSlave));
        var hashed = List(UpstreamRotation.Hash, Ip(1), Ip(2), Ip(3));
        var byKey = Enumerable.Range(0, 5).Select(_ => Pick(hashed, UpstreamRotation.RoundRobin, "key1")).Distinct();
        Assert.Single(byKey);
    }

    [Fact]
    public void Hash_lands_keys_where_rspamd_34_does()
    {
        // rspamd 3.4's positions of key0..key39 over 3 upstreams.
        const string expected = "1200221100221221020001111101000002212021";
        var list = List(null, Ip(1), Ip(2), Ip(3));

        var positions = string.Concat(Enumerable.Range(0, 40).Select(i =>
            (int.Parse(Pick(list, UpstreamRotation.Hash, $"key{i}")![^1..]) - 1).ToString()));

        Assert.Equal(expected, positions);
    }

    [Fact]
    public void Hash_moves_only_the_keys_of_a_dead_upstream_and_brings_them_back_when_it_revives()
    {
        var three = Ip(3);
        var list = List(null, Ip(1), Ip(2), three);
        var keys = Enumerable.Range(0, 200).Select(i => $"key{i}").ToArray();
        var before = keys.Select(k => Pick(list, UpstreamRotation.Hash, k)).ToArray();

        Kill(three);
        var during = keys.Select(k => Pick(list, UpstreamRotation.Hash, k)).ToArray();
        _table.Revive(three.Key, Now, null);
        var after = keys.Select(k => Pick(list, UpstreamRotation.Hash, k)).ToArray();

        for (var i = 0; i < keys.Length; i++)
        {
            if (before[i] != "127.0.0.3") Assert.Equal(before[i], during[i]);
            else Assert.NotEqual("127.0.0.3", during[i]);
        }
        Assert.Equal(before, after);
    }

    [Fact]
    public void Hash_with_an_empty_key_picks_at_random_among_the_alive()
    {
        var list = List(null, Ip(1), Ip(2), Ip(3));
        var seen = Enumerable.Range(0, 60)
            .Select(i => list.Select(UpstreamRotation.Hash, default, _table, Now, new Random(i), _changes, _reports, out _)!.Spec.Host)
            .Distinct().Count();
        Assert.Equal(3, seen);
    }

    [Fact]
    public void Random_is_roughly_uniform_over_the_alive()
    {
        var list = List(UpstreamRotation.Random, Ip(1), Ip(2), Ip(3));
        var random = new Random(42);
        var counts = Enumerable.Range(0, 3000)
            .Select(n => list.Select(UpstreamRotation.RoundRobin, default, _table, Now, random, _changes, _reports, out _)!.Spec.Host)
            .GroupBy(h => h).Select(g => g.Count()).ToArray();

        Assert.Equal(3, counts.Length);
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }

    [Fact]
    public void A_name_without_an_answer_is_not_chosen_until_its_addresses_arrive()
    {
        var name = new UpstreamSpec("backend.test:25", UpstreamKind.Name, "backend.test", 25, 0);
        var list = List(null, name, Ip(2));

        Assert.Equal("2 2 2", Picks(list, 3));
        _table.SetAddresses(name.Key, [IPAddress.Parse("127.0.0.9"), IPAddress.Parse("::1")]);
        Assert.Equal("backend.test", Pick(list));
    }

    [Fact]
    public void An_answered_srv_element_is_replaced_by_its_targets()
    {
        var service = new UpstreamSpec("_smtp._tcp.example.test", UpstreamKind.Service, "_smtp._tcp.example.test", 0, 0);
        var list = List(null, Ip(1), service);
        Assert.Equal(["127.0.0.1:1", "_smtp._tcp.example.test"], list.Members(_table).Select(m => m.Name));

        var a = new UpstreamSpec("a.example.test:2525", UpstreamKind.Name, "a.example.test", 2525, 5);
        var b = new UpstreamSpec("b.example.test:2526", UpstreamKind.Name, "b.example.test", 2526, 5);
        _table.SetTargets(service.Key, [a, b]);
        _table.SetAddresses(a.Key, [IPAddress.Parse("127.0.0.5")]);

        Assert.Equal(["127.0.0.1:1", "a.example.test:2525", "b.example.test:2526"], list.Members(_table).Select(m => m.Name));
        // a's SRV weight 5 against 1: smooth round robin gives it five picks in six; b has no address yet.
        Assert.Equal("a a 1 a a a", string.Join(" ", Enumerable.Range(0, 6).Select(_ => Pick(list)![..1])));
    }

    [Fact]
    public void The_address_rotation_passes_over_a_blamed_address()
    {
        var name = new UpstreamSpec("multi.test:25", UpstreamKind.Name, "multi.test", 25, 0);
        _table.SetAddresses(name.Key, [IPAddress.Parse("127.0.0.11"), IPAddress.Parse("127.0.0.12"), IPAddress.Parse("::1")]);
        var member = List(null, name).Members(_table)[0];
        string Next() => member.NextAddress(_table)!.Format(withPort: false);

        Assert.Equal(["127.0.0.11", "127.0.0.12", "::1", "127.0.0.11", "127.0.0.12"], Enumerable.Range(0, 5).Select(_ => Next()));
        member.BlameCurrentAddress(); // .12
        Assert.Equal(["::1", "127.0.0.11", "::1", "127.0.0.11"], Enumerable.Range(0, 4).Select(_ => Next()));
        Assert.Equal("[::1]:25", member.NextAddress(_table)!.Format(withPort: true));
    }
}
