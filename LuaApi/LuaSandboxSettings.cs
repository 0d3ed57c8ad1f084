using Akka.Configuration;

namespace ActorTcp.LuaApi;

/// <summary>
/// How the Lua state runs plugins and what they may do (<c>actortcp.lua { }</c> in HOCON.conf): the collector's mode,
/// the instruction budget of one run, the state's memory limit, and which parts of the standard library plugins see. Plugins never get a bridge into .NET either way: ActorTcp calls Lua
/// through its C API and registers no CLR loader (<c>import</c>, <c>luanet</c>, <c>load_assembly</c> do not exist).
/// </summary>
public sealed record LuaSandboxSettings
{
    /// <summary>The default budget: about a second of plain Lua on current hardware, far above any sane callback.</summary>
    public const long DefaultInstructionBudget = 100_000_000;

    /// <summary>Most Lua instructions one run of a callback or script body (one resume) may execute; 0 = unlimited.</summary>
    public long InstructionBudget { get; init; } = DefaultInstructionBudget;

    /// <summary>
    /// The most <c>memory-limit = auto</c> gives: far above what rspamd plugins hold (kilobytes to a few megabytes),
    /// far below what takes a server down. Machines with at least 2 GiB of memory per processor all get this.
    /// </summary>
    public const long DefaultMemoryLimit = 1L << 30;

    /// <summary>The least <c>memory-limit = auto</c> gives, however small the machine.</summary>
    public const long MinAutoMemoryLimit = 64L << 20;

    /// <summary>
    /// <c>memory-limit = auto</c>: a share of the memory the process may use (the container's limit when there is one)
    /// such that one Lua state per processor, all at their limit, take half of it; at most
    /// <see cref="DefaultMemoryLimit"/>, at least <see cref="MinAutoMemoryLimit"/>.
    /// </summary>
    public static long AutoMemoryLimit(long availableBytes, int processors) =>
        Math.Clamp(availableBytes / (2L * Math.Max(1, processors)), MinAutoMemoryLimit, DefaultMemoryLimit);

    /// <summary>The smallest non-zero memory limit: the host's own modules need a few hundred kilobytes.</summary>
    public const long MinMemoryLimit = 1L << 20;

    /// <summary>
    /// Most bytes the Lua state may hold (<c>memory-limit</c>), counted by its allocator; past it, Lua code gets Lua's
    /// <c>not enough memory</c> error. 0 = no limit.
    /// </summary>
    public long MemoryLimit { get; init; } = DefaultMemoryLimit;

    /// <summary>Whether plugins see the whole <c>debug</c> library (else only <c>traceback</c> and <c>getinfo</c>).</summary>
    public bool DebugLibrary { get; init; }

    /// <summary>Whether plugins lose the parts of <c>os</c>, <c>io</c> and <c>package</c> that reach the host process.</summary>
    public bool RestrictedStdlib { get; init; }

    /// <summary>
    /// Lua's generational collector (else the incremental one). Callbacks allocate short-lived values (one text per
    /// received chunk): young collections free them without marking the whole state again (W3 in BENCHMARKS.md).
    /// </summary>
    public bool GenerationalGc { get; init; } = true;

    /// <summary>
    /// <c>actortcp.lua.callback.duration</c> times one run in this many on each host, on average, at random gaps
    /// (<c>run-duration-sample</c>; 1 = every run; <see cref="RunSampler"/>). Two clock reads and a histogram record per
    /// run, on the host's thread that every callback waits for, were most of the 9% of W2's round trips the metrics
    /// first cost with an exporter listening (BENCHMARKS.md); a sample keeps the percentiles.
    /// </summary>
    public int RunDurationSample { get; init; } = 16;

    /// <summary>The defaults (the same values HOCON.conf holds).</summary>
    public static LuaSandboxSettings Default { get; } = new();

    /// <summary>Reads <c>actortcp.lua</c> of <paramref name="config"/>; absent keys keep their defaults.</summary>
    public static LuaSandboxSettings Create(Config? config)
    {
        var c = config?.GetConfig("actortcp.lua");
        var d = Default;
        if (c is null || c.IsEmpty) return d;
        var budget = c.GetLong("instruction-budget", d.InstructionBudget);
        if (budget < 0) throw new ConfigurationException("actortcp.lua.instruction-budget must be 0 (unlimited) or positive");
        var sample = c.GetInt("run-duration-sample", d.RunDurationSample);
        if (sample < 1) throw new ConfigurationException("actortcp.lua.run-duration-sample must be 1 (every run) or more");
        return new LuaSandboxSettings
        {
            InstructionBudget = budget,
            RunDurationSample = sample,
            MemoryLimit = ReadMemoryLimit(c, d.MemoryLimit),
            DebugLibrary = c.GetBoolean("debug-library", d.DebugLibrary),
            RestrictedStdlib = c.GetBoolean("restricted-stdlib", d.RestrictedStdlib),
            GenerationalGc = c.GetString("gc", d.GenerationalGc ? "generational" : "incremental") switch
            {
                "generational" => true,
                "incremental" => false,
                var other => throw new ConfigurationException($"actortcp.lua.gc must be generational or incremental, not '{other}'"),
            },
        };
    }

    private static long ReadMemoryLimit(Config c, long fallback)
    {
        const string key = "actortcp.lua.memory-limit";
        if (string.Equals(c.GetString("memory-limit"), "auto", StringComparison.OrdinalIgnoreCase))
            return AutoMemoryLimit(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, Environment.ProcessorCount);
        long? limit;
        try
        {
            limit = c.GetByteSize("memory-limit");
        }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException)
        {
            throw new ConfigurationException($"{key} must be auto, a byte size (such as 512MiB or 1GiB) or 0 (no limit), not '{c.GetString("memory-limit")}'");
        }
        return limit switch
        {
            null => fallback,
            0 => 0,
            < MinMemoryLimit => throw new ConfigurationException($"{key} must be 0 (no limit) or at least 1MiB, got {limit} bytes"),
            var bytes => bytes.Value,
        };
    }
}
