namespace ActorTcp.Tests.Support;

/// <summary>The Debian packages and paths the scanner tests use, for <c>InstalledFactAttribute</c> (also linked into
/// the benchmarks, for W9).</summary>
internal static class Installed
{
    /// <summary>rspamd's Lua library, from the rspamd package.</summary>
    public const string Lualib = "/usr/share/rspamd/lualib";

    /// <summary>Debian's LPeg for Lua 5.4 (lua-lpeg), lua_* symbols left to the host.</summary>
    public const string Lpeg = "/usr/lib/x86_64-linux-gnu/lua/5.4/lpeg.so";

    /// <summary>The clamd daemon (clamav-daemon).</summary>
    public const string Clamd = "/usr/sbin/clamd";

    /// <summary>SpamAssassin's daemon (spamassassin).</summary>
    public const string Spamd = "/usr/sbin/spamd";
}
