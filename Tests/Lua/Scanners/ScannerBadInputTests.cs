using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua.Scanners;

/// <summary>
/// Wrong settings and mails the scanners cannot take: each ends in a clear log line, error or symbol, and the host
/// serves the next task.
/// </summary>
public sealed class ScannerBadInputTests(ITestOutputHelper output, ScannerDaemons daemons)
    : ScannerTestKit(output, daemons, Hocon(lpeg: false)), IClassFixture<ScannerDaemons>
{
    [InstalledFact("rspamd", Installed.Lualib, "clamav-daemon", Installed.Clamd)]
    public async Task A_rule_whose_servers_do_not_parse_is_logged_and_left_out_while_the_other_rules_work()
    {
        var load = await LoadScannersAsync($"{{broken = {{type = 'clamav', servers = 'clamd:notaport'}}, clamav = {Clamav(parts: false)}}}");

        var broken = await ScanAsync("broken", ScannerMessages.EicarAttachment());
        var working = await ScanAsync("clamav", ScannerMessages.EicarAttachment());

        Assert.Contains(load.Log, line => line.StartsWith("error: ", StringComparison.Ordinal)
            && line.Contains("cannot parse servers clamd:notaport", StringComparison.Ordinal));
        Assert.StartsWith("plugin function broken is not defined (a nil)", broken.Error);
        working.AssertSucceeded();
        Assert.Equal([$"CLAM_VIRUS 1 [{ClamdServer.SignatureName}]"], working.SymbolTexts);
    }

    [InstalledFact("rspamd", Installed.Lualib, "clamav-daemon", Installed.Clamd)]
    public async Task A_task_without_a_message_ends_with_an_error_naming_the_field_and_the_next_task_is_scanned()
    {
        await LoadScannersAsync($"{{clamav = {Clamav(parts: false)}}}");

        var without = await ScanAsync("clamav", null);
        var next = await ScanAsync("clamav", ScannerMessages.EicarAttachment());

        Assert.NotNull(without.Error);
        Assert.Contains("task:get_content: the task has no message (its field 'message' holds the message bytes)", without.Error);
        Assert.Contains("scanners.lua:", without.Error);
        Assert.Equal([$"CLAM_VIRUS 1 [{ClamdServer.SignatureName}]"], next.SymbolTexts);
    }

    [InstalledFact("rspamd", Installed.Lualib, "clamav-daemon", Installed.Clamd)]
    public async Task A_50_MB_message_over_clamds_stream_limit_fails_the_scan_as_under_rspamd_and_the_next_task_is_scanned()
    {
        await LoadScannersAsync($"{{clamav = {Clamav(parts: false)}}}");
        var huge = new byte[50 << 20];
        ScannerMessages.Clean().CopyTo(huge, 0);
        Array.Fill(huge, (byte)'a', ScannerMessages.Clean().Length, huge.Length - ScannerMessages.Clean().Length);

        var run = await ScanAsync("clamav", huge);
        var next = await ScanAsync("clamav", ScannerMessages.EicarAttachment());

        // clamd refuses the stream past its limit and closes. Which side notices first is a race, as under rspamd: the
        // write fails (clamav.lua retries, then inserts CLAM_VIRUS_FAIL), or clamd's "INSTREAM size limit exceeded.
        // ERROR" arrives, which clamav.lua does not expect: its callback fails on it (string.find on nil, line 138),
        // logged as rspamd logs a failed callback, and inserts nothing.
        Assert.True(run.Error is null, run.Error);
        if (run.SymbolTexts.Count > 0)
            Assert.Equal(["CLAM_VIRUS_FAIL 0 [failed to scan and retransmits exceed]"], run.SymbolTexts);
        else
            Assert.Contains(run.Log, line => line.StartsWith("error: callback call failed: ", StringComparison.Ordinal)
                && line.Contains("lua_scanners/clamav.lua:138: bad argument #1 to 'find' (string expected, got nil)", StringComparison.Ordinal));
        Assert.Equal([$"CLAM_VIRUS 1 [{ClamdServer.SignatureName}]"], next.SymbolTexts);
    }
}
