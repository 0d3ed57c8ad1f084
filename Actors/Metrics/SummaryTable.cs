using System.Globalization;
using System.Text;

namespace ActorTcp.Actors.Metrics;

/// <summary>
/// A <see cref="MetricsSnapshot"/> as a short plain-text table (<c>actortcp run --stats</c>): connections by outcome
/// with the p50 and p99 of each outcome's duration (a connection actor's start to its end:
/// <c>actortcp.connection.duration</c>), the connects that succeeded with theirs, bytes each way, Lua runs by kind and
/// outcome, budget stops; then sessions, tasks and DNS lookups when there were any. Pure: no clock, no I/O.
/// </summary>
public static class SummaryTable
{
    // docs/metrics.md's names, of the instruments the table reads.
    private const string Closed = "actortcp.connection.closed";
    private const string ConnectionDuration = "actortcp.connection.duration";
    private const string ConnectDuration = "actortcp.connection.connect.duration";
    private const string IoBytes = "actortcp.io.bytes";
    private const string LuaRuns = "actortcp.lua.callbacks";
    private const string BudgetStops = "actortcp.lua.budget_stops";
    private const string Sessions = "actortcp.lua.sessions";
    private const string Tasks = "actortcp.lua.tasks";
    private const string DnsLookups = "actortcp.dns.lookups";

    private const string Outcome = ConnectionOutcomes.Tag;
    private const string Kind = "kind";
    private const int LabelWidth = 28;
    private const int ColumnWidth = 10;

    // Outcome rows in the order docs/metrics.md lists them; an outcome not known here goes after them.
    private static readonly string[] s_outcomeOrder = Enum.GetValues<ConnectionOutcome>().Select(ConnectionOutcomes.Text).ToArray();

    /// <summary>The table, one row a line, each line ending with a newline.</summary>
    public static string Format(MetricsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var rows = new List<Row> { new("stats", "count", "p50", "p99") };

        rows.Add(Count("connections (start to end)", snapshot.Sum(Closed)));
        foreach (var (outcome, count) in Breakdown(snapshot, Closed, Outcome).OrderBy(o => OutcomeRank(o.Label)).ThenBy(o => o.Label, StringComparer.Ordinal))
            rows.Add(Latency($"  {outcome}", count, snapshot.HistogramOf(ConnectionDuration, (Outcome, outcome))));
        var connects = snapshot.HistogramOf(ConnectDuration, (Outcome, "ok"));
        rows.Add(Latency("connects that succeeded", connects?.Count ?? 0, connects));

        rows.Add(Count("bytes received", snapshot.Sum(IoBytes, ("network.io.direction", "receive"))));
        rows.Add(Count("bytes transmitted", snapshot.Sum(IoBytes, ("network.io.direction", "transmit"))));

        AddSection(rows, snapshot, "lua runs", LuaRuns, Kind, Outcome, always: true);
        rows.Add(Count("lua budget stops", snapshot.Sum(BudgetStops)));
        AddSection(rows, snapshot, "lua sessions", Sessions, Kind, Outcome, always: false);
        AddSection(rows, snapshot, "lua tasks", Tasks, Outcome, null, always: false);
        AddSection(rows, snapshot, "dns lookups", DnsLookups, Kind, Outcome, always: false);

        var text = new StringBuilder();
        foreach (var row in rows) text.Append(row.Line());
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="seconds"/> with three significant digits, in milliseconds below a second (<c>0.214 ms</c>,
    /// <c>41.2 ms</c>) and in seconds above (<c>1.25 s</c>).
    /// </summary>
    public static string Duration(double seconds)
    {
        var ms = seconds * 1000;
        var (value, format, unit) = ms switch
        {
            < 1 => (ms, "0.000", "ms"),
            < 10 => (ms, "0.00", "ms"),
            < 100 => (ms, "0.0", "ms"),
            < 1000 => (ms, "0", "ms"),
            _ when seconds < 10 => (seconds, "0.00", "s"),
            _ when seconds < 100 => (seconds, "0.0", "s"),
            _ => (seconds, "0", "s"),
        };
        return $"{value.ToString(format, CultureInfo.InvariantCulture)} {unit}";
    }

    // A total row, then one row per value of the tags (alphabetical), unless there was nothing and it is not always shown.
    private static void AddSection(List<Row> rows, MetricsSnapshot snapshot, string label, string instrument, string tag,
        string? secondTag, bool always)
    {
        var total = snapshot.Sum(instrument);
        if (total == 0 && !always) return;
        rows.Add(Count(label, total));
        var breakdown = secondTag is null
            ? Breakdown(snapshot, instrument, tag)
            : Breakdown(snapshot, instrument, tag, secondTag);
        foreach (var (value, count) in breakdown.OrderBy(b => b.Label, StringComparer.Ordinal)) rows.Add(Count($"  {value}", count));
    }

    // The counter's totals by the values of tags (joined with a space), leaving out the zero ones.
    private static IEnumerable<(string Label, long Count)> Breakdown(MetricsSnapshot snapshot, string instrument,
        params string[] tags) =>
        snapshot.CountersOf(instrument)
            .GroupBy(c => string.Join(' ', tags.Select(t => c.Tags.GetValueOrDefault(t, "?"))))
            .Select(g => (g.Key, g.Sum(c => c.Value)))
            .Where(g => g.Item2 != 0);

    private static int OutcomeRank(string outcome)
    {
        var rank = Array.IndexOf(s_outcomeOrder, outcome);
        return rank < 0 ? s_outcomeOrder.Length : rank;
    }

    private static Row Count(string label, long count) => new(label, Number(count), "", "");

    private static Row Latency(string label, long count, Distribution? values) => values is { Count: > 0 }
        ? new Row(label, Number(count), Duration(values.Quantile(0.5)), Duration(values.Quantile(0.99)))
        : Count(label, count);

    private static string Number(long count) => count.ToString(CultureInfo.InvariantCulture);

    private sealed record Row(string Label, string Count, string P50, string P99)
    {
        public string Line() =>
            $"{Label.PadRight(LabelWidth)}{Count.PadLeft(ColumnWidth)}{P50.PadLeft(ColumnWidth)}{P99.PadLeft(ColumnWidth)}".TrimEnd() + "\n";
    }
}
