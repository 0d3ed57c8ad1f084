using System.Globalization;
using System.Text;

namespace ActorTcp.Actors.Upstreams;

/// <summary>
/// A <see cref="BackendHealth"/> as one line of text, for replicating it between nodes as a plain string (which every
/// Akka serializer carries): <c>okAt revivedAt deadFrom deadUntil at:origin:seq...</c>, numbers in invariant culture.
/// The key travels beside it.
/// </summary>
public static class BackendHealthText
{
    /// <summary>The text of <paramref name="health"/>.</summary>
    public static string Write(BackendHealth health)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{health.OkAt} {health.RevivedAt} {health.DeadFrom} {health.DeadUntil}");
        foreach (var mark in health.Failures) text.Append(CultureInfo.InvariantCulture, $" {mark.At}:{mark.Origin}:{mark.Seq}");
        return text.ToString();
    }

    /// <summary>The health of <paramref name="key"/> written as <paramref name="text"/>; null when the text is not one (from a newer node, or damaged).</summary>
    public static BackendHealth? Read(string key, string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4) return null;
        Span<long> times = stackalloc long[4];
        for (var i = 0; i < 4; i++)
            if (!long.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out times[i])) return null;
        var failures = new List<FailureMark>(parts.Length - 4);
        foreach (var part in parts.AsSpan(4))
        {
            var fields = part.Split(':');
            if (fields.Length != 3
                || !long.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var at)
                || !long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var origin)
                || !long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq)) return null;
            failures.Add(new FailureMark(at, origin, seq));
        }
        return BackendHealth.Restore(key, failures, times[0], times[1], times[2], times[3]);
    }
}
