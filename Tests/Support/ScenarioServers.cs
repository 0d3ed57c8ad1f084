using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using ActorTcp.TestKit;

namespace ActorTcp.Tests.Support;

/// <summary>
/// The servers the Lua scenarios (Tests/Lua/Scenarios) talk to: named <see cref="ScriptedPeer"/>s on 127.0.0.1 with
/// ephemeral ports, a unix socket peer, a refusing port, a missing unix socket path and a dnsmasq for DNS names. Meant
/// as an xunit class fixture: everything is started once for the test class and disposed after it. Every server is
/// bounded: each serves at most <see cref="MaxConnections"/> connections, no operation waits longer than 10 s, idle
/// holds last a few seconds at most, and the servers stop when disposed.
/// Their scripts are code that treats the client going away as their end: the fixture never checks them.
/// </summary>
/// <remarks>
/// Each server's behaviour is part of the scenarios' expected output, so it is documented here and nowhere else:
/// <list type="table">
/// <item><term>lines</term><description>reads one chunk of request, answers <c>line1\r\nline2\r\n</c> in one send,
/// keeps the connection open ~1 s (reading and dropping), then closes (FIN).</description></item>
/// <item><term>chunked</term><description>on accept sends <c>AB</c>, <c>C\r</c>, <c>\nDEF</c>, <c>\r\n</c>,
/// <c>tail</c> with 100 ms gaps, then closes.</description></item>
/// <item><term>banner</term><description>on accept sends <c>220 hello\r\n</c>, then answers each line <c>X\r\n</c>
/// it reads with <c>got:X\r\n</c> until the client closes.</description></item>
/// <item><term>echo</term><description>sends back every chunk it reads, until the client closes.</description></item>
/// <item><term>sink</term><description>reads until FIN, answers <c>got N\n</c> (N bytes read), closes.</description></item>
/// <item><term>hexdump</term><description>reads until FIN, answers the lowercase hex of every byte read and
/// <c>\n</c>, closes.</description></item>
/// <item><term>silent</term><description>accepts, never sends, never closes (until the client closes or the fixture
/// is disposed).</description></item>
/// <item><term>close_now</term><description>closes (FIN) right after accept.</description></item>
/// <item><term>close_after_read</term><description>reads one chunk, closes without a reply.</description></item>
/// <item><term>close_later</term><description>accepts, sends nothing, closes after ~1 s.</description></item>
/// <item><term>noterm</term><description>on accept sends <c>partial-no-terminator</c>, closes.</description></item>
/// <item><term>drip</term><description>on accept sends <c>.</c> every 0.4 s six times, then <c>\r\n</c>; then keeps
/// the connection open until the client closes (at most 3 s).</description></item>
/// <item><term>leftover</term><description>on accept sends <c>line1\r\nX</c>, 0.5 s later <c>YZ\r\n</c>, then
/// waits for the client to close (at most 3 s).</description></item>
/// <item><term>leftover_ge</term><description>on accept sends <c>line1\r\nXYZ</c>, 0.5 s later <c>W\r\n</c>, then
/// waits for the client to close (at most 3 s).</description></item>
/// <item><term>big_line</term><description>on accept sends <c>"0123456789" x 10000</c> (100000 bytes) and
/// <c>\n</c>, then waits for the client to close (at most 5 s).</description></item>
/// <item><term>big_noline</term><description>on accept sends the same 100000 bytes without newline, closes.</description></item>
/// <item><term>big_body</term><description>on accept sends <c>"0123456789abcdef" x 524288</c> (8 MiB) and
/// <c>\r\nEN</c>, 100 ms later <c>D\r\nafter</c>, then closes.</description></item>
/// <item><term>binary</term><description>reads one chunk, answers the 256 bytes 0x00..0xFF then <c>\r\n</c>, waits
/// for the client to close (at most 3 s).</description></item>
/// <item><term>reset</term><description>reads one chunk, then resets the connection (RST).</description></item>
/// <item><term>many</term><description>for the concurrency scenario (not limited to 256 connections): per
/// connection reads one line up to <c>\n</c> and sends it back with its <c>\n</c>, then waits for the client to
/// close.</description></item>
/// <item><term>count</term><description>reads until FIN without keeping the bytes (for 100 MB writes), answers
/// <c>got N\n</c>, closes.</description></item>
/// <item><term>closed</term><description>a port on 127.0.0.1 where nothing listens (connect is refused).</description></item>
/// <item><term>unix</term><description>a unix socket server behaving like <c>banner</c> but greeting
/// <c>220 unix\r\n</c>.</description></item>
/// </list>
/// The TLS servers are described in ScenarioTlsServers.cs.
/// </remarks>
public sealed partial class ScenarioServers : IDisposable
{
    /// <summary>A unix socket path where no socket exists (fixed, so expected outputs can name it).</summary>
    public const string MissingUnixPath = "/tmp/actortcp-scenario-missing.sock";

