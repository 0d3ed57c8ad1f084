using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using Akka.Actor;
using Akka.TestKit;
using Xunit;

namespace ActorTcp.TestKit;

// Driving one connection actor through the message contract of ActorTcp.Actors.Connection (Messages.cs), turn by turn,
// as the Lua host does: open it, expect each completion, answer each callback turn with CallbackReturned.
public abstract partial class ActorTcpTestKit
{
    /// <summary>Default bound of one expected message.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);

    /// <summary>How long "nothing else arrives" is checked.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(250);

    private static long s_lastId;

    /// <summary>A fresh id (request ids and handler ids), unique in the test process.</summary>
    protected static long NextId() => Interlocked.Increment(ref s_lastId);

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

    /// <summary>A request to <paramref name="peer"/> with a fresh id.</summary>
    protected static ConnectionRequest RequestTo(ScriptedPeer peer, params HandlerSpec[] handlers) =>
        RequestTo(peer.Host, peer.Port, handlers);

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

    /// <summary>Expects a fatal <see cref="HandlerFailed"/> turn of <paramref name="handlerId"/> with exactly this error (rspamd's text, <see cref="TcpErrors"/>).</summary>
    protected static async Task<HandlerFailed> ExpectFailedAsync(TestConnection connection, long handlerId, string error, TimeSpan? wait = null)
    {
        var failed = await ExpectTurnAsync<HandlerFailed>(connection, wait);
        Assert.Equal(handlerId, failed.HandlerId);
        Assert.Equal(error, failed.Error);
        Assert.True(failed.Fatal, $"expected a fatal error, got {failed}");
        return failed;
    }

    /// <summary>
    /// Expects the fatal <see cref="HandlerFailed"/> turn of <paramref name="handlerId"/> (the last handler) with exactly
    /// this error, returns from it and expects the connection to close: how a connection meeting a fault ends.
    /// </summary>
    protected static async Task ExpectFailedAndClosedAsync(TestConnection connection, long handlerId, string error, TimeSpan? wait = null)
    {
        await ExpectFailedAsync(connection, handlerId, error, wait);
        Return(connection);
        await ExpectClosedAsync(connection);
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

    /// <summary>Asserts equal bytes with a readable message (length, first difference).</summary>
    protected static void AssertBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        if (expected.SequenceEqual(actual)) return;
        var common = Math.Min(expected.Length, actual.Length);
        var first = 0;
        while (first < common && expected[first] == actual[first]) first++;
        Assert.Fail($"bytes differ: expected {expected.Length} B, got {actual.Length} B, first difference at {first}" +
                    (actual.Length <= 200 ? $"; got {Printable.Quote(actual)}" : ""));
    }
}
