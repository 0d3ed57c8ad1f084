using System.Diagnostics;
using System.Text;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// Runs the built <c>actortcp</c> as a separate process (the build copies it, with its deps and runtime config, beside
/// the test assembly) and captures its exit code, stdout and stderr. Every run is bounded: the process tree is killed
/// after the timeout and the run fails.
/// </summary>
public static class ActortcpProcess
{
    /// <summary>Default bound of one run.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The built actortcp.dll beside the test assembly.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "actortcp.dll");

    /// <summary>The repository's root (the folder holding ActorTcp.sln), found upwards from the test assembly.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            for (var i = 0; i < 10 && dir is not null; i++, dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ActorTcp.sln"))) return dir.FullName;
            throw new InvalidOperationException($"ActorTcp.sln not found above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The path of <c>examples/<paramref name="name"/></c>.</summary>
    public static string Example(string name) => Path.Combine(RepositoryRoot, "examples", name);

    /// <summary>Runs <c>actortcp <paramref name="args"/></c> in <paramref name="workingDirectory"/> (default: the repository root).</summary>
    public static Task<ProcessResult> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null,
        string? workingDirectory = null)
    {
        if (!File.Exists(Dll)) throw new InvalidOperationException($"{Dll} is missing: the test project must reference Hosting");
        return RunProgramAsync(DotnetHost(), ["exec", Dll, .. args], timeout, workingDirectory);
    }

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="args"/> in <paramref name="workingDirectory"/> (default: the
    /// repository root), bounded like <see cref="RunAsync"/>; <paramref name="environment"/> sets (or, with null, removes)
    /// variables of the child's environment.
    /// </summary>
    public static async Task<ProcessResult> RunProgramAsync(string program, IReadOnlyList<string> args, TimeSpan? timeout = null,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? RepositoryRoot,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("the process did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException(
                $"{Path.GetFileName(program)} {string.Join(' ', args)} did not exit within {timeout ?? DefaultTimeout}\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }
        return new ProcessResult(process.ExitCode, Normalize(await stdout), Normalize(await stderr), clock.Elapsed);
    }

    /// <summary>The dotnet that runs the tests (<c>dotnet test</c> tells child processes which), or the one on PATH.</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}

/// <summary>What one actortcp process did.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>Everything, for assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode} after {Elapsed}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>A Lua script in a fresh folder under the temp folder, deleted on dispose.</summary>
public sealed class TempScript : IDisposable
{
    /// <summary>Writes <paramref name="lua"/> to <c>NAME</c> in a fresh folder.</summary>
    public TempScript(string lua, string name = "script.lua")
    {
        // Short: Lua abbreviates chunk names longer than 60 characters in messages.
        Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "actortcp-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Folder);
        Path = System.IO.Path.Combine(Folder, name);
        File.WriteAllText(Path, lua);
    }

    /// <summary>The folder holding the script.</summary>
    public string Folder { get; }

    /// <summary>The script's path.</summary>
    public string Path { get; }

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
