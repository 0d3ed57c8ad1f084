using ActorTcp.Actors.Metrics;
using Xunit;

namespace ActorTcp.Tests.Metrics;

/// <summary><see cref="SummaryTable"/> on fixed snapshots: the rows, their order, what is left out, the durations.</summary>
public sealed class StatsTableTests
{
    private static Dictionary<string, string> Tags(params (string Key, string Value)[] tags) =>
        tags.ToDictionary(t => t.Key, t => t.Value);

    private static CounterSeries Counter(string name, long value, params (string, string)[] tags) => new(name, Tags(tags), value);

    private static HistogramSeries Histogram(string name, double[] seconds, params (string, string)[] tags) =>
        new(name, Tags(tags), Distribution.Of(seconds));

    [Fact]
    public void A_snapshot_of_a_run_is_a_table_of_outcomes_latencies_bytes_runs_and_what_else_happened()
    {
        var snapshot = new MetricsSnapshot(
            [
                Counter("actortcp.connection.closed", 1, ("outcome", "timeout")),
                Counter("actortcp.connection.closed", 3, ("outcome", "ok")),
                Counter("actortcp.connection.closed", 1, ("outcome", "refused")),
                Counter("actortcp.connection.opened", 5),
                Counter("actortcp.io.bytes", 1234, ("network.io.direction", "receive")),
                Counter("actortcp.io.bytes", 56, ("network.io.direction", "transmit")),
                Counter("actortcp.lua.callbacks", 9, ("kind", "callback"), ("outcome", "returned")),
                Counter("actortcp.lua.callbacks", 1, ("kind", "callback"), ("outcome", "failed")),
                Counter("actortcp.lua.callbacks", 2, ("kind", "body"), ("outcome", "returned")),
                Counter("actortcp.lua.budget_stops", 1, ("kind", "callback")),
                Counter("actortcp.lua.sessions", 2, ("kind", "script"), ("outcome", "ok")),
                Counter("actortcp.dns.lookups", 1, ("kind", "address"), ("outcome", "ok")),
            ],
            [
                Histogram("actortcp.connection.duration", [0.0123, 0.0456, 0.00789], ("outcome", "ok")),
                Histogram("actortcp.connection.duration", [0.0004], ("outcome", "refused")),
                Histogram("actortcp.connection.duration", [2.5], ("outcome", "timeout")),
                Histogram("actortcp.connection.connect.duration", [0.0002, 0.0003, 0.0011, 0.0009], ("outcome", "ok")),
                Histogram("actortcp.connection.connect.duration", [0.0004], ("outcome", "refused")),
            ]);

        Assert.Equal("""
            stats                            count       p50       p99
            connections (start to end)           5
              ok                                 3   12.3 ms   45.6 ms
              refused                            1  0.400 ms  0.400 ms
              timeout                            1    2.50 s    2.50 s
            connects that succeeded              4  0.300 ms   1.10 ms
            bytes received                    1234
            bytes transmitted                   56
            lua runs                            12
              body returned                      2
              callback failed                    1
              callback returned                  9
            lua budget stops                     1
            lua sessions                         2
              script ok                          2
            dns lookups                          1
              address ok                         1

            """.ReplaceLineEndings("\n"), SummaryTable.Format(snapshot));
    }

    [Fact]
    public void An_empty_snapshot_keeps_the_connection_byte_and_lua_rows_and_leaves_out_sessions_tasks_and_lookups()
    {
        Assert.Equal("""
            stats                            count       p50       p99
            connections (start to end)           0
            connects that succeeded              0
            bytes received                       0
            bytes transmitted                    0
            lua runs                             0
            lua budget stops                     0

            """.ReplaceLineEndings("\n"), SummaryTable.Format(MetricsSnapshot.Empty));
    }

    [Fact]
    public void Tasks_are_counted_by_outcome_whatever_their_function()
    {
        var snapshot = new MetricsSnapshot(
            [
                Counter("actortcp.lua.tasks", 4, ("function", "check_a"), ("outcome", "ok")),
                Counter("actortcp.lua.tasks", 2, ("function", "check_b"), ("outcome", "ok")),
                Counter("actortcp.lua.tasks", 1, ("function", "check_b"), ("outcome", "timeout")),
            ], []);

        Assert.Contains("lua tasks                            7\n  ok                                 6\n  timeout                            1\n",
            SummaryTable.Format(snapshot));
    }

    [Theory]
    [InlineData(0.000_021_4, "0.021 ms")]
    [InlineData(0.000_214, "0.214 ms")]
    [InlineData(0.002_14, "2.14 ms")]
    [InlineData(0.041_23, "41.2 ms")]
    [InlineData(0.412_3, "412 ms")]
    [InlineData(1.254, "1.25 s")]
    [InlineData(12.54, "12.5 s")]
    [InlineData(125.4, "125 s")]
    public void Durations_have_three_significant_digits_in_milliseconds_below_a_second(double seconds, string text) =>
        Assert.Equal(text, SummaryTable.Duration(seconds));
}
