using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace ActorTcp.Tests.Support;

/// <summary>
/// A real socket server for tests: accepts connections on its listening sockets and runs a script for each one.
/// Exceptions thrown by scripts are captured (<see cref="AssertNoScriptErrors"/>); cancellation caused by
/// <see cref="Dispose"/> is not an error. When a script returns, its connection is closed gracefully: FIN, then what
/// the client still sends is read and dropped (bounded), so that a close never turns into a reset by accident.
/// </summary>
public abstract class ScriptedServer : IDisposable
{
    /// <summary>Most connections one server accepts; further ones are refused by closing them (a script error).</summary>
    public const int MaxAcceptedConnections = 256;

    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(5);

    private readonly Func<ServerConnection, CancellationToken, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Exception> _errors = new();
    private readonly ConcurrentQueue<ServerConnection> _connections = new();
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _tasks = [];
    private readonly Lock _gate = new();
    private int _accepted;
    private bool _disposed;

    /// <summary>Creates a server that runs <paramref name="script"/> for every accepted connection.</summary>
    protected ScriptedServer(Func<ServerConnection, CancellationToken, Task> script) => _script = script;

    /// <summary>Connections accepted so far.</summary>
    public int AcceptedCount => Volatile.Read(ref _accepted);

    /// <summary>Exceptions thrown by scripts (and by the accept loop) so far.</summary>
    public IReadOnlyList<Exception> ScriptErrors => _errors.ToArray();

    /// <summary>Fails the test when a script threw.</summary>
    public void AssertNoScriptErrors()
    {
        var errors = _errors.ToArray();
        if (errors.Length > 0)
            Assert.Fail($"{errors.Length} server script error(s):\n{string.Join("\n---\n", errors.Select(e => e.ToString()))}");
    }

    /// <summary>Starts accepting on <paramref name="listeners"/> (already bound and listening).</summary>
    protected void Start(IEnumerable<Socket> listeners)
    {
        lock (_gate)
        {
            foreach (var listener in listeners)
            {
                _listeners.Add(listener);
                _tasks.Add(Task.Run(() => AcceptLoopAsync(listener)));
            }
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _errors.Enqueue(e);
                return;
            }

            var index = Interlocked.Increment(ref _accepted) - 1;
            if (index >= MaxAcceptedConnections)
            {
                socket.Dispose();
                _errors.Enqueue(new InvalidOperationException($"more than {MaxAcceptedConnections} connections accepted"));
                return;
            }

            var connection = new ServerConnection(socket, index, stop);
            lock (_gate)
            {
                if (_disposed)
                {
                    socket.Dispose();
                    return;
                }
                _connections.Enqueue(connection);
                _tasks.Add(Task.Run(() => RunScriptAsync(connection)));
            }
        }
    }

    private async Task RunScriptAsync(ServerConnection connection)
    {
        var stop = _stop.Token;
        try
        {
            await _script(connection, stop).ConfigureAwait(false);
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The server is being disposed: not a script error.
        }
        catch (Exception e)
        {
            _errors.Enqueue(e);
        }
        finally
        {
            await connection.FinishAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Called once after every loop and script ended (or the bounded wait expired).</summary>
    protected virtual void OnStopped() { }

    /// <summary>Stops accepting, cancels the scripts, closes every socket; waits a bounded time for the tasks.</summary>
    public void Dispose()
    {
        Task[] tasks;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            tasks = _tasks.ToArray();
        }
        _stop.Cancel();
        foreach (var listener in _listeners) listener.Dispose();
        foreach (var connection in _connections) connection.Abort();
        try
        {
            Task.WaitAll(tasks, DisposeWait);
        }
        catch (AggregateException)
        {
            // Failures were recorded as script errors; cancellation is expected here.
        }
        OnStopped();
        GC.SuppressFinalize(this);
    }
}

/// <summary>One accepted connection, as a script sees it. Not thread-safe: a script uses it sequentially.</summary>
public sealed class ServerConnection
{
    /// <summary>Default bound of every operation.</summary>
    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Most bytes a read operation buffers.</summary>
    public const int MaxBufferedBytes = 64 * 1024 * 1024;

