using System.Globalization;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// The <c>result OK BAD FIRST_ERROR</c> line a workload script prints at its end (W3: <c>result BYTES CHUNKS END</c>).
/// </summary>
public readonly record struct ScriptResult(long First, long Second, string Detail)
{
    /// <summary>Sums every result line of <paramref name="lines"/> (W5 prints one per coroutine).</summary>
    public static ScriptResult Sum(IReadOnlyList<string> lines, int expectedLines = 1)
    {
        long first = 0, second = 0;
        string detail = "none";
        var found = 0;
        foreach (var line in lines)
        {
            if (!line.StartsWith("result ", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ', 4);
            first += long.Parse(parts[1], CultureInfo.InvariantCulture);
            second += long.Parse(parts[2], CultureInfo.InvariantCulture);
            if (detail == "none" && parts.Length > 3) detail = parts[3];
            found++;
        }
        if (found != expectedLines)
            throw new InvalidOperationException(
                $"the script printed {found} result lines, expected {expectedLines}: {string.Join(" | ", lines.Take(5))}");
        return new ScriptResult(first, second, detail);
    }

    /// <summary>Throws unless <see cref="First"/> round trips succeeded and none failed.</summary>
    public ScriptResult EnsureAllOk(long expected)
    {
        if (First != expected || Second != 0)
            throw new InvalidOperationException($"{First} of {expected} round trips ok, {Second} failed, first error: {Detail}");
        return this;
    }
}
