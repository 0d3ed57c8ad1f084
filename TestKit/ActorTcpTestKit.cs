using System.Text;
using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using Akka.Actor;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorTcp.TestKit;

/// <summary>
/// An xunit TestKit (Akka.TestKit.Xunit2) for what is built on ActorTcp: an actor system with ActorTcp's defaults
/// (HOCON.conf) under test overrides (<see cref="TestHocon"/>) and yours, with its resolver asking a
/// <see cref="ScriptedDns"/> when given one, a resolver and a connection manager started. Derive your test class from
/// it: drive a connection actor from a probe (ActorTcpTestKit.Connections.cs), run Lua plugins and tasks and get their
/// printed lines, error and symbols (ActorTcpTestKit.Lua.cs), talk to <see cref="ScriptedPeer"/>s. Every wait is
/// bounded; peers, name servers and the system are stopped when the test ends.
/// </summary>
/// <example>
/// <code>
/// public sealed class PingTests(ITestOutputHelper output) : ActorTcpTestKit(output)
/// {
///     [Fact]
///     public async Task A_reset_after_the_request_ends_in_the_callbacks_error()
///     {
///         var peer = StartPeer(s => s.ExpectLine("PING").Reset());
///         var run = await RunLuaAsync($$"""
///             require('rspamd_tcp').request{host = '127.0.0.1', port = {{peer.Port}}, data = 'PING\r\n', stop_pattern = '\r\n',
///               callback = function(err, data) print(err or tostring(data)) end}
///             """);
///         Assert.Equal(["IO read error while trying to read data: Connection reset by peer"], run.AssertSucceeded().Printed);
///     }
/// }
/// </code>
/// </example>
public abstract partial class ActorTcpTestKit : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Overrides every test applies on top of HOCON.conf: quieter logs, and one Lua host (so globals a chunk defines are seen by later runs).</summary>
    public const string TestHocon = """
        akka.loglevel = INFO
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters-during-shutdown = off
        actortcp.lua.hosts = 1
        """;

    /// <summary>Selects Akka.IO for TCP (<c>actortcp.io.transport</c>): run a test class again on the other transport with it.</summary>
    public const string AkkaIoHocon = "actortcp.io.transport = akka-io";

    private readonly List<IDisposable> _owned = [];

    /// <summary>
    /// Starts the actor system with <paramref name="hocon"/> over the name server of <paramref name="dns"/> (which the
    /// kit then owns and disposes) over <see cref="TestHocon"/> over HOCON.conf; then the resolver and the manager.
    /// </summary>
    protected ActorTcpTestKit(ITestOutputHelper? output = null, string? hocon = null, ScriptedDns? dns = null)
        : base(BuildConfig(hocon, dns), "actortcp-test", output)
    {
        if (dns is not null) DnsServer = Own(dns);
        Settings = ActorTcpSettings.Create(Sys.Settings.Config);
        Resolver = Sys.ActorOf(ResolverActor.Props(Settings), "resolver");
        Manager = Sys.ActorOf(ConnectionManager.Props(Settings, Resolver), "connections");
        _lua = new Lazy<IActorRef>(StartLuaHosts);
        LuaLog = new LuaLogLines(Sys.Log);
    }

    /// <summary>The settings read from the test's configuration.</summary>
    protected ActorTcpSettings Settings { get; }

    /// <summary>The resolver actor (<see cref="ResolverActor"/>).</summary>
    protected IActorRef Resolver { get; }

    /// <summary>The connection manager (<see cref="ConnectionManager"/>): send it <see cref="OpenConnection"/>.</summary>
    protected IActorRef Manager { get; }

    /// <summary>The scripted name server the resolver asks, when the test gave one.</summary>
    protected ScriptedDns? DnsServer { get; }

    /// <summary>
    /// HOCON.conf's defaults with <see cref="TestHocon"/>, then the name server of <paramref name="dns"/> (with the
    /// answer cache off, so rules changed during a test apply), then <paramref name="hocon"/> on top.
    /// </summary>
    public static Config BuildConfig(string? hocon = null, ScriptedDns? dns = null)
    {
        var config = ConfigurationFactory.ParseString(TestHocon).WithFallback(ActorTcpDefaults.Config);
        if (dns is not null)
            config = ConfigurationFactory.ParseString(dns.NameServersHocon + "\nactortcp.dns.use-cache = off").WithFallback(config);
        return string.IsNullOrWhiteSpace(hocon) ? config : ConfigurationFactory.ParseString(hocon).WithFallback(config);
    }

    /// <summary>Disposes <paramref name="disposable"/> when the test ends (before the actor system stops).</summary>
    protected T Own<T>(T disposable) where T : IDisposable
    {
        lock (_owned) _owned.Add(disposable);
        return disposable;
    }

    /// <summary>A <see cref="ScriptedPeer"/> running <paramref name="script"/>, disposed when the test ends.</summary>
    protected ScriptedPeer StartPeer(Action<PeerScript> script, ScriptedPeerOptions? options = null) =>
        Own(ScriptedPeer.Start(script, options));

    /// <summary>
    /// A <see cref="ScriptedPeer"/> whose script is code (<see cref="ScriptedPeer.Start(Func{PeerConnection, CancellationToken, Task}, ScriptedPeerOptions?)"/>),
    /// disposed when the test ends.
    /// </summary>
    protected ScriptedPeer StartPeer(Func<PeerConnection, CancellationToken, Task> script, ScriptedPeerOptions? options = null) =>
        Own(ScriptedPeer.Start(script, options));

    /// <summary>A <see cref="ScriptedPeer.Refusing"/> peer, disposed when the test ends.</summary>
    protected ScriptedPeer RefusingPeer() => Own(ScriptedPeer.Refusing());

    /// <summary>The Latin-1 bytes of <paramref name="text"/> (one byte per char, 0..255).</summary>
    protected static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>The bytes as Latin-1 text (one char per byte).</summary>
    protected static string Latin1(ReadOnlyMemory<byte> data) => Encoding.Latin1.GetString(data.Span);

    /// <inheritdoc/>
    protected override void AfterAll()
    {
        lock (_owned)
        {
            for (var i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
            _owned.Clear();
        }
        base.AfterAll();
    }
}
