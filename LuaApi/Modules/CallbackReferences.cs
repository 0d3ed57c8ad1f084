namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// The registry references of a connection's handler callbacks, by handler id. A connection holds one or two at a time
/// (a request's read, a write then a read) and at most its handler limit, so a small array searched in order replaces a
/// <see cref="Dictionary{TKey,TValue}"/>, which cost every idle connection ~180 bytes (BENCHMARKS.md, W4).
/// </summary>
internal sealed class CallbackReferences
{
    private (long HandlerId, int Reference)[]? _entries;
    private int _count;

    /// <summary>How many handlers have a callback.</summary>
    public int Count => _count;

    /// <summary>Sets the callback of <paramref name="handlerId"/> (a new handler, or its callback replaced).</summary>
    public void Set(long handlerId, int reference)
    {
        var at = IndexOf(handlerId);
        if (at >= 0)
        {
            _entries![at].Reference = reference;
            return;
        }
        _entries ??= new (long, int)[2];
        if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
        _entries[_count++] = (handlerId, reference);
    }

    /// <summary>The callback of <paramref name="handlerId"/>, or 0 (no callback).</summary>
    public int Get(long handlerId) => IndexOf(handlerId) is var at and >= 0 ? _entries![at].Reference : 0;

    /// <summary>Removes and returns the callback of <paramref name="handlerId"/>, or 0.</summary>
    public int Take(long handlerId)
    {
        var at = IndexOf(handlerId);
        if (at < 0) return 0;
        var reference = _entries![at].Reference;
        // Order does not matter: the last entry fills the hole.
        _entries[at] = _entries[--_count];
        _entries[_count] = default;
        return reference;
    }

    /// <summary>Releases every reference in <paramref name="runtime"/>'s registry and forgets them all.</summary>
    public void ReleaseAll(LuaRuntime runtime)
    {
        for (var i = 0; i < _count; i++) runtime.Unref(_entries![i].Reference);
        _count = 0;
        _entries = null;
    }

    private int IndexOf(long handlerId)
    {
        for (var i = 0; i < _count; i++)
            if (_entries![i].HandlerId == handlerId) return i;
        return -1;
    }
}
