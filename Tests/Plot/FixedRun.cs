namespace ActorTcp.Tests.Plot;

/// <summary>
/// A small run in the format <c>actortcp-bench --json</c> writes (figures rounded from a real run): W2's row has every
/// field, the others only those the pictures read (a missing field reads as null). W1, W2 at 10, 100 and 1000
/// connections, W3, and a W4 row whose unit is not a throughput, so the rows picture must leave it out.
/// </summary>
internal static class FixedRun
{
    public const string Json = """
        {
          "command": "actortcp-bench --only W1,W2,W2C10,W2C1000,W3,W4 --runs 3 --json run.json",
          "date": "2026-12-07T06:40:58.349338+00:00",
          "machine": "2 cores, Debian GNU/Linux 12 (bookworm), .NET 10.0.12, 3 runs after 1 warm-up, 64-byte messages, scale 1",
          "rows": [
            { "id": "W1", "unit": "round trips/s", "ratio": 0.919, "connections": null,
              "actorTcp": { "median": 9100, "min": 8800, "max": 9400 }, "raw": { "median": 9900, "min": 9600, "max": 10100 } },
            { "id": "W2", "unit": "round trips/s", "actorTcp": { "median": 44000, "min": 42000, "max": 45000 },
              "raw": { "median": 58000, "min": 56000, "max": 60000 }, "ratio": 0.759, "target": ">= 0.8", "result": "miss",
              "allocatedBytesPerOp": { "actorTcp": 930, "raw": 170 }, "cpuMicrosPerOp": { "actorTcp": 21, "raw": 11 },
              "serverCpuPercent": { "actorTcp": "NaN", "raw": 35 }, "connections": 100 },
            { "id": "W2C10", "unit": "round trips/s", "ratio": 0.257, "connections": 10,
              "actorTcp": { "median": 19000, "min": 18000, "max": 21000 }, "raw": { "median": 74000, "min": 70000, "max": 76000 } },
            { "id": "W2C1000", "unit": "round trips/s", "ratio": 0.638, "connections": 1000,
              "actorTcp": { "median": 30000, "min": 28000, "max": 31000 }, "raw": { "median": 47000, "min": 45000, "max": 48000 } },
            { "id": "W3", "unit": "MB/s", "ratio": 1.056,
              "actorTcp": { "median": 1900, "min": 1700, "max": 2000 }, "raw": { "median": 1800, "min": 1750, "max": 1900 } },
            { "id": "W4 RSS", "unit": "B/conn", "ratio": 3.0,
              "actorTcp": { "median": 6000, "min": 5800, "max": 6100 }, "raw": { "median": 2000, "min": 1900, "max": 2100 } }
          ]
        }
        """;
}