    private static readonly TimeSpan FinishDrainTime = TimeSpan.FromSeconds(3);

    private readonly CancellationToken _serverStop;
    private byte[] _pending = [];
    private int _state; // 0 open, 1 FIN sent, 2 closed (reset or aborted)

    internal ServerConnection(Socket socket, int index, CancellationToken serverStop)
    {
        Socket = socket;
        Index = index;
        _serverStop = serverStop;
        if (socket.ProtocolType == ProtocolType.Tcp) socket.NoDelay = true;
    }

    /// <summary>The accepted socket.</summary>
    public Socket Socket { get; }

    /// <summary>0 for the first connection the server accepted, 1 for the next, and so on.</summary>
    public int Index { get; }

    /// <summary>Bound of each operation (a whole read or send).</summary>
    public TimeSpan OperationTimeout { get; set; } = DefaultOperationTimeout;

    /// <summary>Sends the Latin-1 bytes of <paramref name="text"/>.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Sends every byte of <paramref name="data"/>.</summary>
    public Task SendAsync(byte[] data) => SendAsync(data.AsMemory());

    /// <summary>Sends every byte of <paramref name="data"/>.</summary>
    public Task SendAsync(ReadOnlyMemory<byte> data) => RunAsync("send", async token =>
    {
        while (!data.IsEmpty)
        {
            var sent = await Socket.SendAsync(data, SocketFlags.None, token).ConfigureAwait(false);
            data = data[sent..];
        }
        return 0;
    });

    /// <summary>Sends <paramref name="pieces"/> one by one, waiting <paramref name="delay"/> between two pieces.</summary>
    public Task SendSlowlyAsync(IReadOnlyList<string> pieces, TimeSpan delay) =>
        SendSlowlyAsync(pieces.Select(p => Encoding.Latin1.GetBytes(p)).ToArray(), delay);

    /// <summary>Sends <paramref name="pieces"/> one by one, waiting <paramref name="delay"/> between two pieces.</summary>
    public async Task SendSlowlyAsync(IReadOnlyList<byte[]> pieces, TimeSpan delay)
    {
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i > 0) await Task.Delay(delay, _serverStop).ConfigureAwait(false);
            await SendAsync(pieces[i]).ConfigureAwait(false);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; fails if the peer closes first.</summary>
    public Task<byte[]> ReadExactlyAsync(int count) => RunAsync("read exactly", async token =>
    {
        var result = new byte[count];
        var filled = TakePending(result);
        while (filled < count)
        {
            var n = await Socket.ReceiveAsync(result.AsMemory(filled), SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0) throw new EndOfStreamException($"peer closed after {filled} of {count} bytes");
            filled += n;
        }
        return result;
    });

    /// <summary>Reads until the Latin-1 <paramref name="pattern"/>; returns the bytes before it (the rest stays buffered).</summary>
    public Task<byte[]> ReadUntilAsync(string pattern) => ReadUntilAsync(Encoding.Latin1.GetBytes(pattern));

    /// <summary>Reads until <paramref name="pattern"/>; returns the bytes before it (the rest stays buffered).</summary>
    public Task<byte[]> ReadUntilAsync(byte[] pattern) => RunAsync("read until pattern", async token =>
    {
        var (before, rest) = await PatternReads.ReadUntilAsync(_pending, pattern,
            (chunk, t) => Socket.ReceiveAsync(chunk, SocketFlags.None, t), token).ConfigureAwait(false);
        _pending = rest;
        return before;
    });

    /// <summary>Reads every byte until the peer's FIN.</summary>
    public Task<byte[]> ReadToEndAsync(int maxBytes = MaxBufferedBytes) => RunAsync("read to end", async token =>
    {
        using var buffer = new MemoryStream();
        buffer.Write(_pending);
        _pending = [];
        var chunk = new byte[64 * 1024];
        while (true)
        {
            var n = await Socket.ReceiveAsync(chunk, SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0) return buffer.ToArray();
            buffer.Write(chunk, 0, n);
            if (buffer.Length > maxBytes) throw new InvalidOperationException($"more than {maxBytes} bytes before FIN");
        }
    });

