using System.Globalization;

namespace ActorTcp.Benchmarks;

/// <summary>Which side(s) of a workload to run.</summary>
public enum Sides
{
    /// <summary>ActorTcp and the raw client, interleaved run by run.</summary>
    Both,

    /// <summary>ActorTcp only (e.g. under a profiler).</summary>
    ActorTcp,

    /// <summary>The raw client only.</summary>
    Raw,
}

/// <summary>The command line of <c>actortcp-bench</c>.</summary>
public sealed record BenchOptions(IReadOnlySet<string> Only, int Runs, int Warmups, double Scale, Sides Sides,
    int MessageSize, TimeSpan RunTimeout, bool AllocationProfile = false, string Hocon = "", int TasksInFlight = 200,
    string? JsonPath = null)
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        actortcp-bench [--only W1,W2,...] [--runs 5] [--warmup 1] [--scale 1.0] [--side both|actortcp|raw]
                       [--size 64] [--timeout 180] [--alloc-profile] [--hocon 'key = value'] [--in-flight 200]
                       [--json FILE]
          --only     workloads to run (W1, W1P, W1U, W1M, W1T, W2, W2M, W2C10, W2C1000, W3..W5, W6S, W6, W7, W8,
                     W8N, W8S, W9; default all); W1U brings W1P, W1P, W1M and W1T bring W1, W2M, W2C10 and W2C1000
                     bring W2, W7 brings W6, W6 brings W6S (compared); W8, W8N and W8S need python3; W9 needs clamd
                     and rspamd's lualib (Debian packages)
          --runs     measured runs per side and workload (default 5); the table shows median and min-max
          --warmup   unmeasured runs per side first (default 1)
          --scale    multiplies every workload's size (0.1 for a quick run)
          --side     run only one side (for profiling); ratios need both
          --size     message size in bytes, '\n' included (default 64)
          --timeout  seconds one run may take before the workload is reported as failed (default 180)
          --hocon    HOCON layered over ActorTcp's settings (repeatable), e.g. 'akka.io.tcp.maximum-frame-size = 4k'
          --in-flight  tasks in flight at once in the task rows (W6S, W6, W7; default 200); 1 gives unloaded latencies
          --alloc-profile  after each workload, print the types each side allocated in its last run (bytes/op)
          --json     also write the run's rows, command line, date and machine to FILE (for Benchmarks/Plot)
        """;

    /// <summary>Every workload id.</summary>
    public static readonly string[] AllWorkloads =
        ["W1", "W1P", "W1U", "W1M", "W1T", "W2", "W2M", "W2C10", "W2C1000", "W3", "W4", "W5", "W6S", "W6", "W7", "W8", "W8N", "W8S", "W9"];

    /// <summary>Parses <paramref name="args"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(string[] args, out BenchOptions options, out string error)
    {
        options = new BenchOptions(AllWorkloads.ToHashSet(), 5, 1, 1.0, Sides.Both, 64, TimeSpan.FromSeconds(180));
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--alloc-profile")
            {
                options = options with { AllocationProfile = true };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                error = name is "--help" or "-h" ? "" : $"{name} needs a value";
                return false;
            }
            var value = args[++i];
            try
            {
                options = name switch
                {
                    "--only" => options with { Only = ParseOnly(value) },
                    "--runs" => options with { Runs = Positive(int.Parse(value, CultureInfo.InvariantCulture)) },
                    "--warmup" => options with { Warmups = Math.Max(0, int.Parse(value, CultureInfo.InvariantCulture)) },
                    "--scale" => options with { Scale = PositiveScale(double.Parse(value, CultureInfo.InvariantCulture)) },
                    "--side" => options with { Sides = Enum.Parse<Sides>(value, ignoreCase: true) },
                    "--hocon" => options with { Hocon = options.Hocon + value + "\n" },
                    "--json" => options with { JsonPath = InExistingFolder(value) },
                    "--in-flight" => options with { TasksInFlight = Positive(int.Parse(value, CultureInfo.InvariantCulture)) },
                    "--size" => options with { MessageSize = Math.Max(2, int.Parse(value, CultureInfo.InvariantCulture)) },
                    "--timeout" => options with
                    {
                        RunTimeout = TimeSpan.FromSeconds(Positive(int.Parse(value, CultureInfo.InvariantCulture))),
                    },
                    _ => throw new FormatException($"unknown option {name}"),
                };
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            {
                error = $"{name} {value}: {e.Message}";
                return false;
            }
        }
        return true;
    }

    private static HashSet<string> ParseOnly(string value)
    {
        var set = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToUpperInvariant()).ToHashSet();
        var unknown = set.Except(AllWorkloads).ToArray();
        if (unknown.Length > 0 || set.Count == 0)
            throw new FormatException($"workloads are {string.Join(",", AllWorkloads)}");
        return set;
    }

    /// <summary>A file path whose folder exists: a typo should fail now, not after the whole run.</summary>
    private static string InExistingFolder(string path) =>
        Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path)))
            ? path
            : throw new FormatException("its folder does not exist");

    private static int Positive(int value) => value > 0 ? value : throw new FormatException("must be positive");

    private static double PositiveScale(double value) =>
        value is > 0 and <= 10 ? value : throw new FormatException("must be in (0, 10]");
}
