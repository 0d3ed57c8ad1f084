using ActorTcp.LuaApi.Sessions;

namespace ActorTcp.LuaApi.Mime;

/// <summary>
/// The parsed messages whose parts' content Lua may still fetch, by id, each held for its task's session: released when
/// that session ends or when Lua collects the message's handle, whichever comes first. A part fetched after that is a
/// Lua error, not a read of released data.
/// </summary>
internal sealed class HeldMessages
{
    private readonly Dictionary<long, ParsedMessage> _messages = new();
    private readonly Dictionary<long, List<long>> _bySession = new();
    private long _lastId;

    /// <summary>Messages held now.</summary>
    public int Count => _messages.Count;

    /// <summary>
    /// Holds <paramref name="message"/> until <paramref name="session"/> ends; its id. A session that already ended
    /// (null) holds nothing: 0, which <see cref="Find"/> never finds.
    /// </summary>
    public long Hold(ParsedMessage message, LuaSession? session)
    {
        if (session is not { Ended: false }) return 0;
        var id = ++_lastId;
        _messages.Add(id, message);
        if (!_bySession.TryGetValue(session.Id, out var ids)) _bySession.Add(session.Id, ids = []);
        ids.Add(id);
        return id;
    }

    /// <summary>The message held under <paramref name="id"/>; null once released.</summary>
    public ParsedMessage? Find(long id) => _messages.GetValueOrDefault(id);

    /// <summary>Releases one message (its handle was collected); its session's list keeps the id, harmlessly.</summary>
    public void Release(long id) => _messages.Remove(id);

    /// <summary>Releases every message held for <paramref name="session"/>.</summary>
    public void SessionEnded(LuaSession session)
    {
        if (!_bySession.Remove(session.Id, out var ids)) return;
        foreach (var id in ids) _messages.Remove(id);
    }

    /// <summary>Releases everything (the host stops).</summary>
    public void Clear()
    {
        _messages.Clear();
        _bySession.Clear();
    }
}
