using SkiaSharp;

namespace ActorTcp.Benchmarks.Plot;

/// <summary>
/// The font the pictures' text is drawn with. SkiaSharp's Linux assets without dependencies find fonts by scanning
/// the system's font folders (no fontconfig); with none there, every title and label would be silently blank, so
/// that is an error instead.
/// </summary>
public static class PlotFont
{
    /// <summary>Debian's fonts-dejavu-core (.ci/run installs it): the same look on every machine that has it.</summary>
    public const string Preferred = "DejaVu Sans";

    /// <summary>The family to draw with: <see cref="Preferred"/> when installed, else the first one found.</summary>
    public static string Find()
    {
        var families = SKFontManager.Default.FontFamilies.ToArray();
        if (families.Length == 0)
            throw new InvalidOperationException(
                "no fonts found, the pictures' text would be blank: install one (Debian: fonts-dejavu-core)");
        return families.Contains(Preferred) ? Preferred : families[0];
    }
}
