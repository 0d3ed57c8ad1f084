using System.Text;
using ActorTcp.Actors.Upstreams;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Pool;
using Akka.Actor;

namespace ActorTcp.TestKit;

// Lua: the node's pool of Lua hosts (LuaHostPool, as Akka.Hosting's WithActorTcp starts it), started on first use,
// sharing the kit's connection manager, with upstream health resolving names through the kit's resolver.
public abstract partial class ActorTcpTestKit
{
    /// <summary>Deadline of a run that gives none: its session is then destroyed and the run ends timed out.</summary>
    public static readonly TimeSpan DefaultLuaDeadline = TimeSpan.FromSeconds(10);

    /// <summary>How much longer than its deadline a run's end is waited for.</summary>
    private static readonly TimeSpan LuaReplyMargin = TimeSpan.FromSeconds(5);

    private readonly Lazy<IActorRef> _lua;

    /// <summary>What the Lua hosts printed, every line of every run.</summary>
    protected PrintedLines Printed { get; } = new();

    /// <summary>The Lua hosts' log, every line of every run.</summary>
    protected LuaLogLines LuaLog { get; }

    /// <summary>The pool of Lua hosts (<c>actortcp.lua.hosts</c>, one under <see cref="TestHocon"/>), started on first use.</summary>
    protected IActorRef LuaHosts => _lua.Value;

    /// <summary>
    /// Loads the plugin <paramref name="code"/> into every Lua host (it defines the functions tasks run), as rspamd loads
    /// a plugin into every worker. Ends when every host ran it.
    /// </summary>
    protected Task<LuaRun> LoadPluginAsync(string code, string name = "plugin.lua") =>
        RunAsync(name, DefaultLuaDeadline, replyTo => new LoadPlugin(name, Encoding.UTF8.GetBytes(code), replyTo));

    /// <summary>
    /// Runs the Lua chunk <paramref name="code"/> once, in a session with <paramref name="deadline"/> (default
    /// <see cref="DefaultLuaDeadline"/>), with <paramref name="args"/> as <c>...</c> and <c>arg</c>. Ends when the chunk
    /// returned and nothing it started (requests, sync connections, callbacks) is pending, at its first error, or at
    /// the deadline.
    /// </summary>
    protected Task<LuaRun> RunLuaAsync(string code, string name = "chunk.lua", TimeSpan? deadline = null, params string[] args)
    {
        var after = deadline ?? DefaultLuaDeadline;
        return RunAsync(name, after, replyTo => new RunScript(name, Encoding.UTF8.GetBytes(code), args, replyTo, after));
    }

    /// <summary>
    /// Runs the global function <paramref name="function"/> (defined by a plugin loaded before) for one task holding
    /// <paramref name="fields"/> (strings, byte arrays, integers, numbers, booleans), in a session with
    /// <paramref name="deadline"/> (default <see cref="DefaultLuaDeadline"/>). Its result holds the symbols the task inserted.
    /// </summary>
    protected Task<LuaRun> RunTaskAsync(string function, IReadOnlyDictionary<string, object?>? fields = null, TimeSpan? deadline = null)
    {
        var after = deadline ?? DefaultLuaDeadline;
        return RunAsync(function, after, replyTo => new RunTask(function, fields ?? new Dictionary<string, object?>(), after, replyTo));
    }

    private async Task<LuaRun> RunAsync(string name, TimeSpan deadline, Func<IActorRef, object> message)
    {
        var probe = CreateTestProbe();
        var (printed, logged) = (Printed.Count, LuaLog.Count);
        LuaHosts.Tell(message(probe.Ref), probe.Ref);
        var finished = await probe.ExpectMsgAsync<ScriptFinished>(deadline + LuaReplyMargin, $"waiting for {name} to finish");
        return new LuaRun(finished.Name, finished.Error, finished.TimedOut, finished.InsertedSymbols,
            Printed.LinesAfter(printed), LuaLog.LinesAfter(logged));
    }

    private IActorRef StartLuaHosts()
    {
        var upstreams = Sys.ActorOf(UpstreamsActor.Props(Settings, Resolver), "upstreams");
        var hosts = LuaHostPool.HostsSetting(Sys.Settings.Config);
        return Sys.ActorOf(LuaHostPool.Props(hosts, Manager, Printed, LuaLog, upstreams), "lua");
    }
}
