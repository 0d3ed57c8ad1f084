// The README's .NET snippet ("Running Lua plugins from a .NET host"), copied verbatim between the two marker lines
// below so that it is compiled with the tests; ReadmeSnippetTests checks that README.md shows exactly this text.
// readme-snippet:begin
using ActorTcp.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

public static class PluginHost
{
    /// <summary>Loads a plugin file that defines check_message(task), then runs it for one task.</summary>
    public static async Task<LuaPluginResult> CheckMessageAsync(string pluginFile, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka("node", (akka, _) => akka
            // Overrides HOCON.conf's defaults: any actortcp key, added with HoconAddMode.Prepend.
            .AddHocon(ConfigurationFactory.ParseString("actortcp.default-timeout = 2s"), HoconAddMode.Prepend)
            // Lua's print becomes one Information log entry per line (category ActorTcp.Lua.Print); set
            // options.Output to an ILuaOutput to take the lines elsewhere.
            .WithActorTcp());
        builder.Services.AddLuaPlugins();

        using var host = builder.Build();
        await host.StartAsync();
        var plugins = host.Services.GetRequiredService<LuaPluginService>();

        // A plugin file is loaded into every Lua host (one per core, actortcp.lua.hosts), so any host can run its
        // functions; each host keeps its own Lua globals.
        (await plugins.LoadPluginAsync(pluginFile)).EnsureSucceeded();
        // A task: check_message gets a task object holding these fields; its requests belong to the task's session,
        // which is destroyed (connections aborted without callbacks) if the deadline passes first.
        var result = await plugins.RunTaskAsync("check_message",
            new Dictionary<string, object?> { ["message"] = message }, TimeSpan.FromSeconds(10));

        await host.StopAsync();
        return result;
    }
}
// readme-snippet:end

namespace ActorTcp.Tests.Hosting
{
    using System.Text.RegularExpressions;
    using ActorTcp.TestKit;
    using Xunit;

    /// <summary>
    /// The README's .NET snippet compiles as written (it is the top of this file) and does what it says against a real
    /// server, and README.md cannot drift from it.
    /// </summary>
    public sealed class ReadmeSnippetTests : IDisposable
    {
        private readonly ScriptedPeer _echo = ScriptedPeer.Start(async (connection, _) =>
        {
            var line = await connection.ReadUntilAsync("\n");
            await connection.SendAsync([.. line, (byte)'\n']);
        });
        private readonly string _plugin = Path.Combine(Path.GetTempPath(), $"readme-snippet-{Guid.NewGuid():N}.lua");

        public void Dispose()
        {
            _echo.Dispose();
            File.Delete(_plugin);
        }

        [Fact]
        public void The_snippet_in_the_readme_is_the_code_compiled_here()
        {
            var shown = ShownInReadme("readme-snippet");
            var compiled = MarkedIn(Path.Combine("Tests", "Hosting", "ReadmeSnippetTests.cs"));

            Assert.Equal(Lines(compiled), Lines(shown));
        }

        [Fact]
        public void The_testkit_example_in_the_readme_is_the_example_projects_code()
        {
            var shown = ShownInReadme("testkit-snippet");
            var example = MarkedIn(Path.Combine("examples", "testkit", "ClusterScannerTests.cs"));

            // The example's method sits in its class, four spaces in.
            Assert.Equal(Lines(example.TrimEnd()).Select(l => l.StartsWith("    ", StringComparison.Ordinal) ? l[4..] : l), Lines(shown));
        }

        /// <summary>The C# block of README.md between the HTML comments <c>&lt;!-- MARKER:begin</c> and <c>:end --&gt;</c>.</summary>
        private static string ShownInReadme(string marker)
        {
            var readme = Between(File.ReadAllText(Path.Combine(ActortcpProcess.RepositoryRoot, "README.md")),
                $"<!-- {marker}:begin", $"<!-- {marker}:end -->");
            var shown = Regex.Match(readme, "```csharp\n(?<code>.*?)```", RegexOptions.Singleline).Groups["code"].Value;
            Assert.NotEmpty(shown);
            return shown;
        }

        /// <summary>The lines of a repository file between <c>// readme-snippet:begin</c> and <c>// readme-snippet:end</c>.</summary>
        private static string MarkedIn(string path) =>
            Between(File.ReadAllText(Path.Combine(ActortcpProcess.RepositoryRoot, path)), "// readme-snippet:begin", "// readme-snippet:end");

        [Fact]
        public async Task The_snippet_runs_a_plugin_file_then_its_function_for_a_task_that_talks_to_a_server()
        {
            await File.WriteAllTextAsync(_plugin, $$"""
                local tcp = require 'rspamd_tcp'
                function check_message(task)
                  local ok, conn = tcp.connect_sync{task = task, host = '127.0.0.1', port = {{_echo.Port}}}
                  assert(ok, conn)
                  assert(conn:write(task.message .. '\n'))
                  local ok, reply = conn:read_once()
                  assert(ok and reply == task.message .. '\n', reply)
                  conn:close()
                end
                """);

            var result = await PluginHost.CheckMessageAsync(_plugin, "hello from the readme").WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(result.Succeeded, result.Error);
            Assert.False(result.TimedOut);
            Assert.Equal("check_message", result.Name);
        }

        private static string Between(string text, string begin, string end)
        {
            var from = text.IndexOf(begin, StringComparison.Ordinal);
            Assert.True(from >= 0, $"marker {begin} not found");
            from = text.IndexOf('\n', from) + 1;
            var to = text.IndexOf(end, from, StringComparison.Ordinal);
            Assert.True(to >= 0, $"marker {end} not found");
            return text[from..to];
        }

        private static string[] Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
    }
}
