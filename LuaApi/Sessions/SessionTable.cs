using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Sessions;

/// <summary>
/// The live sessions of one Lua state, the one whose code is running (<see cref="Current"/>), and their
/// <c>rspamd{session}</c> userdata. Sessions whose pending work changed are collected in <see cref="TakeChanged"/> so
/// the host checks only those for their end.
/// </summary>
internal sealed unsafe class SessionTable
{
    /// <summary>The metatable name of session objects, as rspamd names it.</summary>
    public const string Metatable = "rspamd{session}";

    private static ReadOnlySpan<byte> MetatableZ => "rspamd{session}\0"u8;

    private readonly Dictionary<long, LuaSession> _live = new();
    private List<LuaSession> _changed = [];
    private List<LuaSession> _taken = [];
    private long _lastId;

    /// <summary>The session of the code running now (set around every coroutine run); null outside any.</summary>
    public LuaSession? Current { get; set; }

    /// <summary>Raised when a session ended, for modules that hold something for it until then.</summary>
    public event Action<LuaSession>? Closed;

    /// <summary>Sessions not ended.</summary>
    public int Count => _live.Count;

    /// <summary>Starts a session (a plugin task's when <paramref name="isTask"/>: <paramref name="name"/> is its function).</summary>
    public LuaSession Open(string name, Akka.Actor.IActorRef replyTo, long correlation = 0, bool isTask = false)
    {
        var session = new LuaSession(++_lastId, name, replyTo) { Correlation = correlation, IsTask = isTask };
        _live.Add(session.Id, session);
        return session;
    }

    /// <summary>The live session <paramref name="id"/>, or null once it ended.</summary>
    public LuaSession? Find(long id) => _live.GetValueOrDefault(id);

    /// <summary>Marks <paramref name="session"/> as possibly done.</summary>
    public void Changed(LuaSession? session)
    {
        if (session is { Ended: false }) _changed.Add(session);
    }

    /// <summary>
    /// The sessions marked since the last call (each may appear more than once). The list is reused: it is valid until
    /// the next call.
    /// </summary>
    public List<LuaSession> TakeChanged()
    {
        (_taken, _changed) = (_changed, _taken);
        _changed.Clear();
        return _taken;
    }

    /// <summary>Removes an ended session and releases its userdata anchor (the userdata itself stays valid, refused).</summary>
    public void Close(LuaRuntime runtime, LuaSession session)
    {
        session.Ended = true;
        _live.Remove(session.Id);
        runtime.Unref(session.ObjectRef);
        session.ObjectRef = 0;
        Closed?.Invoke(session);
    }

    /// <summary>Pushes the <c>rspamd{session}</c> userdata of <paramref name="session"/> (one per session).</summary>
    public void Push(IntPtr L, LuaSession session)
    {
        if (session.ObjectRef > 0)
        {
            lua_rawgeti(L, LUA_REGISTRYINDEX, session.ObjectRef);
            return;
        }
        var block = (long*)lua_newuserdatauv(L, sizeof(long), 0);
        *block = session.Id;
        luaL_setmetatable(L, Metatable);
        lua_pushvalue(L, -1);
        session.ObjectRef = luaL_ref(L, LUA_REGISTRYINDEX);
    }

    /// <summary>
    /// The session a request names at <paramref name="idx"/>: (true, session) for an <c>rspamd{session}</c> userdata
    /// (session null when that session ended), (false, null) for any other value.
    /// </summary>
    public (bool IsSession, LuaSession? Session) At(IntPtr L, int idx)
    {
        var block = (long*)TestUdata(L, idx, MetatableZ);
        return block is null ? (false, null) : (true, Find(*block));
    }

    /// <summary>Creates the session metatable and stores it as <c>raw.session_mt</c> in the table at the top of the stack.</summary>
    public static void Register(IntPtr L)
    {
        luaL_newmetatable(L, Metatable);
        lua_setfield(L, -2, "session_mt");
    }
}
