using System.Globalization;

namespace ActorTcp.Benchmarks.Report;

/// <summary>Median and range of a set of runs.</summary>
public readonly record struct Stats(double Median, double Min, double Max)
{
    /// <summary>The statistics of <paramref name="values"/>, or null when there are none.</summary>
    public static Stats? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Stats(median, sorted[0], sorted[^1]);
    }

    /// <summary><c>median [min-max]</c> with a precision that suits the magnitude.</summary>
    public override string ToString() => $"{Format(Median)} [{Format(Min)}-{Format(Max)}]";

    /// <summary>A figure with 3 significant digits (at least), no exponent.</summary>
    public static string Format(double value) => Math.Abs(value) switch
    {
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
