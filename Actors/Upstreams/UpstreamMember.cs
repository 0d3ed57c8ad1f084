using System.Net;

namespace ActorTcp.Actors.Upstreams;

/// <summary>
/// One upstream of a list (rspamd's <c>rspamd{upstream}</c>): its definition, and what belongs to the list rather than to
/// the backend: the rotation over its addresses, the errors blamed on each address (<c>fail(true)</c>), and its
/// round-robin credit. Health belongs to the backend (<see cref="Key"/>) and lives in an <see cref="UpstreamTable"/>.
/// </summary>
public sealed class UpstreamMember
{
    private int _index = -1;
    private int[] _addressErrors = [];
    private IReadOnlyList<IPAddress>? _rotated;

    internal UpstreamMember(long id, UpstreamSpec spec)
    {
        Id = id;
        Spec = spec;
        Key = spec.Key;
    }

    /// <summary>Its id within its list.</summary>
    public long Id { get; }

    /// <summary>Its definition.</summary>
    public UpstreamSpec Spec { get; }

    /// <summary>rspamd's <c>get_name()</c>.</summary>
    public string Name => Spec.Name;

    /// <summary>The backend whose health it shares.</summary>
    public string Key { get; }

    /// <summary>Its weight for selection: the element's priority, where 0 counts as 1 so no upstream starves.</summary>
    public int Weight => Math.Max(1, Spec.Weight);

    /// <summary>Smooth weighted round robin credit (list-local).</summary>
    internal long Credit { get; set; }

    /// <summary>Whether it has an address to connect to (a name before its first answer, or an SRV parent, has none).</summary>
    public bool HasAddress(UpstreamTable table) => Spec.Kind switch
    {
        UpstreamKind.Address or UpstreamKind.Unix => true,
        UpstreamKind.Name => table.Addresses(Key) is not null,
        _ => false,
    };

    /// <summary>The address the rotation is at (rspamd's <c>get_port()</c> reads it); null when there is none.</summary>
    public UpstreamAddress? CurrentAddress(UpstreamTable table)
    {
        if (Spec.Kind == UpstreamKind.Unix) return UpstreamAddress.Unix(Spec.Host);
        var addresses = AddressesIn(table);
        if (addresses is null) return null;
        return UpstreamAddress.Of(addresses[Math.Max(_index, 0)], Spec.Port);
    }

    /// <summary>
    /// Moves the rotation on and returns the address it lands on (rspamd's <c>get_addr()</c>, and every request made with
    /// this upstream): the next address, passing over addresses blamed more often than the one just left. The first call
    /// gives the first address. Null when there is none yet.
    /// </summary>
    public UpstreamAddress? NextAddress(UpstreamTable table)
    {
        if (Spec.Kind == UpstreamKind.Unix) return UpstreamAddress.Unix(Spec.Host);
        var addresses = AddressesIn(table);
        if (addresses is null) return null;
        if (_index < 0)
        {
            _index = 0;
        }
        else
        {
            var left = _index;
            var next = (left + 1) % addresses.Count;
            for (var steps = 1; steps < addresses.Count && _addressErrors[next] > _addressErrors[left]; steps++)
                next = (next + 1) % addresses.Count;
            _index = next;
        }
        return UpstreamAddress.Of(addresses[_index], Spec.Port);
    }

    /// <summary><c>fail(true)</c>: the address the rotation is at is blamed, so the rotation passes over it.</summary>
    public void BlameCurrentAddress()
    {
        if (_addressErrors.Length > 0) _addressErrors[Math.Max(_index, 0)]++;
    }

    /// <summary><c>ok()</c>: the address the rotation is at is cleared.</summary>
    public void ClearCurrentAddress()
    {
        if (_addressErrors.Length > 0) _addressErrors[Math.Max(_index, 0)] = 0;
    }

    /// <inheritdoc/>
    public override string ToString() => $"UpstreamMember({Name}, key {Key})";

    private IReadOnlyList<IPAddress>? AddressesIn(UpstreamTable table)
    {
        IReadOnlyList<IPAddress>? addresses = Spec.Kind switch
        {
            UpstreamKind.Address => _rotated ?? [Spec.Address!],
            UpstreamKind.Name => table.Addresses(Key),
            _ => null,
        };
        if (addresses is null) return null;
        if (!ReferenceEquals(addresses, _rotated))
        {
            // New answer for the name: the rotation starts over and blame is forgotten (rspamd keeps it per address).
            _rotated = addresses;
            _addressErrors = new int[addresses.Count];
            _index = -1;
        }
        return addresses;
    }
}
