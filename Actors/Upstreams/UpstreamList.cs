namespace ActorTcp.Actors.Upstreams;

/// <summary>
/// An upstream list (rspamd's <c>rspamd{upstream_list}</c>): its upstreams in definition order, with SRV elements
/// expanded into their targets, and the choice of one by rspamd's rotations. Pure: health and addresses come from the
/// <see cref="UpstreamTable"/> passed in, time from the caller, randomness from the <see cref="Random"/> passed in.
/// Used from one thread at a time.
/// </summary>
/// <remarks>
/// A choice goes: no upstream with an address gives null; a list with one such upstream gives it, dead or not; when
/// every one is dead they are all revived (rspamd's "revive all"); then the list's prefix, if any, overrides the method
/// asked for. Round robin is smooth weighted (shares follow the weights, as rspamd 4.0+), master-slave takes the first
/// of the highest weight, hash is rspamd 3.4's bit for bit (<see cref="UpstreamHash"/>; an empty key picks at random),
/// random is uniform.
/// </remarks>
public sealed class UpstreamList
{
    private readonly List<UpstreamMember> _static = [];
    private readonly bool _hasServices;
    private readonly Dictionary<string, UpstreamMember> _targets = new(StringComparer.Ordinal);
    private readonly List<UpstreamMember> _alive = [];
    private List<UpstreamMember> _expanded = [];
    private int _expandedVersion = -1;
    private long _lastId;

    /// <summary>A list of <paramref name="definition"/>'s upstreams; <paramref name="line"/> names it in log lines.</summary>
    public UpstreamList(UpstreamDefinition definition, string? line)
    {
        Rotation = definition.Rotation;
        Line = line ?? "(NULL)";
        foreach (var spec in definition.Members)
        {
            _static.Add(new UpstreamMember(++_lastId, spec));
            _hasServices |= spec.Kind == UpstreamKind.Service;
        }
        _expanded = _static;
    }

    /// <summary>The rotation the definition's prefix set; null when the method called decides.</summary>
    public UpstreamRotation? Rotation { get; }

    /// <summary>The definition the list was made from, for log lines (<c>(NULL)</c> for a list made from an empty table).</summary>
    public string Line { get; }

    /// <summary>
    /// The upstreams in definition order, each answered SRV element replaced by its targets (an unanswered one stays, with
    /// no address), dead ones included (rspamd's <c>all_upstreams()</c>).
    /// </summary>
    public IReadOnlyList<UpstreamMember> Members(UpstreamTable table)
    {
        if (!_hasServices || _expandedVersion == table.TargetsVersion) return _expanded;
        var expanded = new List<UpstreamMember>();
        foreach (var member in _static)
        {
            if (member.Spec.Kind != UpstreamKind.Service || table.Targets(member.Key) is not { } targets)
            {
                expanded.Add(member);
                continue;
            }
            foreach (var target in targets)
            {
                // The same member object for the same target keeps its rotation and credit across answers.
                if (!_targets.TryGetValue(target.Key, out var known))
                    _targets.Add(target.Key, known = new UpstreamMember(++_lastId, target));
                expanded.Add(known);
            }
        }
        _expanded = expanded;
        _expandedVersion = table.TargetsVersion;
        return _expanded;
    }

    /// <summary>The member with id <paramref name="id"/>, or null when it is no longer part of the list.</summary>
    public UpstreamMember? Find(long id, UpstreamTable table)
    {
        foreach (var member in Members(table))
            if (member.Id == id) return member;
        return null;
    }

    /// <summary>
    /// Chooses an upstream by <paramref name="method"/> (the list's prefix overrides it); <paramref name="hashKey"/> is the
    /// key of a hash choice. Revivals it makes are applied to <paramref name="table"/> and added to
    /// <paramref name="reports"/> (to tell the owner), their watcher events to <paramref name="changes"/>. Returns null
    /// when no upstream has an address; <paramref name="warning"/> says what rspamd would log (all revived, hash fell back).
    /// </summary>
    public UpstreamMember? Select(UpstreamRotation method, ReadOnlySpan<byte> hashKey, UpstreamTable table, long now,
        Random random, ICollection<UpstreamChange> changes, ICollection<BackendHealth> reports, out string? warning)
    {
        warning = null;
        var members = Members(table);
        _alive.Clear();
        UpstreamMember? only = null;
        var selectable = 0;
        foreach (var member in members)
        {
            if (!member.HasAddress(table)) continue;
            selectable++;
            only = member;
            if (table.IsAlive(member.Key, now, changes)) _alive.Add(member);
        }
        if (selectable <= 1) return only;

        if (_alive.Count == 0)
        {
            warning = $"there are no alive upstreams left for {Line}, revive all of them";
            foreach (var member in members)
            {
                if (!member.HasAddress(table)) continue;
                if (table.Revive(member.Key, now, changes) is { } revived) reports.Add(revived);
                _alive.Add(member);
            }
        }
        if (_alive.Count == 1) return _alive[0];

        var rotation = Rotation ?? method;
        if (rotation == UpstreamRotation.Hash && hashKey.IsEmpty) rotation = UpstreamRotation.Random;
        return rotation switch
        {
            UpstreamRotation.RoundRobin => RoundRobin(),
            UpstreamRotation.MasterSlave => Master(),
            UpstreamRotation.Hash => Hashed(hashKey, members, table, random, out warning),
            _ => _alive[random.Next(_alive.Count)],
        };
    }

    /// <summary>Smooth weighted round robin (nginx's): each alive upstream earns its weight, the richest is chosen and pays the total.</summary>
    private UpstreamMember RoundRobin()
    {
        UpstreamMember best = _alive[0];
        long total = 0;
        foreach (var member in _alive)
        {
            member.Credit += member.Weight;
            total += member.Weight;
            if (member.Credit > best.Credit) best = member;
        }
        best.Credit -= total;
        return best;
    }

    private UpstreamMember Master()
    {
        var best = _alive[0];
        foreach (var member in _alive)
            if (member.Weight > best.Weight) best = member;
        return best;
    }

    private UpstreamMember Hashed(ReadOnlySpan<byte> key, IReadOnlyList<UpstreamMember> members, UpstreamTable table,
        Random random, out string? warning)
    {
        // Positions are all upstreams in definition order, dead ones included: keys land where rspamd 3.4 puts them.
        Span<bool> alive = members.Count <= 256 ? stackalloc bool[members.Count] : new bool[members.Count];
        for (var i = 0; i < members.Count; i++) alive[i] = _alive.Contains(members[i]);
        var position = UpstreamHash.Pick(key, alive);
        if (position >= 0)
        {
            warning = null;
            return members[position];
        }
        var chosen = _alive[random.Next(_alive.Count)];
        warning = $"failed to find hashed upstream for {Line}, fallback to random: {chosen.Name}";
        return chosen;
    }
}
