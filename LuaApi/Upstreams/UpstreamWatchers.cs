using ActorTcp.Actors.Upstreams;
using Akka.Actor;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Upstreams;

/// <summary>Asks the Lua host to run upstream watchers left over from a busy message (one callback turn each).</summary>
public sealed class RunUpstreamWatchers
{
    /// <summary>The instance.</summary>
    public static readonly RunUpstreamWatchers Instance = new();
    private RunUpstreamWatchers() { }
}

// Watchers (add_watcher): an event of a backend fires the watchers of every list of this host that names it, each as a
// callback turn of its own after the code that caused it returned (rspamd calls them inside ok()/fail() and then clears
// the caller's stack). An error in one is logged and the others still run.
internal sealed partial class UpstreamModule
{
    private readonly Queue<PendingWatch> _pending = new();

    private readonly record struct PendingWatch(long List, long Member, UpstreamEvent Event, int Errors, int Function);

    /// <summary>The name rspamd gives an event (the watcher's first argument).</summary>
    private static string EventName(UpstreamEvent e) => e switch
    {
        UpstreamEvent.Success => "success",
        UpstreamEvent.Failure => "failure",
        UpstreamEvent.Online => "online",
        _ => "offline",
    };

    /// <summary>Turns the events collected in <see cref="_changes"/> into watcher calls (run by <see cref="RunWatchers"/>).</summary>
    private void QueueWatchers()
    {
        if (_changes.Count == 0) return;
        foreach (var change in _changes)
        {
            var bit = 1 << (int)change.Event;
            foreach (var list in _lists.Values)
            {
                if (list.Watchers.Count == 0) continue;
                foreach (var member in list.List.Members(Table))
                {
                    if (!string.Equals(member.Key, change.Key, StringComparison.Ordinal)) continue;
                    foreach (var watcher in list.Watchers)
                        if ((watcher.Events & bit) != 0)
                            _pending.Enqueue(new PendingWatch(list.Id, member.Id, change.Event, change.Errors, watcher.Function));
                }
            }
        }
        _changes.Clear();
    }

    /// <summary>
    /// Runs the queued watchers, <c>cb(event, upstream, errors)</c>, each in a pooled coroutine of its own. The host calls
    /// it after every message it handled, so watchers run once the code that caused their events has returned, and
    /// before the host looks for sessions that are done. Bounded: events that watchers cause run in a few more passes,
    /// and what is left after those goes to a later message.
    /// </summary>
    public void RunWatchers(LuaRuntime runtime)
    {
        for (var pass = 0; pass < 4 && _pending.Count > 0; pass++)
            for (var n = _pending.Count; n > 0 && _pending.TryDequeue(out var watch); n--) Run(runtime, watch);
        if (_pending.Count > 0) Host.Tell(RunUpstreamWatchers.Instance, Host);
    }

    private void Run(LuaRuntime runtime, PendingWatch watch)
    {
        // The list was collected (its watchers with it) or the upstream left it: nothing to call.
        if (!_lists.TryGetValue(watch.List, out var list) || list.List.Find(watch.Member, Table) is not { } member) return;
        var co = runtime.Coroutines.Rent();
        var L = co.L;
        lua_rawgeti(L, LUA_REGISTRYINDEX, _listObjects);
        var listType = lua_rawgeti(L, -1, watch.List);
        lua_remove(L, -2);
        if (listType != LUA_TUSERDATA)
        {
            lua_settop(L, 0);
            runtime.Coroutines.Release(co);
            return;
        }
        runtime.PushRef(L, watch.Function);
        PushText(L, EventName(watch.Event));
        PushUpstream(L, 1, list, member);
        lua_pushinteger(L, watch.Errors);
        lua_remove(L, 1);
        runtime.Coroutines.RunCallback(co, 3, "watch function for upstream");
    }
}
