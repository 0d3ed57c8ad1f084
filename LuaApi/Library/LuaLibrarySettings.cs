using Akka.Configuration;

namespace ActorTcp.LuaApi.Library;

/// <summary>
/// Where a Lua host finds code it does not ship (<c>actortcp.lua</c> in HOCON.conf): rspamd's own Lua library
/// (<c>rspamd-lualib</c>, e.g. the Debian package's <c>/usr/share/rspamd/lualib</c>) and a native LPeg built for Lua 5.4
/// (<c>lpeg</c>). Both are off by default; a path that is set must exist, so a typo stops the node at start rather than
/// failing the first <c>require</c> of a mail.
/// </summary>
public sealed record LuaLibrarySettings
{
    /// <summary>The directory added to <c>package.path</c> (<c>DIR/?.lua;DIR/?/init.lua</c>); null: none.</summary>
    public string? RspamdLualib { get; init; }

    /// <summary>The LPeg shared library <c>require "lpeg"</c> opens; null: none (a compatible <c>lua_util</c> is used).</summary>
    public string? Lpeg { get; init; }

    /// <summary>Neither set (the defaults HOCON.conf holds).</summary>
    public static LuaLibrarySettings None { get; } = new();

    /// <summary>Reads and checks <c>actortcp.lua.rspamd-lualib</c> and <c>actortcp.lua.lpeg</c>.</summary>
    /// <exception cref="ConfigurationException">A path is set but does not exist, or LPeg is asked for off Linux.</exception>
    public static LuaLibrarySettings Create(Config? config)
    {
        var lualib = Path(config, "rspamd-lualib");
        if (lualib is not null && !Directory.Exists(lualib))
            throw new ConfigurationException($"actortcp.lua.rspamd-lualib: directory '{lualib}' does not exist");
        var lpeg = Path(config, "lpeg");
        if (lpeg is not null)
        {
            if (!OperatingSystem.IsLinux())
                throw new ConfigurationException("actortcp.lua.lpeg: a native LPeg can only be loaded on Linux");
            if (!File.Exists(lpeg))
                throw new ConfigurationException($"actortcp.lua.lpeg: file '{lpeg}' does not exist");
        }
        return lualib is null && lpeg is null ? None : new LuaLibrarySettings { RspamdLualib = lualib, Lpeg = lpeg };
    }

    private static string? Path(Config? config, string key)
    {
        var value = config?.GetString("actortcp.lua." + key, "");
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
