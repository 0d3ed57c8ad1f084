using Xunit;

namespace ActorTcp.Tests.Support;

/// <summary>
/// A fact that needs files a Debian package installs (rspamd's lualib, clamd, spamd, LPeg): skipped, naming the
/// package, when one of them is absent, so a machine without it says what to install instead of failing. CI installs
/// them all (.ci/run), so there every such test runs.
/// </summary>
public sealed class InstalledFactAttribute : FactAttribute
{
    /// <summary>Needs each of <paramref name="packageAndPaths"/>: pairs of a Debian package and a path it installs.</summary>
    public InstalledFactAttribute(params string[] packageAndPaths)
    {
        for (var i = 0; i + 1 < packageAndPaths.Length; i += 2)
            if (!File.Exists(packageAndPaths[i + 1]) && !Directory.Exists(packageAndPaths[i + 1]))
            {
                Skip = $"{packageAndPaths[i + 1]} is missing: apt-get install {packageAndPaths[i]}";
                return;
            }
    }
}

/// <summary>The Debian packages and paths the scanner tests use, for <see cref="InstalledFactAttribute"/>.</summary>
public static class Installed
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
