using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.LuaApi;
using Akka.Actor;

namespace ActorTcp.Hosting;

/// <summary><c>actortcp run SCRIPT.lua [ARGS...]</c>: runs a Lua plugin script until it and its connections are done.</summary>
public static class RunCommand
{
    /// <summary>Runs <paramref name="script"/>; returns the exit code (0 done, 1 Lua error).</summary>
    public static async Task<int> RunAsync(string script, IReadOnlyList<string> args, string? configFile, Stream stdout,
        TextWriter stderr)
    {
        var config = HoconLoader.Load(configFile);
        var settings = ActorTcpSettings.Create(config);
        var code = await File.ReadAllBytesAsync(script).ConfigureAwait(false);

        using var system = ActorSystem.Create("actortcp", config);
        var output = new StreamLineOutput(stdout);
        var resolver = system.ActorOf(ResolverActor.Props(settings), "resolver");
        var manager = system.ActorOf(ConnectionManager.Props(settings, resolver), "connections");
        var host = system.ActorOf(LuaHostActor.Props(manager, output), "lua");

        var finished = await host.Ask<ScriptFinished>(replyTo => new RunScript(script, code, args, replyTo), null, CancellationToken.None)
            .ConfigureAwait(false);
        await system.Terminate().ConfigureAwait(false);
        output.Flush();
        if (finished.Error is null) return 0;
        await stderr.WriteLineAsync(finished.Error).ConfigureAwait(false);
        return 1;
    }

    /// <summary>print's output: each line written as soon as it is printed, bytes unchanged.</summary>
    private sealed class StreamLineOutput(Stream stream) : ILuaOutput
    {
        private readonly Lock _lock = new();

        public void WriteLine(ReadOnlySpan<byte> line)
        {
            lock (_lock)
            {
                stream.Write(line);
                stream.WriteByte((byte)'\n');
                stream.Flush();
            }
        }

        public void Flush()
        {
            lock (_lock) stream.Flush();
        }
    }
}
