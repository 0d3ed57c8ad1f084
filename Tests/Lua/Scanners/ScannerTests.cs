using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Lua.Scanners;

/// <summary>The real clamd and spamd for one test class, each started on first use and stopped with the class.</summary>
public sealed class ScannerDaemons : IDisposable
{
    private readonly Lazy<ClamdServer> _clamd = new(() => new ClamdServer());
    private readonly Lazy<SpamdServer> _spamd = new(() => new SpamdServer());

    internal ClamdServer Clamd => _clamd.Value;

    internal SpamdServer Spamd => _spamd.Value;

    public void Dispose()
    {
        if (_clamd.IsValueCreated) _clamd.Value.Dispose();
        if (_spamd.IsValueCreated) _spamd.Value.Dispose();
    }
}

/// <summary>
/// A test kit whose Lua hosts load rspamd's lualib, and the example plugin examples/scanners/scanners.lua with the
/// rules a test gives, against the class's <see cref="ScannerDaemons"/>.
/// </summary>
public abstract class ScannerTestKit(ITestOutputHelper output, ScannerDaemons daemons, string hocon) : ActorTcpTestKit(output, hocon)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    protected ScannerDaemons Daemons => daemons;

    protected static string Hocon(bool lpeg) =>
        $"actortcp.lua {{ rspamd-lualib = \"{Installed.Lualib}\"{(lpeg ? $", lpeg = \"{Installed.Lpeg}\"" : "")} }}";

    /// <summary>Loads the example plugin with <paramref name="settings"/> (Lua: the scanner_settings table) before it.</summary>
    protected async Task<LuaRun> LoadScannersAsync(string settings)
    {
        (await LoadPluginAsync("scanner_settings = " + settings, "settings.lua")).AssertSucceeded();
        var plugin = await File.ReadAllTextAsync(ActorTcp.Tests.Hosting.ActortcpProcess.Example("scanners/scanners.lua"));
        return (await LoadPluginAsync(plugin, "scanners.lua")).AssertSucceeded();
    }

    protected Task<LuaRun> ScanAsync(string function, byte[]? message) =>
        RunTaskAsync(function, new Dictionary<string, object?> { ["message"] = message }, Deadline);

    /// <summary>A clamav rule's options (Lua) with rspamd's keys.</summary>
    protected string Clamav(bool parts, string? servers = null) =>
        $"{{type = 'clamav', symbol = 'CLAM_VIRUS', servers = '{servers ?? daemons.Clamd.Servers}', scan_mime_parts = {(parts ? "true" : "false")}, " +
        "timeout = 5, retransmits = 2, log_clean = true}";
}

/// <summary>
/// rspamd's clamav.lua and spamassassin.lua, loaded unchanged from the Debian package and set up by
/// examples/scanners/scanners.lua, against a real clamd and spamd on loopback: the symbols and options real rspamd 3.4
/// inserts for the same mails. Run with ActorTcp's compatible lua_util and, in <see cref="ScannerTestsWithLpeg"/>, with
/// rspamd's own over LPeg.
/// </summary>
public abstract class ScannerTests(ITestOutputHelper output, ScannerDaemons daemons, string hocon) : ScannerTestKit(output, daemons, hocon)
{
    private readonly bool _overLpeg = hocon.Contains("lpeg =", StringComparison.Ordinal);

    // rspamd's lua_util has keys(); the compatible one does not: a class whose LPeg silently failed to load would
    // run the compatible one, and the scans alone would not tell.
    [InstalledFact("rspamd", Installed.Lualib, "lua-lpeg", Installed.Lpeg)]
    public async Task The_lua_util_the_scanners_use_is_rspamds_over_lpeg_or_the_compatible_one_as_the_class_says()
    {
        var run = await RunLuaAsync("local u = require 'lua_util'; print(package.loaded.lpeg ~= nil, u.keys ~= nil)");

        run.AssertSucceeded();
        Assert.Equal([_overLpeg ? "true\ttrue" : "false\tfalse"], run.Printed);
    }

