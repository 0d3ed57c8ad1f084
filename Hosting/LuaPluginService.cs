using System.Diagnostics;
using System.Text;
using ActorTcp.LuaApi;
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
/// Every plugin runs in the one Lua state of the host actor, on that actor's thread; globals a chunk sets are seen by
/// the chunks run after it. Cancelling stops the wait only: what the plugin started goes on until its own timeouts.
/// </remarks>
public sealed class LuaPluginService(IReadOnlyActorRegistry registry, ActorSystem system)
{
    /// <summary>Reads <paramref name="path"/> and runs it with <paramref name="args"/> as <c>arg[1]</c>... and <c>...</c>.</summary>
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
    public async Task<LuaPluginResult> RunChunkAsync(string name, ReadOnlyMemory<byte> code, IReadOnlyList<string>? args,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var host = await registry.GetAsync<LuaHostActor>(cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();

        var ask = host.Ask<ScriptFinished>(replyTo => new RunScript(name, code, args ?? [], replyTo), timeout: null,
            cancellationToken);
        // The host never answers once the actor system is gone: stop waiting then instead of hanging.
        if (await Task.WhenAny(ask, system.WhenTerminated).ConfigureAwait(false) != ask)
            throw new InvalidOperationException($"{name}: the actor system stopped before the plugin finished");
        var finished = await ask.ConfigureAwait(false);
        return new LuaPluginResult(finished.Name, finished.Error, Stopwatch.GetElapsedTime(started));
    }
}
