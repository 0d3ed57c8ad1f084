using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ActorTcp.Hosting.Fixtures;

/// <summary>
/// A loopback TCP server for <c>actortcp run --fixtures</c>: listens on 127.0.0.1 with an ephemeral port and serves
/// each accepted connection with <see cref="ServeAsync"/> on the thread pool (async sockets, no thread waits on I/O).
/// Everything is bounded: at most <see cref="MaxConnections"/> connections, each operation of a connection by
/// <see cref="FixtureConnection.IdleTimeout"/>, and disposal waits at most <see cref="DisposeWait"/>.
/// </summary>
public abstract class FixtureServer : IAsyncDisposable
{
    /// <summary>Most connections one fixture accepts in a run; it stops listening after that.</summary>
    public const int MaxConnections = 10_000;

    /// <summary>How long disposal waits for connections to end.</summary>
    public static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(3);

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();
    private Task _acceptLoop = Task.CompletedTask;
    private bool _disposed;

    /// <summary>Binds 127.0.0.1 on an ephemeral port; call <see cref="Start"/> to accept.</summary>
    protected FixtureServer(string name, ILogger logger)
    {
        Name = name;
        Logger = logger;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(128);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    /// <summary>The name scripts see in the <c>fixtures</c> table.</summary>
    public string Name { get; }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Where the fixture logs (connection errors, at debug level).</summary>
    protected ILogger Logger { get; }

    /// <summary>Starts accepting connections.</summary>
    public void Start() => _acceptLoop = AcceptLoopAsync();

    /// <summary>Serves one accepted connection; the connection is closed gracefully when it returns.</summary>
    protected abstract Task ServeAsync(FixtureConnection connection);

    private async Task AcceptLoopAsync()
    {
        var stop = _stop.Token;
        for (var accepted = 0; accepted < MaxConnections && !stop.IsCancellationRequested; accepted++)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (!stop.IsCancellationRequested) Logger.LogWarning("fixture {Name}: accept failed: {Error}", Name, e.Message);
                return;
            }

            var connection = new FixtureConnection(socket, stop);
            lock (_gate)
            {
                if (_disposed)
                {
                    socket.Dispose();
                    return;
                }
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(RunAsync(connection));
            }
        }
        if (!stop.IsCancellationRequested)
            Logger.LogWarning("fixture {Name}: stopped accepting after {Max} connections", Name, MaxConnections);
    }

    private async Task RunAsync(FixtureConnection connection)
    {
        await Task.Yield();
        try
        {
            await ServeAsync(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException or OperationCanceledException
                                       or ObjectDisposedException)
        {
            // The client went away, a bound expired or the fixtures are stopping: the end of this connection.
            Logger.LogDebug("fixture {Name}: connection ended: {Error}", Name, e.Message);
        }
        catch (Exception e)
        {
            Logger.LogWarning(e, "fixture {Name}: connection failed", Name);
        }
        finally
        {
            await connection.CloseAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops listening, ends every connection, and waits (bounded) for them.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] tasks;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            tasks = [.. _connections, _acceptLoop];
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        // The token source is not disposed: a connection still ending after the wait may read its token.
        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(DisposeWait)).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