    [InstalledFact("rspamd", Installed.Lualib, "clamav-daemon", Installed.Clamd)]
    public async Task An_eicar_attachment_is_found_in_mime_parts_mode_as_clamav_dot_lua_reports_it_under_rspamd()
    {
        await LoadScannersAsync($"{{clamav = {Clamav(parts: true)}}}");

        var run = await ScanAsync("clamav", ScannerMessages.EicarAttachment());

        run.AssertSucceeded();
        Assert.Equal([$"CLAM_VIRUS 1 [{ClamdServer.SignatureName}]"], run.SymbolTexts);
    }

    [InstalledFact("rspamd", Installed.Lualib, "clamav-daemon", Installed.Clamd)]
    public async Task The_whole_message_sent_to_clamd_gives_the_same_symbol_and_a_clean_message_none()
    {
        await LoadScannersAsync($"{{clamav = {Clamav(parts: false)}}}");

        var infected = await ScanAsync("clamav", ScannerMessages.EicarAttachment());
        var clean = await ScanAsync("clamav", ScannerMessages.Clean());

        infected.AssertSucceeded();
        Assert.Equal([$"CLAM_VIRUS 1 [{ClamdServer.SignatureName}]"], infected.SymbolTexts);
        clean.AssertSucceeded();
        Assert.Empty(clean.SymbolTexts);
        Assert.Contains(clean.Log, line => line.Contains("clamav: message or mime_part is clean", StringComparison.Ordinal));
    }

    [InstalledFact("rspamd", Installed.Lualib)]
    public async Task A_closed_clamd_port_gives_CLAM_VIRUS_FAIL_once_the_retransmits_are_spent()
    {
        // clamav.lua logs its retries with lua_util.debugm: debug on for the module, as rspamd's debug_modules does.
        (await LoadPluginAsync("require('lua_util').enable_debug_modules('clamav')")).AssertSucceeded();
        await LoadScannersAsync($"{{clamav = {Clamav(parts: false, servers: $"127.0.0.1:{ScannerDaemon.FreePort()}")}}}");

        var run = await ScanAsync("clamav", ScannerMessages.Clean());

        run.AssertSucceeded();
        Assert.Equal(["CLAM_VIRUS_FAIL 0 [failed to scan and retransmits exceed]"], run.SymbolTexts);
        Assert.Contains(run.Log, line => line.Contains("clamav: failed to scan, maximum retransmits exceed", StringComparison.Ordinal));
        // retransmits = 2: the first try and two more, each a refused connection
        Assert.Equal(2, run.Log.Count(line => line.Contains("retry IP:", StringComparison.Ordinal)));
    }

    [InstalledFact("rspamd", Installed.Lualib, "spamd", Installed.Spamd)]
    public async Task A_gtube_message_over_8_KiB_gives_SPAMD_with_weight_1000_and_the_options_rspamd_gives_with_spamassassin_4()
    {
        await LoadScannersAsync($"{{spamassassin = {{type = 'spamassassin', symbol = 'SPAMD', servers = '{Daemons.Spamd.Servers}', timeout = 20}}}}");

        var run = await ScanAsync("spamassassin", ScannerMessages.GtubeBig());

        run.AssertSucceeded();
        Assert.Equal(["SPAMD 1000 [GTUBE,NO_RECEIVED,NO_RELAYSautolearn=no]"], run.SymbolTexts);
    }
}

/// <summary><see cref="ScannerTests"/> with ActorTcp's compatible lua_util and lua_redis.</summary>
public sealed class ScannerTestsWithCompatLuaUtil(ITestOutputHelper output, ScannerDaemons daemons)
    : ScannerTests(output, daemons, Hocon(lpeg: false)), IClassFixture<ScannerDaemons>;

/// <summary><see cref="ScannerTests"/> with rspamd's own lua_util and lua_redis, over Debian's LPeg.</summary>
public sealed class ScannerTestsWithLpeg(ITestOutputHelper output, ScannerDaemons daemons)
    : ScannerTests(output, daemons, Hocon(lpeg: true)), IClassFixture<ScannerDaemons>;
