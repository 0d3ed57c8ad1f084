using System.Net;
using System.Text;
using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Dns;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Support;

/// <summary>
/// Base of the connection actor tests: an actor system configured from HOCON.conf (plus test overrides and the
/// subclass's HOCON), a resolver and a connection manager, and helpers that drive one connection through the
/// message contract of <c>Actors/Connection/Messages.cs</c>, turn by turn. Every wait is bounded.
/// </summary>
public abstract class ConnectionTestKit : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Default bound of one expected message.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);

    /// <summary>How long "nothing else arrives" is checked.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(250);

    /// <summary>Overrides every test applies on top of HOCON.conf.</summary>
    public const string TestHocon = """
        akka.loglevel = INFO
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters-during-shutdown = off
        """;

    /// <summary>Selects Akka.IO for TCP: the transport variants of the connection tests run with it.</summary>
    public const string AkkaIoHocon = "actortcp.io.transport = akka-io";

    private static long s_lastId;
    private readonly List<IDisposable> _owned = [];

    /// <summary>Starts the actor system with <paramref name="extraHocon"/> over the test overrides over HOCON.conf.</summary>
    protected ConnectionTestKit(ITestOutputHelper output, string? extraHocon = null)
        : base(BuildConfig(extraHocon), "actortcp-test", output)
    {
        Settings = ActorTcpSettings.Create(Sys.Settings.Config);
        Resolver = Sys.ActorOf(ResolverActor.Props(Settings), "resolver");
        Manager = Sys.ActorOf(ConnectionManager.Props(Settings, Resolver), "connections");
    }

    /// <summary>The settings read from the test's configuration.</summary>
    protected ActorTcpSettings Settings { get; }

    /// <summary>The resolver actor.</summary>
    protected IActorRef Resolver { get; }

    /// <summary>The connection manager.</summary>
    protected IActorRef Manager { get; }

    /// <summary>HOCON.conf from the output directory, with <see cref="TestHocon"/> and <paramref name="extraHocon"/> on top.</summary>
    public static Config BuildConfig(string? extraHocon = null)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "HOCON.conf");
        var config = ConfigurationFactory.ParseString(TestHocon)
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(file)));
        return string.IsNullOrWhiteSpace(extraHocon) ? config : ConfigurationFactory.ParseString(extraHocon).WithFallback(config);
    }

    /// <inheritdoc/>
    protected override void AfterAll()
    {
        lock (_owned)
        {
            foreach (var owned in _owned) owned.Dispose();
            _owned.Clear();
        }
        base.AfterAll();
    }

    // ---- ids, bytes -------------------------------------------------------------------------------------------

    /// <summary>A fresh id (request ids and handler ids), unique in the test process.</summary>
    protected static long NextId() => Interlocked.Increment(ref s_lastId);

    /// <summary>The Latin-1 bytes of <paramref name="text"/> (one byte per char, 0..255).</summary>
    protected static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>The bytes as Latin-1 text (one char per byte).</summary>
    protected static string Latin1(ReadOnlyMemory<byte> data) => Encoding.Latin1.GetString(data.Span);

    /// <summary>Concatenates byte arrays.</summary>
    protected static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, at);
            at += part.Length;
        }
        return result;
    }

    /// <summary>
    /// <paramref name="length"/> deterministic bytes covering every value 0..255 (except <paramref name="exclude"/>,
    /// replaced by the next value).
    /// </summary>
    protected static byte[] Payload(int length, int seed = 0, byte? exclude = null)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            var b = (byte)((i * 31 + seed * 7 + i / 256) & 0xFF);
            if (b == exclude) b++;
            data[i] = b;
        }
        return data;
    }

    /// <summary>Asserts equal bytes with a readable message (length, first difference).</summary>
    protected static void AssertBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (expected.SequenceEqual(actual)) return;
        var common = Math.Min(expected.Length, actual.Length);
        var first = 0;
        while (first < common && expected[first] == actual[first]) first++;
        Assert.Fail($"bytes differ: expected {expected.Length} B, got {actual.Length} B, first difference at {first}" +
                    (actual.Length <= 200 ? $"; got \"{Escape(actual)}\"" : ""));
    }

    private static string Escape(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder();
        foreach (var b in data) sb.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        return sb.ToString();
    }

    // ---- handlers and requests ----------------------------------------------------------------------------------

    /// <summary>A read with callback; <paramref name="stopPattern"/> null or empty means one chunk.</summary>
    protected static ReadSpec ReadHandler(long id, string? stopPattern = null) =>
        new(id, true, stopPattern is null ? ReadOnlyMemory<byte>.Empty : Bytes(stopPattern));

    /// <summary>A read with callback and a binary stop pattern.</summary>
    protected static ReadSpec ReadHandler(long id, byte[] stopPattern) => new(id, true, stopPattern);

    /// <summary>A read without callback (rspamd's <c>add_read(nil, pattern)</c>).</summary>
    protected static ReadSpec SilentReadHandler(long id, string? stopPattern = null) =>
        new(id, false, stopPattern is null ? ReadOnlyMemory<byte>.Empty : Bytes(stopPattern));

    /// <summary>A write with callback of the Latin-1 pieces.</summary>
    protected static WriteSpec WriteHandler(long id, params string[] pieces) => new(id, true, Pieces(pieces));

    /// <summary>A write with callback of the byte pieces.</summary>
    protected static WriteSpec WriteHandler(long id, params byte[][] pieces) => new(id, true, Pieces(pieces));

    /// <summary>A write without callback (the implicit write of <c>request{data=...}</c>).</summary>
    protected static WriteSpec SilentWriteHandler(long id, params string[] pieces) => new(id, false, Pieces(pieces));

    /// <summary>A write without callback of the byte pieces.</summary>
    protected static WriteSpec SilentWriteHandler(long id, params byte[][] pieces) => new(id, false, Pieces(pieces));

    private static ReadOnlyMemory<byte>[] Pieces(string[] pieces) => pieces.Select(p => (ReadOnlyMemory<byte>)Bytes(p)).ToArray();

    private static ReadOnlyMemory<byte>[] Pieces(byte[][] pieces) => pieces.Select(p => (ReadOnlyMemory<byte>)p).ToArray();

    /// <summary>A request with a fresh id.</summary>
    protected static ConnectionRequest RequestTo(string host, int port, params HandlerSpec[] handlers) =>
        new() { RequestId = NextId(), Host = host, Port = port, Handlers = handlers };

    /// <summary>A request to <paramref name="server"/> with a fresh id.</summary>
    protected static ConnectionRequest RequestTo(LoopbackServer server, params HandlerSpec[] handlers) =>
        RequestTo(server.Host, server.Port, handlers);

    /// <summary>A request to the unix socket of <paramref name="server"/> with a fresh id.</summary>
    protected static ConnectionRequest RequestTo(UnixServer server, params HandlerSpec[] handlers) =>
        RequestTo(server.SocketPath, 0, handlers);

    // ---- servers ------------------------------------------------------------------------------------------------

    /// <summary>Disposes <paramref name="disposable"/> when the test ends.</summary>
    protected T Own<T>(T disposable) where T : IDisposable
    {
        lock (_owned) _owned.Add(disposable);
        return disposable;
    }

    /// <summary>A scripted server on 127.0.0.1, disposed when the test ends.</summary>
    protected LoopbackServer StartServer(Func<ServerConnection, CancellationToken, Task> script) =>
        Own(new LoopbackServer(script));

    /// <summary>A scripted unix socket server, disposed when the test ends.</summary>
    protected UnixServer StartUnixServer(Func<ServerConnection, CancellationToken, Task> script) =>
        Own(new UnixServer(script));

    /// <summary>A script that keeps every connection open, reading and dropping what arrives.</summary>
    protected static Task SilentScript(ServerConnection connection, CancellationToken _) => connection.SilentAsync();

    /// <summary>A task source whose continuations run asynchronously (for server results).</summary>
    protected static TaskCompletionSource<T> NewResult<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // ---- driving one connection ---------------------------------------------------------------------------------

    /// <summary>
    /// Sends <see cref="OpenConnection"/> to the manager (or to <paramref name="manager"/>, e.g. one with its own
    /// resolver) and expects <see cref="ConnectionStarted"/>.
    /// </summary>
    protected async Task<TestConnection> OpenAsync(ConnectionRequest request, TimeSpan? wait = null, IActorRef? manager = null)
    {
        var probe = CreateTestProbe();
        (manager ?? Manager).Tell(new OpenConnection(request, probe.Ref), probe.Ref);
        var started = await ExpectEventAsync<ConnectionStarted>(probe, request.RequestId, wait);
        var watcher = CreateTestProbe();
        watcher.Watch(started.Connection);
        return new TestConnection(request, probe, started.Connection, watcher);
    }

    /// <summary>Expects the next message to be a <typeparamref name="T"/> of the request.</summary>
    protected static Task<T> ExpectEventAsync<T>(TestConnection connection, TimeSpan? wait = null) where T : class, IConnectionEvent =>
        ExpectEventAsync<T>(connection.Probe, connection.RequestId, wait);

    private static async Task<T> ExpectEventAsync<T>(TestProbe probe, long requestId, TimeSpan? wait) where T : class, IConnectionEvent
    {
        var message = await probe.ExpectMsgAsync<IConnectionEvent>(wait ?? DefaultWait, $"waiting for {typeof(T).Name}");
        if (message is not T typed)
        {
            Assert.Fail($"expected {typeof(T).Name}, got {message}");
            throw new InvalidOperationException("unreachable");
        }
        Assert.Equal(requestId, typed.RequestId);
        return typed;
    }

    /// <summary>
    /// Expects the next message to be the callback turn <typeparamref name="T"/>, sent by the connection actor. The
    /// connection then waits for <see cref="Return"/>.
    /// </summary>
    protected static async Task<T> ExpectTurnAsync<T>(TestConnection connection, TimeSpan? wait = null) where T : class, ICallbackTurn
    {
        var turn = await ExpectEventAsync<T>(connection, wait);
        Assert.Equal(connection.Actor, connection.Probe.LastSender);
        return turn;
    }

    /// <summary>Expects a <see cref="ReadCompleted"/> turn of <paramref name="handlerId"/> with exactly these Latin-1 bytes.</summary>
    protected static Task<ReadCompleted> ExpectReadAsync(TestConnection connection, long handlerId, string expected, TimeSpan? wait = null) =>
        ExpectReadAsync(connection, handlerId, Bytes(expected), wait);

    /// <summary>Expects a <see cref="ReadCompleted"/> turn of <paramref name="handlerId"/> with exactly these bytes.</summary>
    protected static async Task<ReadCompleted> ExpectReadAsync(TestConnection connection, long handlerId, byte[] expected, TimeSpan? wait = null)
    {
        var read = await ExpectTurnAsync<ReadCompleted>(connection, wait);
        Assert.Equal(handlerId, read.HandlerId);
        AssertBytes(expected, read.Data.Span);
        return read;
    }

    /// <summary>Expects a <see cref="WriteCompleted"/> turn of <paramref name="handlerId"/>.</summary>
    protected static async Task<WriteCompleted> ExpectWrittenAsync(TestConnection connection, long handlerId, TimeSpan? wait = null)
    {
        var written = await ExpectTurnAsync<WriteCompleted>(connection, wait);
        Assert.Equal(handlerId, written.HandlerId);
        return written;
    }

    /// <summary>Expects a fatal <see cref="HandlerFailed"/> turn of <paramref name="handlerId"/> with exactly this error.</summary>
    protected static async Task<HandlerFailed> ExpectFailedAsync(TestConnection connection, long handlerId, string error, TimeSpan? wait = null)
    {
        var failed = await ExpectTurnAsync<HandlerFailed>(connection, wait);
        Assert.Equal(handlerId, failed.HandlerId);
        Assert.Equal(error, failed.Error);
        Assert.True(failed.Fatal, $"expected a fatal error, got {failed}");
        return failed;
    }

    /// <summary>Expects the <see cref="ConnectionEstablished"/> turn.</summary>
    protected static Task<ConnectionEstablished> ExpectEstablishedAsync(TestConnection connection, TimeSpan? wait = null) =>
        ExpectTurnAsync<ConnectionEstablished>(connection, wait);

    /// <summary>Expects <see cref="ConnectFailed"/> (not a turn) with exactly this error.</summary>
    protected static async Task<ConnectFailed> ExpectConnectFailedAsync(TestConnection connection, string error, TimeSpan? wait = null)
    {
        var failed = await ExpectEventAsync<ConnectFailed>(connection, wait);
        Assert.Equal(error, failed.Error);
        return failed;
    }

    /// <summary>
    /// Ends the running callback: sends <paramref name="commandsFirst"/> (issued inside the callback), then
    /// <see cref="CallbackReturned"/>.
    /// </summary>
    protected static void Return(TestConnection connection, params IConnectionCommand[] commandsFirst)
    {
        foreach (var command in commandsFirst) connection.Tell(command);
        connection.Tell(CallbackReturned.Instance);
    }

    /// <summary>
    /// Expects <see cref="ConnectionClosed"/> as the next message, the connection actor's termination, and nothing
    /// more for <see cref="QuietPeriod"/>.
    /// </summary>
    protected static async Task ExpectClosedAsync(TestConnection connection, TimeSpan? wait = null)
    {
        await ExpectEventAsync<ConnectionClosed>(connection, wait);
        await connection.Watcher.ExpectTerminatedAsync(connection.Actor, DefaultWait);
        await connection.Probe.ExpectNoMsgAsync(QuietPeriod);
    }

    /// <summary>Asserts that no message arrives for <paramref name="duration"/> (default <see cref="QuietPeriod"/>).</summary>
    protected static async Task ExpectNothingAsync(TestConnection connection, TimeSpan? duration = null) =>
        await connection.Probe.ExpectNoMsgAsync(duration ?? QuietPeriod);

    /// <summary>Asks the manager for its open connection count.</summary>
    protected async Task<int> ConnectionCountAsync() =>
        (await Manager.Ask<ConnectionCount>(GetConnectionCount.Instance, TimeSpan.FromSeconds(3))).Open;

    /// <summary>Waits (bounded) until the manager reports <paramref name="expected"/> open connections.</summary>
    protected async Task AwaitConnectionCountAsync(int expected, TimeSpan? wait = null) =>
        await AwaitAssertAsync(
            async () => Assert.Equal(expected, await ConnectionCountAsync()),
            wait ?? DefaultWait,
            TimeSpan.FromMilliseconds(50));

    /// <summary>The IPv4 form of a loopback address that may come as IPv4-mapped IPv6.</summary>
    protected static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>One connection under test: its request, the probe that receives its events, and its actor.</summary>
public sealed class TestConnection
{
    internal TestConnection(ConnectionRequest request, TestProbe probe, IActorRef actor, TestProbe watcher)
    {
        Request = request;
        Probe = probe;
        Actor = actor;
        Watcher = watcher;
    }

    /// <summary>The request.</summary>
    public ConnectionRequest Request { get; }

    /// <summary>The request's id.</summary>
    public long RequestId => Request.RequestId;

    /// <summary>The ReplyTo of the request: receives every event.</summary>
    public TestProbe Probe { get; }

    /// <summary>The connection actor (from <see cref="ConnectionStarted"/>).</summary>
    public IActorRef Actor { get; }

    /// <summary>A probe that death-watches <see cref="Actor"/>.</summary>
    public TestProbe Watcher { get; }

    /// <summary>Sends a command to the connection actor, from the probe.</summary>
    public void Tell(IConnectionCommand command) => Actor.Tell(command, Probe.Ref);

    /// <summary>(probe, connection actor).</summary>
    public void Deconstruct(out TestProbe probe, out IActorRef connection)
    {
        probe = Probe;
        connection = Actor;
    }
}
