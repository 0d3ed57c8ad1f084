using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorTcp.Tests.Hosting;

/// <summary>One running actortcp process whose stderr is collected line by line.</summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Starts <c>actortcp ARGS</c>, with <paramref name="environment"/> added to this process's environment.</summary>
    public NodeProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(ActortcpProcess.Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException("actortcp did not start");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) _lines.Enqueue(e.Data);
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>A port free on 127.0.0.1 a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public string Stderr => string.Join('\n', _lines);

    public async Task WaitForLineAsync(string text, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        while (!_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (clock.Elapsed > wait || _process.HasExited)
                throw new TimeoutException($"no line '{text}' (exited: {_process.HasExited})\n{Stderr}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM, as an init system stops a node.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGKILL: the node dies without a word to the cluster, as a crash or the OOM killer ends it.</summary>
    public void Kill() => Signal("KILL");

    private void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", $"{_process.Id}"]) ?? throw new InvalidOperationException("kill did not start");
        kill.WaitForExit();
    }

    public async Task<int> ExitCodeAsync(TimeSpan wait)
    {
        using var limit = new CancellationTokenSource(wait);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"actortcp did not exit within {wait}\n{Stderr}");
        }
        _process.WaitForExit(); // the last stderr lines
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