    /// <summary>
    /// Graceful close: sends FIN now (the socket can still read). The socket is released when the script ends, after
    /// what the client still sends was read and dropped.
    /// </summary>
    public Task CloseAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) == 0) Socket.Shutdown(SocketShutdown.Send);
        return Task.CompletedTask;
    }

    /// <summary>Abortive close: linger 0 then close, so the peer gets a RST.</summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2) return;
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    /// <summary>
    /// Keeps the connection open, reading and dropping everything, until the peer closes (true; a reset counts as a
    /// close), <paramref name="max"/> elapses (false; default 30 s) or the server stops.
    /// </summary>
    public async Task<bool> SilentAsync(TimeSpan? max = null)
    {
        _pending = [];
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_serverStop);
        limit.CancelAfter(max ?? TimeSpan.FromSeconds(30));
        var chunk = new byte[64 * 1024];
        try
        {
            while (await Socket.ReceiveAsync(chunk, SocketFlags.None, limit.Token).ConfigureAwait(false) > 0) { }
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Neither reads nor writes until <paramref name="max"/> elapses (default 30 s) or the server stops.</summary>
    public async Task HoldAsync(TimeSpan? max = null)
    {
        try
        {
            await Task.Delay(max ?? TimeSpan.FromSeconds(30), _serverStop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The server stopped.
        }
    }

    internal void Abort()
    {
        Interlocked.Exchange(ref _state, 2);
        Socket.Dispose();
    }

    internal async Task FinishAsync()
    {
        var state = Interlocked.Exchange(ref _state, 2);
        if (state == 2) return;
        if (_serverStop.IsCancellationRequested)
        {
            Socket.Dispose();
            return;
        }
        try
        {
            if (state == 0) Socket.Shutdown(SocketShutdown.Send);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(_serverStop);
            limit.CancelAfter(FinishDrainTime);
            var chunk = new byte[64 * 1024];
            while (await Socket.ReceiveAsync(chunk, SocketFlags.None, limit.Token).ConfigureAwait(false) > 0) { }
        }
        catch (Exception)
        {
            // Best effort: the peer may already be gone.
        }
        finally
        {
            Socket.Dispose();
        }
    }

    private int TakePending(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _pending.Length);
        _pending.AsSpan(0, n).CopyTo(destination);
        _pending = _pending[n..];
        return n;
    }

    private async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> operation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_serverStop);
        limit.CancelAfter(OperationTimeout);
        try
        {
            return await operation(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_serverStop.IsCancellationRequested)
        {
            throw new TimeoutException($"server connection {Index}: {what} did not finish within {OperationTimeout}");
        }
    }
}

/// <summary>A scripted TCP server on a loopback address (127.0.0.1 unless told otherwise), port chosen by the OS.</summary>
public sealed class LoopbackServer : ScriptedServer
{
    private static readonly ConcurrentBag<Socket> ReservedPorts = [];

    /// <summary>Listens on 127.0.0.1.</summary>
    public LoopbackServer(Func<ServerConnection, CancellationToken, Task> script) : this(script, IPAddress.Loopback) { }

    /// <summary>Listens on <paramref name="address"/> (127.0.0.1 or ::1).</summary>
    public LoopbackServer(Func<ServerConnection, CancellationToken, Task> script, IPAddress address) : base(script)
    {
        var listener = Listen(address, 0);
        Address = address;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        Start([listener]);
    }

    private LoopbackServer(Func<ServerConnection, CancellationToken, Task> script, Socket[] listeners) : base(script)
    {
        Address = IPAddress.Loopback;
        Port = ((IPEndPoint)listeners[0].LocalEndPoint!).Port;
        Start(listeners);
    }

    /// <summary>The address listened on (the IPv4 one for <see cref="OnBothLoopbacks"/>).</summary>
    public IPAddress Address { get; }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>The host text a request uses: <c>127.0.0.1</c> or <c>::1</c>.</summary>
    public string Host => Address.ToString();

