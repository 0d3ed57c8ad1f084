using System.Diagnostics;
using System.Text;

namespace ActorTcp.Tests.Support;

/// <summary>
/// A real server binary run by a test (dnsmasq, redis-server): started with its stdout and stderr captured, and killed
/// when the test is done.
/// </summary>
internal static class ServerProcess
{
    /// <summary>Starts <paramref name="binary"/> with <paramref name="arguments"/>; every output line is appended to <paramref name="output"/> (locked).</summary>
    public static Process Start(string binary, IEnumerable<string> arguments, StringBuilder output)
    {
        var info = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills the process if it still runs, waits (bounded) for it to exit, and releases it.</summary>
    public static void Kill(Process process)
    {
        try
        {
            // spamd preforks: its children must go with it.
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }
}
