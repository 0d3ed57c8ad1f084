using ActorTcp.Actors.Connection;
using ActorTcp.LuaApi.Sessions;

namespace ActorTcp.LuaApi.Modules;

// Destroying a session (its deadline passed, or its body failed): as rspamd's session finaliser does, its
// connections are aborted without calling any callback (tcp.c:437-494) and their Lua references released at once.
internal sealed partial class TcpModule
{
    /// <summary><c>request</c> on a session that was destroyed (tcp.c:2112-2122). Verbatim rspamd.</summary>
    internal const string SessionBlocked = "async session is the blocked state";

    /// <summary><c>connect_sync</c> on a session that was destroyed (tcp.c:2323-2332). Verbatim rspamd.</summary>
    internal const string SessionDestroyed = "Session is being destroyed, requests are not allowed";

    /// <summary>
    /// Aborts every connection of <paramref name="session"/> without callbacks, abandons the coroutines of the session
    /// suspended in the sync API (on its own connections or any other), and releases the Lua references they held.
    /// </summary>
    public void Destroy(LuaRuntime runtime, LuaSession session)
    {
        List<LuaConnection>? strangers = null;
        // A snapshot: abandoning a coroutine closes its thread, which runs its pending <close> handlers, and those may
        // start requests (a change to the connection table the loop would trip over).
        foreach (var connection in _connections.Values.ToArray())
        {
            if (connection.Abandoned) continue;
            var owned = ReferenceEquals(connection.Session, session);
            if (connection.Waiting is { } waiting)
            {
                if (ReferenceEquals(waiting.Session, session))
                {
                    runtime.Coroutines.Abandon(waiting); // forgets it here too
                }
                else if (owned)
                {
                    // Another session's coroutine waits on this one's connection: it is told, not abandoned.
                    (strangers ??= []).Add(connection);
                }
            }
            if (!owned) continue;
            connection.Abandoned = true;
            connection.Closing = true;
            ReleaseReferences(runtime, connection);
            // Without an actor yet (resolving), the close goes out when ConnectionStarted arrives.
            Tell(connection, CloseConnection.Destroyed);
        }
        // Resumed last: the Lua they run may start requests (changing the connection table).
        foreach (var connection in strangers ?? [])
            ResumeWaiting(runtime, connection, co => PushFailure(co, SessionDestroyed));
    }

    /// <summary>The events of an abandoned connection: none reaches Lua; the entry goes when the actor has stopped.</summary>
    private void OnAbandonedEvent(LuaConnection connection, IConnectionEvent e)
    {
        switch (e)
        {
            case ConnectionStarted started:
                connection.Actor = started.Connection;
                started.Connection.Tell(CloseConnection.Destroyed, Host);
                break;
            case ConnectionClosed:
                _connections.Remove(connection.Id);
                break;
        }
    }
}