    /// <summary>
    /// Listens on 127.0.0.1 and ::1 with the same port, so a client that tries either address for <c>localhost</c>
    /// reaches it.
    /// </summary>
    public static LoopbackServer OnBothLoopbacks(Func<ServerConnection, CancellationToken, Task> script)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var v4 = Listen(IPAddress.Loopback, 0);
            try
            {
                var v6 = Listen(IPAddress.IPv6Loopback, ((IPEndPoint)v4.LocalEndPoint!).Port);
                return new LoopbackServer(script, [v4, v6]);
            }
            catch (SocketException)
            {
                v4.Dispose();
            }
        }
        throw new InvalidOperationException("no port free on both 127.0.0.1 and ::1 after 20 attempts");
    }

    /// <summary>
    /// A port on 127.0.0.1 where nothing listens: connecting is refused. The port stays bound (not listening) for the
    /// life of the test process, so nobody else takes it and a client can never self-connect to it.
    /// </summary>
    public static int ClosedPort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ReservedPorts.Add(socket);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static Socket Listen(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(64);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A scripted server on a unix socket under /tmp; the socket file is deleted on dispose.</summary>
public sealed class UnixServer : ScriptedServer
{
    /// <summary>Listens on a fresh path under /tmp.</summary>
    public UnixServer(Func<ServerConnection, CancellationToken, Task> script) : base(script)
    {
        SocketPath = $"/tmp/actortcp-test-{Guid.NewGuid():N}.sock";
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        Start([listener]);
    }

    /// <summary>The socket's path (the request's host).</summary>
    public string SocketPath { get; }

    /// <summary>A path under /tmp where no socket exists.</summary>
    public static string MissingPath() => $"/tmp/actortcp-missing-{Guid.NewGuid():N}.sock";

    /// <inheritdoc/>
    protected override void OnStopped()
    {
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>
/// A port on 127.0.0.1 where connect() stays pending: a listener with backlog 1 that never accepts, whose accept
/// queue is filled first. Linux then drops further SYNs (net.ipv4.tcp_abort_on_overflow = 0), so the client keeps
/// retransmitting its SYN and its connect neither succeeds nor fails. <see cref="CreateAsync"/> verifies it.
/// </summary>
public sealed class ConnectBlackhole : IDisposable
{
    private const int MaxFillers = 16;
    private static readonly TimeSpan FillerWait = TimeSpan.FromMilliseconds(300);

    private readonly Socket _listener;
    private readonly List<Socket> _fillers;

    private ConnectBlackhole(Socket listener, List<Socket> fillers)
    {
        _listener = listener;
        _fillers = fillers;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    /// <summary>The port whose connects hang.</summary>
    public int Port { get; }

    /// <summary>
    /// Fills the accept queue, then checks that one more connect stays pending for <paramref name="verifyFor"/> (which
    /// should cover the first SYN retransmission, 1 s). Throws when this system does not behave so.
    /// </summary>
    public static async Task<ConnectBlackhole> CreateAsync(TimeSpan verifyFor)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        var fillers = new List<Socket>();
        var hole = new ConnectBlackhole(listener, fillers);
        try
        {
            var pending = false;
            for (var i = 0; i < MaxFillers && !pending; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                if (await TryConnectAsync(socket, endPoint, FillerWait).ConfigureAwait(false)) fillers.Add(socket);
                else
                {
                    socket.Dispose();
                    pending = true;
                }
            }
            if (!pending) throw new InvalidOperationException($"the accept queue did not fill after {MaxFillers} connections");

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (await TryConnectAsync(probe, endPoint, verifyFor).ConfigureAwait(false))
                throw new InvalidOperationException("a connect to the full listener completed: connect timeouts cannot be tested here");
            return hole;
        }
        catch
        {
            hole.Dispose();
            throw;
        }
    }

    private static async Task<bool> TryConnectAsync(Socket socket, IPEndPoint endPoint, TimeSpan wait)
    {
        using var limit = new CancellationTokenSource(wait);
        try
        {
            await socket.ConnectAsync(endPoint, limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Closes the fillers and the listener.</summary>
    public void Dispose()
    {
        foreach (var filler in _fillers) filler.Dispose();
        _listener.Dispose();
    }
}
