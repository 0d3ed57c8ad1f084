using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// The scripts of examples/ run by the built <c>actortcp run --fixtures</c>, as a user runs them (from the repository
/// root): their exact stdout, nothing on stderr, exit 0.
/// </summary>
public sealed class ExampleScriptTests
{
    /// <summary>What examples/smtp_dialogue.lua prints against the fixtures (RunStatsTests: the same with --stats).</summary>
    internal const string SmtpDialogueOutput = """
        S: 220 fixtures.actortcp ESMTP ActorTcp fixture
        C: EHLO client.example
        S: 250-fixtures.actortcp Hello client.example
        S: 250-PIPELINING
        S: 250-SIZE 1048576
        S: 250-8BITMIME
        S: 250 SMTPUTF8
        C: MAIL FROM:<alice@example.org>
        S: 250 2.1.0 Ok
        C: RCPT TO:<bob@example.net>
        S: 250 2.1.5 Ok
        C: DATA
        S: 354 End data with <CR><LF>.<CR><LF>
        C: (5 lines of message, then ".")
        S: 250 2.0.0 Ok: queued as FIXTURE1 (117 bytes)
        C: QUIT
        S: 221 2.0.0 Bye
        dialogue done: 7 replies

        """;

    [Fact]
    public async Task Echo_example_prints_the_echoed_line()
    {
        var run = await ActortcpProcess.RunAsync(["run", "--fixtures", "examples/echo.lua"]);

        AssertSucceeded(run, """
            request started: true
            connected
            echo: hello from rspamd_tcp (21 bytes)

            """);
    }

    [Fact]
    public async Task Smtp_dialogue_example_prints_the_whole_dialogue()
    {
        var run = await ActortcpProcess.RunAsync(["run", "--fixtures", "examples/smtp_dialogue.lua"]);

        AssertSucceeded(run, SmtpDialogueOutput);
    }

    [Fact]
    public async Task Partial_stream_example_reassembles_the_dripped_lines_until_the_server_closes()
    {
        var run = await ActortcpProcess.RunAsync(["run", "--fixtures", "examples/partial_stream.lua"]);

        AssertSucceeded(run, """
            line 1: tick 1
            line 2: tick 2
            line 3: tick 3
            line 4: tick 4
            line 5: tick 5
            server closed the stream: 5 lines, 40 bytes

            """);
        // The drip fixture takes about a second: the run waited for the stream, it did not end with the body.
        Assert.True(run.Elapsed >= TimeSpan.FromSeconds(0.9), run.ToString());
    }

    [Fact]
    public async Task Errors_example_prints_rspamds_error_texts_in_order()
    {
        var run = await ActortcpProcess.RunAsync(["run", "--fixtures", "examples/errors.lua"]);

        AssertSucceeded(run, """
            refused:  Socket error detected: Connection refused
            on_error: Socket error detected: Connection refused
            timeout:  IO timeout
            closed:   IO read error: connection terminated
            sync:     false, Socket error detected: Connection refused
            all 5 cases done

            """);
    }

    [Fact]
    public async Task Upstreams_example_answers_every_task_while_the_refusing_backend_goes_out_of_rotation()
    {
        var run = await ActortcpProcess.RunAsync(["run", "--fixtures", "examples/upstreams.lua"]);

        Assert.True(run.ExitCode == 0 && run.Stderr.Length == 0, run.ToString());
        var lines = run.Stdout.TrimEnd('\n').Split('\n');
        // The refused backend's fourth failure takes it out; the watcher runs after the callback that caused it.
        Assert.Matches(@"^upstream 127\.0\.0\.1:\d+ went offline after 4 errors$", lines[0]);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"task {i}: message {i}"), lines[1..7]);
        // Concurrent tasks retry while the failures are still coming in: the fifth may land on the dead backend.
        Assert.Matches(@"^6 tasks answered in (10 attempts, 4|11 attempts, 5) of them failed$", lines[7]);
        Assert.Equal(8, lines.Length);
    }

    [Fact]
    public void Every_example_is_covered_by_a_test()
    {
        var examples = Directory.GetFiles(Path.Combine(ActortcpProcess.RepositoryRoot, "examples"), "*.lua")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal);

        // redis_ping.lua runs against a real redis-server: RedisExampleTests; plugin.lua is loaded by nodes: NodeCommandTests;
        // cluster_scanner.lua by three nodes: ClusterProcessTests; scanners/ (rspamd's scanners) by Lua/Scanners/ScannerTests.
        Assert.Equal(["cluster_scanner.lua", "echo.lua", "errors.lua", "partial_stream.lua", "plugin.lua", "redis_ping.lua", "smtp_dialogue.lua", "upstreams.lua"],
            examples);
    }

    private static void AssertSucceeded(ProcessResult run, string expectedStdout)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(expectedStdout, run.Stdout);
        Assert.True(run.Stderr.Length == 0, run.ToString());
    }
}
