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
