using System.Text.RegularExpressions;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// <c>actortcp run --stats</c> as a process: the table on stderr at the end, whatever the exit code, and stdout the
/// script's alone.
/// </summary>
public sealed class RunStatsTests
{
    private const string Header = "stats                            count       p50       p99\n";

    [Fact]
    public async Task Stats_of_the_smtp_example_are_a_table_on_stderr_and_its_stdout_is_unchanged()
    {
        var run = await ActortcpProcess.RunAsync(["run", "--stats", "--fixtures", "examples/smtp_dialogue.lua"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(ExampleScriptTests.SmtpDialogueOutput, run.Stdout);
        // Nothing else is logged: the table is all of stderr.
        Assert.StartsWith(Header, run.Stderr);
        Assert.Matches(Row("connections \\(start to end\\)", "1"), run.Stderr);
        Assert.Matches(Row("  ok", "1", latency: true), run.Stderr);
        Assert.Matches(Row("connects that succeeded", "1", latency: true), run.Stderr);
        Assert.Matches(Row("bytes received", "[1-9][0-9]*"), run.Stderr);
        Assert.Matches(Row("bytes transmitted", "[1-9][0-9]*"), run.Stderr);
        Assert.Matches(Row("  callback returned", "[1-9][0-9]*"), run.Stderr);
        Assert.Matches(Row("lua budget stops", "0"), run.Stderr);
    }

    [Fact]
    public async Task Stats_follow_the_deadline_message_of_a_run_that_timed_out_with_its_destroyed_connection()
    {
        using var script = new TempScript(RunCommandTests.PastTheDeadline);

        var run = await ActortcpProcess.RunAsync(["run", "--stats", "--fixtures", "--timeout", "0.3", script.Path]);

        Assert.True(run.ExitCode == 124, run.ToString());
        Assert.Equal("started\n", run.Stdout);
        Assert.Matches("session deadline of 0.3 s passed\n" + Header, run.Stderr);
        Assert.Matches(Row("  session_destroyed", "1", latency: true), run.Stderr);
        Assert.Matches(Row("  script timeout", "1"), run.Stderr);
    }

    [Fact]
    public async Task Stats_follow_the_traceback_of_a_lua_error()
    {
        using var script = new TempScript("error('boom')\n", "boom.lua");

        var run = await ActortcpProcess.RunAsync(["run", "--stats", script.Path]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Matches("stack traceback:\n(.+\n)+" + Header, run.Stderr);
        Assert.Matches(Row("connections \\(start to end\\)", "0"), run.Stderr);
        Assert.Matches(Row("  body failed", "1"), run.Stderr);
    }

    // A row of the table: the label, the count, and two durations or none.
    private static Regex Row(string label, string count, bool latency = false) =>
        new($"(?m)^{label} +{count}" + (latency ? @" +[0-9.]+ m?s +[0-9.]+ m?s$" : "$"));
}
