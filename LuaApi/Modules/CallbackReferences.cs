using System.Diagnostics.CodeAnalysis;

namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// The registry references of a connection's handler callbacks, by handler id. A connection holds one or two at a time
/// (a request's read, a write then a read) and at most its handler limit: the first is kept inline and the rest in a
/// small array searched in order. A <see cref="Dictionary{TKey,TValue}"/> cost every idle connection ~180 bytes, an
/// object with an array ~90 (BENCHMARKS.md, W4). A mutable struct kept in its connection's field: never copy it.
/// </summary>
internal struct CallbackReferences
{
    private (long HandlerId, int Reference) _first;
    // Entries 1.._count-1, at index - 1.
    private (long HandlerId, int Reference)[]? _rest;
    private int _count;

    /// <summary>How many handlers have a callback.</summary>
    public readonly int Count => _count;

    /// <summary>Sets the callback of <paramref name="handlerId"/> (a new handler, or its callback replaced).</summary>
    public void Set(long handlerId, int reference)
    {
        var at = IndexOf(handlerId);
        if (at < 0)
        {
            at = _count++;
            if (at > 0)
            {
                _rest ??= new (long, int)[2];
                if (at > _rest.Length) Array.Resize(ref _rest, _rest.Length * 2);
            }
        }
        Entry(at) = (handlerId, reference);
    }

    /// <summary>The callback of <paramref name="handlerId"/>, or 0 (no callback).</summary>
    public int Get(long handlerId) => IndexOf(handlerId) is var at and >= 0 ? Entry(at).Reference : 0;

    /// <summary>Removes and returns the callback of <paramref name="handlerId"/>, or 0.</summary>
    public int Take(long handlerId)
    {
        var at = IndexOf(handlerId);
        if (at < 0) return 0;
        var reference = Entry(at).Reference;
        // Order does not matter: the last entry fills the hole.
        var last = --_count;
        Entry(at) = Entry(last);
        Entry(last) = default;
        return reference;
    }

    /// <summary>Releases every reference in <paramref name="runtime"/>'s registry and forgets them all.</summary>
    public void ReleaseAll(LuaRuntime runtime)
    {
        for (var i = 0; i < _count; i++) runtime.Unref(Entry(i).Reference);
        this = default;
    }

    [UnscopedRef]
    private ref (long HandlerId, int Reference) Entry(int at) => ref at == 0 ? ref _first : ref _rest![at - 1];

    private int IndexOf(long handlerId)
    {
        for (var i = 0; i < _count; i++)
            if (Entry(i).HandlerId == handlerId) return i;
        return -1;
    }
}
