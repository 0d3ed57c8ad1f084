using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorTcp.Benchmarks.LuaHost;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;
using ActorTcp.Tests.Support;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W9: rspamd's clamav.lua (from rspamd's installed Lua library, set up by examples/scanners/scanners.lua, whole-message
/// mode) scanning a 100 KB clean mail per task against a real clamd (the tests' offline one, one signature), against a
/// plain .NET INSTREAM client doing the same exchange on a new connection per scan. clamd's own time dominates both;
/// the ratio is what ActorTcp's layer (task, Lua, rspamd_tcp, upstreams) costs on top.
/// </summary>
public sealed class W9ClamavScan(double scale) : Workload
{
    private const int MessageBytes = 100 * 1024;
    private const int InFlight = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly int _count = Scaled(2_000, scale);
    private readonly byte[] _message = CleanMessage();
    private ClamdServer? _clamd;
    private LuaBenchHost? _host;

    public override string Id => "W9";

    public override string Title =>
        $"W9: {_count} scans, {InFlight} in flight, of a {MessageBytes / 1024} KB clean mail by clamd: rspamd's clamav.lua vs an INSTREAM client";

    public override IReadOnlyList<Metric> Metrics => TaskLoop.Metrics(Id, Target.RatioAtLeast(0.9), Target.None("none"), Target.None("none"));

    public override async Task SetUpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        if (!File.Exists(Installed.Clamd) || !Directory.Exists(Installed.Lualib))
            throw new InvalidOperationException($"W9 needs {Installed.Clamd} and {Installed.Lualib}: apt-get install clamav-daemon rspamd");
        _clamd = new ClamdServer();
        _host = await LuaBenchHost.StartAsync(context.Hocon + $"\nactortcp.lua.rspamd-lualib = \"{Installed.Lualib}\"\n",
            cancellationToken).ConfigureAwait(false);
        var settings = $"scanner_settings = {{clamav = {{type = 'clamav', servers = '{_clamd.Servers}', scan_mime_parts = false, timeout = 5}}}}";
        await _host.LoadPluginAsync("settings.lua", Encoding.UTF8.GetBytes(settings), cancellationToken).ConfigureAwait(false);
        var plugin = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot(), "examples", "scanners", "scanners.lua"),
            cancellationToken).ConfigureAwait(false);
        await _host.LoadPluginAsync("scanners.lua", plugin, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask TearDownAsync()
    {
        if (_host is { } host) await host.DisposeAsync().ConfigureAwait(false);
        _clamd?.Dispose();
        (_host, _clamd) = (null, null);
    }

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var host = _host ?? throw new InvalidOperationException("W9 is not set up");
        var fields = new Dictionary<string, object?> { ["message"] = _message };
        async Task<int> ScanOne(CancellationToken token)
        {
            var result = await host.RunTaskAsync("clamav", fields, Deadline, token).ConfigureAwait(false);
            if (!result.Succeeded) throw new InvalidOperationException("a scan failed: " + result.Error?.Split('\n')[0]);
            if (result.InsertedSymbols.Count > 0) throw new InvalidOperationException($"a clean mail gave {result.InsertedSymbols[0]}");
            return 0;
        }
        var run = await TaskLoop.RunAsync(_count, InFlight, 1, ScanOne, cancellationToken).ConfigureAwait(false);
        return new Outcome(_count, Latency: run.Latency);
    }

    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var clamd = new IPEndPoint(IPAddress.Loopback, (_clamd ?? throw new InvalidOperationException("W9 is not set up")).Port);
        var request = Instream(_message);
        async Task<int> ScanOne(CancellationToken token)
        {
            using var socket = await RawSocket.ConnectAsync(clamd, token).ConfigureAwait(false);
            await socket.SendAsync(request, SocketFlags.None, token).ConfigureAwait(false);
            var reply = await ReadToNulAsync(socket, token).ConfigureAwait(false);
            if (reply != "stream: OK") throw new InvalidOperationException($"clamd answered '{reply}'");
            return 0;
        }
        var run = await TaskLoop.RunAsync(_count, InFlight, 1, ScanOne, cancellationToken).ConfigureAwait(false);
        return new Outcome(_count, Latency: run.Latency);
    }

    /// <summary>clamav.lua's exchange: <c>zINSTREAM\0</c>, the length (4 bytes, big-endian), the bytes, a zero length.</summary>
    private static byte[] Instream(byte[] content)
    {
        var request = new byte[10 + 4 + content.Length + 4];
        "zINSTREAM\0"u8.CopyTo(request);
        BinaryPrimitives.WriteUInt32BigEndian(request.AsSpan(10), (uint)content.Length);
        content.CopyTo(request, 14);
        return request;
    }

    private static async Task<string> ReadToNulAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            filled += n;
            var nul = Array.IndexOf(buffer, (byte)0, 0, filled);
            if (nul >= 0) return Encoding.ASCII.GetString(buffer, 0, nul);
        }
        throw new InvalidOperationException("clamd's reply has no NUL: " + Encoding.ASCII.GetString(buffer, 0, filled));
    }

    private static byte[] CleanMessage()
    {
        var text = new StringBuilder("From: a@example.com\r\nTo: b@example.net\r\nSubject: clean\r\n\r\n");
        for (var i = 0; text.Length < MessageBytes; i++) text.Append("Line ").Append(i).Append(" of an ordinary mail body, nothing in it.\r\n");
        return Encoding.ASCII.GetBytes(text.ToString(0, MessageBytes));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorTcp.sln"))) return dir.FullName;
        throw new InvalidOperationException("W9 runs from the repository (it loads examples/scanners/scanners.lua)");
    }
}
