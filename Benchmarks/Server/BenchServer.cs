using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using ActorTcp.Benchmarks.Measure;

namespace ActorTcp.Benchmarks.Server;

/// <summary>
/// The peer of every workload: <c>bench_server.c</c> (one epoll thread on 127.0.0.1), compiled with <c>gcc -O2</c> at
/// start into a temporary folder and run as a child process, so its CPU is not the benchmark's and can be shown apart.
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private BenchServer(Process process, string folder, IPEndPoint echo, IPEndPoint secondEcho, IPEndPoint stream)
    {
        _process = process;
        _folder = folder;
        Echo = echo;
        SecondEcho = secondEcho;
        Stream = stream;
    }

    /// <summary>Echoes every byte it reads.</summary>
    public IPEndPoint Echo { get; }

    /// <summary>The same echo on another port: a second backend for an upstream list (W1P, W1U).</summary>
    public IPEndPoint SecondEcho { get; }

    /// <summary>Sends the stream size given at start on accept, then closes.</summary>
    public IPEndPoint Stream { get; }

    /// <summary>The server's user + system CPU time so far (from /proc).</summary>
    public TimeSpan CpuTime => ProcessStats.CpuTimeOf(_process.Id);

    /// <summary>Compiles and starts the server; <paramref name="streamBytes"/> is what the stream port sends.</summary>
    public static async Task<BenchServer> StartAsync(long streamBytes, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("actortcp-bench-").FullName;
        var source = Path.Combine(folder, "bench_server.c");
        var binary = Path.Combine(folder, "bench_server");
        await using (var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("bench_server.c")
                                    ?? throw new InvalidOperationException("bench_server.c is not embedded"))
        await using (var file = File.Create(source))
            await resource.CopyToAsync(file, cancellationToken).ConfigureAwait(false);

        await CompileAsync(source, binary, cancellationToken).ConfigureAwait(false);

        var start = new ProcessStartInfo(binary, streamBytes.ToString(CultureInfo.InvariantCulture))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("bench_server did not start");
        try
        {
            var echo = await ReadPortAsync(process, "echo", cancellationToken).ConfigureAwait(false);
            var secondEcho = await ReadPortAsync(process, "echo2", cancellationToken).ConfigureAwait(false);
            var stream = await ReadPortAsync(process, "stream", cancellationToken).ConfigureAwait(false);
            return new BenchServer(process, folder, new IPEndPoint(IPAddress.Loopback, echo),
                new IPEndPoint(IPAddress.Loopback, secondEcho), new IPEndPoint(IPAddress.Loopback, stream));
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>Closes every connection the server accepted; returns how many it closed.</summary>
    public async Task<int> DropAllAsync(CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync("drop").ConfigureAwait(false);
        await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        var line = await _process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line is null || !line.StartsWith("dropped ", StringComparison.Ordinal))
            throw new InvalidOperationException($"bench_server answered '{line}' to drop");
        return int.Parse(line.AsSpan(8), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // EOF on its stdin ends the server; kill it only if it does not go within a few seconds.
        _process.StandardInput.Close();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task CompileAsync(string source, string binary, CancellationToken cancellationToken)
    {
        var gcc = new ProcessStartInfo("gcc", ["-O2", "-Wall", "-o", binary, source])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(gcc) ?? throw new InvalidOperationException("gcc did not start");
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0) throw new InvalidOperationException($"gcc failed on bench_server.c:\n{errors}");
    }

    private static async Task<int> ReadPortAsync(Process process, string name, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        var prefix = name + " ";
        if (line is null || !line.StartsWith(prefix, StringComparison.Ordinal))
            throw new InvalidOperationException($"bench_server printed '{line}', expected '{prefix}PORT'");
        return int.Parse(line.AsSpan(prefix.Length), CultureInfo.InvariantCulture);
    }
}
