using ActorTcp.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ExamplePlugin.Tests;

/// <summary>
/// examples/cluster_scanner.lua against scripted backends: the plugin's retry loop and its results, with real
/// connections on 127.0.0.1 and no backend of our own to write.
/// </summary>
public sealed class ClusterScannerTests(ITestOutputHelper output) : ActorTcpTestKit(output)
{
    private const string Reset = "IO read error while trying to read data: Connection reset by peer";

    private async Task<LuaRun> ScanAsync(params ScriptedPeer[] backends)
    {
        (await LoadPluginAsync(await File.ReadAllTextAsync("cluster_scanner.lua"), "cluster_scanner.lua")).AssertSucceeded();
        var servers = string.Join(",", backends.Select(b => $"{b.Host}:{b.Port}"));
        return (await RunTaskAsync("scan", new Dictionary<string, object?> { ["servers"] = servers })).AssertSucceeded();
    }

    // readme-snippet:begin
    [Fact]
    public async Task A_backend_that_resets_the_first_connection_is_asked_again_and_its_answer_is_the_result()
    {
        var backend = Own(ScriptedPeer.InTurn([
            s => s.ExpectLine("scan").Reset(),
            s => s.ExpectLine("scan").SendLine("clean"),
        ]));
        var name = $"{backend.Host}:{backend.Port}";

        var scan = await ScanAsync(backend);

        Assert.Equal([$"SCAN_RETRY 0 [{name},{Reset}]", $"SCAN_OK 0 [{name}]"], scan.SymbolTexts);
        await backend.Completion;
    }
    // readme-snippet:end

    [Fact]
    public async Task A_refusing_backend_is_followed_by_the_other_one()
    {
        // Round robin starts with the first backend listed: the refusing one.
        var refusing = RefusingPeer();
        var answering = StartPeer(s => s.ExpectLine("scan").SendLine("clean"));

        var scan = await ScanAsync(refusing, answering);

        Assert.Equal([$"SCAN_RETRY 0 [{refusing.Host}:{refusing.Port},Socket error detected: Connection refused]",
            $"SCAN_OK 0 [{answering.Host}:{answering.Port}]"], scan.SymbolTexts);
    }

    [Fact]
    public async Task When_every_attempt_fails_the_task_gets_the_last_error()
    {
        var backend = Own(ScriptedPeer.InTurn([s => s.ExpectLine("scan").Reset(), s => s.ExpectLine("scan").Reset(),
            s => s.ExpectLine("scan").Reset()]));

        var scan = await ScanAsync(backend);

        Assert.Equal(["SCAN_RETRY", "SCAN_FAIL"], scan.Symbols.Select(s => s.Name));
        Assert.Equal($"SCAN_FAIL 1 [{Reset}]", scan.SymbolTexts[1]);
        Assert.Equal(3, backend.AcceptedCount);
    }
}