    /// <summary>Most connections one server takes over the fixture's life (every scenario naming it connects again).</summary>
    public const int MaxConnections = 256;

    /// <summary>The 8 MiB body of <c>big_body</c>: <c>"0123456789abcdef"</c> 524288 times.</summary>
    public static readonly byte[] BigBody = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef", 524_288)));

    /// <summary>The 100000 bytes of <c>big_line</c> and <c>big_noline</c>: <c>"0123456789"</c> ten thousand times.</summary>
    public static readonly byte[] BigPayload = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789", 10_000)));

    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(100);

    /// <summary>How every server listens: many connections, each operation bounded by 10 s.</summary>
    private static readonly ScriptedPeerOptions Peers = new() { Connections = MaxConnections, StepTimeout = TimeSpan.FromSeconds(10) };

    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);

    /// <summary>Starts every server.</summary>
    public ScenarioServers()
    {
        try
        {
            if (File.Exists(MissingUnixPath))
                throw new InvalidOperationException($"{MissingUnixPath} exists; the missing-unix-socket scenarios need it absent");

            Add("lines", async c =>
            {
                await c.ReadAnyAsync();
                await c.SendAsync("line1\r\nline2\r\n");
                await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(1));
            });
            Add("chunked", c => c.SendSlowlyAsync(["AB", "C\r", "\nDEF", "\r\n", "tail"], Gap));
            Add("banner", c => BannerAsync(c, "220 hello\r\n"));
            Add("echo", EchoAsync);
            Add("sink", async c =>
            {
                var data = await c.ReadToEndAsync();
                await c.SendAsync($"got {data.Length.ToString(CultureInfo.InvariantCulture)}\n");
            });
            Add("count", CountAsync);
            Add("hexdump", async c =>
            {
                var data = await c.ReadToEndAsync();
                await c.SendAsync(Convert.ToHexStringLower(data) + "\n");
            });
            Add("silent", c => c.DiscardUntilClosedAsync());
            Add("close_now", _ => Task.CompletedTask);
            Add("close_after_read", c => c.ReadAnyAsync());
            Add("close_later", c => c.HoldAsync(TimeSpan.FromSeconds(1)));
            Add("noterm", c => c.SendAsync("partial-no-terminator"));
            Add("drip", async c =>
            {
                await c.SendSlowlyAsync(["." , ".", ".", ".", ".", ".", "\r\n"], TimeSpan.FromMilliseconds(400));
                await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(3));
            });
            Add("leftover", c => SendThenLaterAsync(c, "line1\r\nX", "YZ\r\n"));
            Add("leftover_ge", c => SendThenLaterAsync(c, "line1\r\nXYZ", "W\r\n"));
            Add("big_line", async c =>
            {
                await c.SendAsync([.. BigPayload, (byte)'\n']);
                await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(5));
            });
            Add("big_noline", c => c.SendAsync(BigPayload));
            Add("big_body", async c =>
            {
                await c.SendAsync([.. BigBody, .. "\r\nEN"u8]);
                await Task.Delay(Gap);
                await c.SendAsync("D\r\nafter");
            });
            Add("binary", async c =>
            {
                await c.ReadAnyAsync();
                var reply = new byte[258];
                for (var i = 0; i < 256; i++) reply[i] = (byte)i;
                reply[256] = (byte)'\r';
                reply[257] = (byte)'\n';
                await c.SendAsync(reply);
                await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(3));
            });
            Add("reset", async c =>
            {
                await c.ReadAnyAsync();
                c.Reset();
            });

            AddTlsServers();

            var many = Own(new LineEchoServer());
            _ports["many"] = many.Port;
            _ports["many_echo"] = Own(new LineEchoServer(echoEverything: true)).Port;
            _ports["closed"] = Own(ScriptedPeer.Refusing()).Port;

            Unix = Own(ScriptedPeer.Start((c, _) => Guarded(u => BannerAsync(u, "220 unix\r\n"), c), Peers with { UnixSocket = true }));
            Dns = Own(new DnsmasqServer());
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The port of every named TCP server (and <c>closed</c>).</summary>
    public IReadOnlyDictionary<string, int> Ports => _ports;

    /// <summary>The unix socket server.</summary>
    public ScriptedPeer Unix { get; } = null!;

    /// <summary>The DNS server scenarios resolve names with (<c>a.fixture.test</c> is 127.0.0.1).</summary>
    public DnsmasqServer Dns { get; } = null!;

    /// <summary>
    /// A Lua chunk that defines the global <c>servers</c> table (<c>host</c>, one port per server, <c>unix</c>,
    /// <c>missing_unix</c>, <c>dns_name</c>, <c>unknown_name</c>) and the helpers the scenarios print with:
    /// <c>esc(v)</c> (tostring with \r, \n and bytes outside 0x20..0x7E escaped), <c>hex(v)</c>, and
    /// <c>report(tag, ...)</c> (prints the tag, the argument count, then each argument: <c>nil</c>, <c>conn</c> for an
    /// <c>rspamd{tcp}</c> object, or <c>esc(value)</c>).
    /// </summary>
    public string LuaSetup()
    {
        var sb = new StringBuilder();
        sb.Append("servers = {\n");
        sb.Append("  host = '127.0.0.1',\n");
        foreach (var (name, port) in _ports.OrderBy(p => p.Key, StringComparer.Ordinal))
            sb.Append(CultureInfo.InvariantCulture, $"  {name} = {port},\n");
        sb.Append(CultureInfo.InvariantCulture, $"  unix = '{Unix.SocketPath}',\n");
        sb.Append(CultureInfo.InvariantCulture, $"  missing_unix = '{MissingUnixPath}',\n");
        sb.Append(CultureInfo.InvariantCulture, $"  dns_name = '{DnsmasqServer.ARecordName}',\n");
        sb.Append("  unknown_name = 'nonexistent.invalid',\n");
        sb.Append("}\n");
        sb.Append(LuaHelpers);
        return sb.ToString();
    }

    private const string LuaHelpers = """
        function esc(v)
          if v == nil then return 'nil' end
          return (tostring(v):gsub('[^\32-\126]', function(c)
            if c == '\r' then return '\\r' end
            if c == '\n' then return '\\n' end
            return string.format('\\x%02x', c:byte())
          end))
        end

        function hex(v)
          return (tostring(v):gsub('.', function(c) return string.format('%02x', c:byte()) end))
        end

        function is_conn(v)
          if type(v) ~= 'userdata' then return false end
          local ok, s = pcall(tostring, v)
          return ok and s:sub(1, 12) == 'rspamd{tcp}(' and s:sub(-1) == ')'
        end

        function is_sync_conn(v)
          if type(v) ~= 'userdata' then return false end
          local ok, s = pcall(tostring, v)
          return ok and s:sub(1, 17) == 'rspamd{tcp_sync}(' and s:sub(-1) == ')'
        end

        function report(tag, ...)
          local parts = { tag, tostring(select('#', ...)) }
          for i = 1, select('#', ...) do
            local v = (select(i, ...))
            if v == nil then parts[#parts + 1] = 'nil'
            elseif is_conn(v) then parts[#parts + 1] = 'conn'
            elseif is_sync_conn(v) then parts[#parts + 1] = 'sync_conn'
            else parts[#parts + 1] = esc(v) end
          end
          print(table.concat(parts, '\t'))
        end

        """;

    /// <summary>Stops every server.</summary>
    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                _owned[i].Dispose();
            }
            catch (Exception)
            {
                // Best effort: one server failing to stop must not keep the others running.
            }
        }
        _owned.Clear();
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private void Add(string name, Func<PeerConnection, Task> script)
    {
        var peer = Own(ScriptedPeer.Start((c, _) => Guarded(script, c), Peers));
        _ports[name] = peer.Port;
    }

    /// <summary>
    /// Runs a server script, treating the client going away (reset, EOF, timeout, a refused certificate) as the end of
    /// the script, not as an error: scenarios close connections whenever their queue empties.
    /// </summary>
    private static async Task Guarded(Func<PeerConnection, Task> script, PeerConnection connection)
    {
        try
        {
            await script(connection);
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException or AuthenticationException
                                      or ObjectDisposedException or OperationCanceledException)
        {
            // The client closed or reset first.
        }
    }

    private static async Task BannerAsync(PeerConnection c, string banner)
    {
        await c.SendAsync(banner);
        while (true)
        {
            var line = Encoding.Latin1.GetString(await c.ReadUntilAsync("\r\n"));
            await c.SendAsync("got:" + line + "\r\n");
        }
    }

    /// <summary>Counts what arrives until FIN without keeping it (for 100 MB writes), then answers "got N\n".</summary>
    private static async Task CountAsync(PeerConnection c)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        while (true)
        {
            using var limit = new CancellationTokenSource(c.OperationTimeout);
            var n = await c.Socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            if (n == 0) break;
            total += n;
        }
        await c.SendAsync($"got {total.ToString(CultureInfo.InvariantCulture)}\n");
    }

    /// <summary>Sends back every chunk until the client closes (its end of stream ends the script).</summary>
    private static async Task EchoAsync(PeerConnection c)
    {
        while (true) await c.SendAsync(await c.ReadAnyAsync());
    }

    private static async Task SendThenLaterAsync(PeerConnection c, string first, string second)
    {
        await c.SendAsync(first);
        await Task.Delay(TimeSpan.FromMilliseconds(500), c.Stopping);
        await c.SendAsync(second);
        await c.DiscardUntilClosedAsync(TimeSpan.FromSeconds(3));
    }
}
