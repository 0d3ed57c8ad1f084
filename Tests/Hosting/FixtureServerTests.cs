using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorTcp.Hosting.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ActorTcp.Tests.Hosting;

/// <summary>
/// The servers of <c>--fixtures</c> spoken to with plain sockets: what the examples rely on, and the SMTP fixture's
/// answers outside the happy path.
/// </summary>
public sealed class FixtureServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private FixtureSet _fixtures = null!;

    public async Task InitializeAsync() => _fixtures = await FixtureSet.StartAsync(NullLogger.Instance);

    public async Task DisposeAsync() => await _fixtures.DisposeAsync();

    [Fact]
    public async Task Smtp_fixture_answers_out_of_sequence_and_unknown_commands_and_closes_after_quit()
    {
        using var client = await ConnectAsync("smtp");

        Assert.Equal("220 fixtures.actortcp ESMTP ActorTcp fixture\r\n", await client.ReadAsync("\r\n"));
        Assert.Equal("503 5.5.1 Error: send HELO/EHLO first\r\n", await client.AskAsync("MAIL FROM:<a@b>"));
        Assert.Equal("250 fixtures.actortcp\r\n", await client.AskAsync("HELO me"));
        Assert.Equal("503 5.5.1 Error: need MAIL command\r\n", await client.AskAsync("RCPT TO:<c@d>"));
        Assert.Equal("503 5.5.1 Error: need RCPT command\r\n", await client.AskAsync("DATA"));
        Assert.Equal("502 5.5.2 Error: command not recognized\r\n", await client.AskAsync("VRFY root"));
        Assert.Equal("250 2.0.0 Ok\r\n", await client.AskAsync("NOOP"));
        Assert.Equal("221 2.0.0 Bye\r\n", await client.AskAsync("QUIT"));
        Assert.Equal("", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task Smtp_fixture_rejects_a_line_longer_than_smtp_allows()
    {
        using var client = await ConnectAsync("smtp");
        await client.ReadAsync("\r\n");

        Assert.Equal("500 5.5.0 Error: line too long\r\n", await client.AskAsync("NOOP " + new string('x', 2000)));
        Assert.Equal("", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task Drip_fixture_sends_its_five_lines_slowly_then_closes()
    {
        using var client = await ConnectAsync("drip");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.Equal(DripFixture.Text, await client.ReadToEndAsync());
        Assert.Equal("tick 1\r\ntick 2\r\ntick 3\r\ntick 4\r\ntick 5\r\n", DripFixture.Text);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.8), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Echo_fixture_echoes_and_close_now_closes_without_a_byte_and_refused_refuses()
    {
        using (var echo = await ConnectAsync("echo"))
            Assert.Equal("ping\r\n", await echo.AskAsync("ping"));

        using (var closing = await ConnectAsync("close_now"))
            Assert.Equal("", await closing.ReadToEndAsync());

        var refused = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync("refused"));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public void Lua_chunk_defines_the_fixtures_table()
    {
        var lua = _fixtures.LuaChunk();

        Assert.StartsWith("fixtures = {\n  host = '127.0.0.1',\n", lua);
        foreach (var (name, port) in _fixtures.Ports) Assert.Contains($"  {name} = {port},\n", lua);
        Assert.Equal(["close_now", "drip", "echo", "refused", "smtp"], _fixtures.Ports.Keys.Order(StringComparer.Ordinal));
    }

    private async Task<Client> ConnectAsync(string name)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var limit = new CancellationTokenSource(Bound);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _fixtures.Ports[name]), limit.Token);
            return new Client(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A plain socket client; every read is bounded.</summary>
    private sealed class Client(Socket socket) : IDisposable
    {
        private const int MaxReads = 1000;
        private string _pending = "";

        public async Task<string> AskAsync(string line)
        {
            await socket.SendAsync(Encoding.Latin1.GetBytes(line + "\r\n"));
            return await ReadAsync("\r\n");
        }

        /// <summary>Up to and including <paramref name="terminator"/>.</summary>
        public async Task<string> ReadAsync(string terminator)
        {
            using var limit = new CancellationTokenSource(Bound);
            for (var i = 0; i < MaxReads; i++)
            {
                var end = _pending.IndexOf(terminator, StringComparison.Ordinal);
                if (end >= 0) return Take(end + terminator.Length);
                if (!await ReceiveAsync(limit.Token))
                    throw new EndOfStreamException($"the fixture server closed before the terminator; pending: {_pending}");
            }
            throw new InvalidOperationException("too many reads");
        }

        public async Task<string> ReadToEndAsync()
        {
            using var limit = new CancellationTokenSource(Bound);
            for (var i = 0; i < MaxReads; i++)
            {
                if (!await ReceiveAsync(limit.Token)) return Take(_pending.Length);
            }
            throw new InvalidOperationException("too many reads");
        }

        public void Dispose() => socket.Dispose();

        /// <summary>Appends what one receive brings to the pending text (Latin-1); false at the end of the stream.</summary>
        private async Task<bool> ReceiveAsync(CancellationToken token)
        {
            var buffer = new byte[4096];
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
            _pending += Encoding.Latin1.GetString(buffer, 0, n);
            return n > 0;
        }

        private string Take(int length)
        {
            var taken = _pending[..length];
            _pending = _pending[length..];
            return taken;
        }
    }
}
