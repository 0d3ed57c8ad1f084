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
