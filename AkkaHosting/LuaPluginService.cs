using System.Diagnostics;
using System.Text;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Pool;
using Akka.Actor;
using Akka.Hosting;

namespace ActorTcp.Hosting;

/// <summary>
/// Runs Lua plugins (a file or a chunk) in the Lua host that <see cref="ActorTcpHostingExtensions.WithActorTcp"/> started,
/// and completes when the plugin is done: its body returned and no request, sync connection or callback it started is
/// pending (rspamadm's session rule), or at once on a Lua error. Register it with
/// <see cref="LuaPluginServiceCollectionExtensions.AddLuaPlugins"/>; inject it where plugins are run. Thread-safe.
/// </summary>
/// <remarks>
/// The node has a pool of Lua hosts (<c>actortcp.lua.hosts</c>), each with its own Lua state and thread. A plugin
/// (<see cref="LoadPluginAsync"/>) is loaded into every host, in order, so each can run its functions; a script
/// (<see cref="RunFileAsync"/>, <see cref="RunChunkAsync(string, string, IReadOnlyList{string}?, CancellationToken)"/>)
/// and a task (<see cref="RunTaskAsync"/>) run once, on the host running the fewest sessions. Globals a script sets are
/// seen by later code on the same host only. Cancelling stops the wait only: what the plugin started goes on until its
/// own timeouts.
/// </remarks>
public sealed class LuaPluginService(IReadOnlyActorRegistry registry, ActorSystem system)
{
    /// <summary>
    /// Reads <paramref name="path"/> and loads it into every Lua host (it defines plugin functions, as rspamd loads a
    /// plugin into every worker). Completes when every host ran it; the result holds the first host's error, if any.
    /// </summary>
    public async Task<LuaPluginResult> LoadPluginAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var code = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return await LoadPluginChunkAsync(path, code, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads the Lua source <paramref name="code"/> into every Lua host under the chunk name <paramref name="name"/>.</summary>
    public Task<LuaPluginResult> LoadPluginChunkAsync(string name, string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        return LoadPluginChunkAsync(name, Encoding.UTF8.GetBytes(code), cancellationToken);
    }

    /// <summary>Loads the Lua source bytes <paramref name="code"/> into every Lua host.</summary>
    public Task<LuaPluginResult> LoadPluginChunkAsync(string name, ReadOnlyMemory<byte> code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return AskAsync(name, replyTo => new LoadPlugin(name, code, replyTo), cancellationToken);
    }

    /// <summary>
    /// Reads <paramref name="path"/> and runs it once, as one session on the least busy host, with <paramref name="args"/>
    /// as <c>arg[1]</c>... and <c>...</c>.
    /// </summary>
    public async Task<LuaPluginResult> RunFileAsync(string path, IReadOnlyList<string>? args = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var code = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return await RunChunkAsync(path, code, args, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the Lua source <paramref name="code"/> under the chunk name <paramref name="name"/>.</summary>
    public Task<LuaPluginResult> RunChunkAsync(string name, string code, IReadOnlyList<string>? args = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        return RunChunkAsync(name, Encoding.UTF8.GetBytes(code), args, cancellationToken);
    }

    /// <summary>Runs the Lua source bytes <paramref name="code"/> under the chunk name <paramref name="name"/>.</summary>
    public Task<LuaPluginResult> RunChunkAsync(string name, ReadOnlyMemory<byte> code, IReadOnlyList<string>? args,
        CancellationToken cancellationToken = default) =>
        RunChunkAsync(name, code, args, deadline: null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="code"/> in a session with a <paramref name="deadline"/> (null: none): when it passes, the
    /// session is destroyed (its connections aborted without callbacks) and the result says <see cref="LuaPluginResult.TimedOut"/>.
    /// </summary>
    public Task<LuaPluginResult> RunChunkAsync(string name, ReadOnlyMemory<byte> code, IReadOnlyList<string>? args,
        TimeSpan? deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return AskAsync(name, replyTo => new RunScript(name, code, args ?? [], replyTo, deadline), cancellationToken);
    }

    /// <summary>
    /// Runs the global Lua function <paramref name="function"/> (defined by a plugin loaded before) for one task, in
    /// a new session with a <paramref name="deadline"/>: the function gets a task object holding
    /// <paramref name="fields"/> (strings, byte arrays, integers, numbers, booleans), and every request it starts
    /// belongs to the session. Completes when nothing of the session is pending, on a Lua error in the function, or
    /// when the deadline passes (the session is destroyed: connections aborted without callbacks, as rspamd does).
    /// </summary>
    public Task<LuaPluginResult> RunTaskAsync(string function, IReadOnlyDictionary<string, object?> fields, TimeSpan deadline,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(deadline, TimeSpan.Zero);
        return AskAsync(function, replyTo => new RunTask(function, fields, deadline, replyTo), cancellationToken);
    }

    private async Task<LuaPluginResult> AskAsync(string name, Func<IActorRef, object> message, CancellationToken cancellationToken)
    {
        var host = await registry.GetAsync<LuaHostPool>(cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();

        var ask = host.Ask<ScriptFinished>(message, timeout: null, cancellationToken);
        // The host never answers once the actor system is gone: stop waiting then instead of hanging.
        if (await Task.WhenAny(ask, system.WhenTerminated).ConfigureAwait(false) != ask)
            throw new InvalidOperationException($"{name}: the actor system stopped before the plugin finished");
        var finished = await ask.ConfigureAwait(false);
        return new LuaPluginResult(finished.Name, finished.Error, Stopwatch.GetElapsedTime(started), finished.TimedOut, finished.Host,
            finished.Symbols);
    }
}
