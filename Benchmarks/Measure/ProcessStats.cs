using System.Globalization;

namespace ActorTcp.Benchmarks.Measure;

/// <summary>What Linux says about a process: resident memory and CPU time, read from /proc.</summary>
public static class ProcessStats
{
    // USER_HZ: /proc/PID/stat counts CPU time in these ticks; 100 on every Linux the benchmark targets.
    private const double TicksPerSecond = 100.0;

    /// <summary>This process's resident set size now, in bytes (VmRSS).</summary>
    public static long ResidentBytes() => StatusKiB("VmRSS:") * 1024;

    /// <summary>This process's peak resident set size, in bytes (VmHWM).</summary>
    public static long PeakResidentBytes() => StatusKiB("VmHWM:") * 1024;

    /// <summary>User + system CPU time of process <paramref name="pid"/>.</summary>
    public static TimeSpan CpuTimeOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    private static long StatusKiB(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            var value = line.AsSpan(key.Length).Trim();
            return long.Parse(value[..value.IndexOf(' ')], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"/proc/self/status has no {key}");
    }
}
