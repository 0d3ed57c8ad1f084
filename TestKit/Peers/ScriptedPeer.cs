using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorTcp.TestKit;

/// <summary>
/// A real TCP server on a loopback address (127.0.0.1 unless told otherwise, or both loopback addresses; the port chosen
/// by the system), or a unix socket server (<see cref="ScriptedPeerOptions"/>), whose side of the dialogue is a
/// <see cref="PeerScript"/>: it expects what the client sends, answers, and misbehaves on cue
/// (slow sends, half-close, reset, silence, TLS with a certificate of your choice). It records what it received, and
/// when the client deviates from the script it fails: <see cref="Completion"/> and <see cref="AssertScriptFollowed"/>
/// throw a <see cref="ScriptedPeerException"/> naming the step and what arrived. Every step and the whole script are
/// bounded in time (<see cref="ScriptedPeerOptions"/>); <see cref="Dispose"/> closes every socket.
/// </summary>
/// <example>
/// <code>
/// using var peer = ScriptedPeer.Start(s => s.ExpectLine("HELO x").SendLine("250 ok").Reset());
/// // ... let the client talk to peer.Host:peer.Port, then:
/// await peer.Completion;
/// Assert.Equal("HELO x\r\n", peer.ReceivedText);
/// </code>
/// </example>
public sealed class ScriptedPeer : IDisposable
{
    private readonly ScriptedPeerOptions _options;
    // One script per connection in accept order; the last one serves the rest.
    private readonly IReadOnlyList<IReadOnlyList<PeerStep>> _scripts;
    private readonly Socket[] _listeners;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource? _acceptBound;
    private readonly ConcurrentQueue<PeerConnection> _connections = new();
    private readonly ConcurrentQueue<string> _deviations = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _accepted;
    private int _finished;

    private ScriptedPeer(Socket[] listeners, string? socketPath, ScriptedPeerOptions options, IReadOnlyList<IReadOnlyList<PeerStep>> scripts, bool listening)
    {
        _listeners = listeners;
        _options = options;
        _scripts = scripts;
        SocketPath = socketPath;
        (Address, Port) = listeners[0].LocalEndPoint is IPEndPoint ip ? (ip.Address, ip.Port) : (IPAddress.None, 0);
        if (!listening)
        {
            _completion.SetResult();
            return;
        }
        _acceptBound = new CancellationTokenSource(options.ScriptTimeout);
        _acceptBound.Token.Register(OnAcceptBound);
        foreach (var listener in listeners) _ = Task.Run(() => AcceptLoopAsync(listener));
    }

    /// <summary>Starts a peer that runs the script <paramref name="script"/> builds for every connection it accepts.</summary>
    public static ScriptedPeer Start(Action<PeerScript> script, ScriptedPeerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        var steps = new PeerScript();
        script(steps);
        return Listen([steps.Steps], options ?? ScriptedPeerOptions.Default);
    }

    /// <summary>
    /// Starts a peer that expects one connection per script, in turn: the first connection it accepts runs
    /// <paramref name="scripts"/>[0], the second [1], and so on (<see cref="ScriptedPeerOptions.Connections"/> is their
    /// count). For a client that retries: the first connection reset, the second answered.
    /// </summary>
    /// <example>
    /// <code>
    /// using var peer = ScriptedPeer.InTurn([s => s.ExpectLine("scan").Reset(), s => s.ExpectLine("scan").SendLine("clean")]);
    /// </code>
    /// </example>
    public static ScriptedPeer InTurn(IReadOnlyList<Action<PeerScript>> scripts, ScriptedPeerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        if (scripts.Count == 0) throw new ArgumentException("a peer needs at least one script", nameof(scripts));
        var built = scripts.Select(script =>
        {
            var steps = new PeerScript();
            script(steps);
            return steps.Steps;
        }).ToArray();
        return Listen(built, (options ?? ScriptedPeerOptions.Default) with { Connections = scripts.Count });
    }

    /// <summary>
    /// Starts a peer whose script is code: <paramref name="script"/> runs for every connection as one step called
    /// <c>script</c>; an exception it throws fails the script. Its token is <see cref="PeerConnection.Stopping"/>.
    /// </summary>
    public static ScriptedPeer Start(Func<PeerConnection, CancellationToken, Task> script, ScriptedPeerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        return Start(s => s.Do("script", c => script(c, c.Stopping)), options);
    }

    /// <summary>
    /// A peer that refuses connections: its port on 127.0.0.1 is bound but never listened on, so a connect gets a RST
    /// (rspamd: "Connection refused"), and nobody else can take the port until the peer is disposed.
    /// </summary>
    public static ScriptedPeer Refusing()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return new ScriptedPeer([socket], null, ScriptedPeerOptions.Default, [], listening: false);
    }

    /// <summary>The address listened on (127.0.0.1 when on both loopbacks); <see cref="IPAddress.None"/> for a unix socket.</summary>
    public IPAddress Address { get; }

    /// <summary>The port listened on; 0 for a unix socket.</summary>
    public int Port { get; }

    /// <summary>The unix socket's path (<see cref="ScriptedPeerOptions.UnixSocket"/>); null on TCP.</summary>
    public string? SocketPath { get; }

    /// <summary>The host text a request uses: <c>127.0.0.1</c>, <c>::1</c>, or the unix socket's path.</summary>
    public string Host => SocketPath ?? Address.ToString();

    /// <summary>Where a client connects: an <see cref="IPEndPoint"/>, or a <see cref="UnixDomainSocketEndPoint"/>.</summary>
    public EndPoint EndPoint => SocketPath is null ? new IPEndPoint(Address, Port) : new UnixDomainSocketEndPoint(SocketPath);

    /// <summary>Connections accepted so far (including ones beyond <see cref="ScriptedPeerOptions.Connections"/>).</summary>
    public int AcceptedCount => Volatile.Read(ref _accepted);

    /// <summary>Every byte received so far, over every connection in the order they were accepted (after TLS: the plaintext).</summary>
    public byte[] Received => _connections.SelectMany(c => c.Received).ToArray();

    /// <summary><see cref="Received"/> as Latin-1 text (one char per byte).</summary>
    public string ReceivedText => Encoding.Latin1.GetString(Received);

    /// <summary>The deviations so far, each a whole failure message.</summary>
    public IReadOnlyList<string> Deviations => _deviations.ToArray();

    /// <summary>
    /// Completes when every expected connection was accepted and ran its script to the end (a hold counts as the end
    /// once it starts; the graceful close that follows is not waited for). Fails with <see cref="ScriptedPeerException"/>
    /// at the first deviation, when the connections do not all come within <see cref="ScriptedPeerOptions.ScriptTimeout"/>,
    /// or when the peer is disposed first.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>Throws a <see cref="ScriptedPeerException"/> with the first deviation so far, if any.</summary>
    public void AssertScriptFollowed()
    {
        if (_deviations.TryPeek(out var first)) throw new ScriptedPeerException(first);
    }

    /// <summary>
    /// Stops accepting, ends every script, closes every socket and deletes a unix socket's file. Does not wait: the
    /// scripts' tasks end on their own.
    /// </summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _acceptBound?.Dispose();
        foreach (var listener in _listeners) listener.Dispose();
        if (SocketPath is not null) PeerListeners.DeleteSocketFile(SocketPath);
        foreach (var connection in _connections) connection.Abort();
        _completion.TrySetException(new ScriptedPeerException("ScriptedPeer: disposed before the script ended"));
    }

    private static ScriptedPeer Listen(IReadOnlyList<IReadOnlyList<PeerStep>> scripts, ScriptedPeerOptions options)
    {
        options.Validate();
        var (listeners, path) = PeerListeners.Listen(options);
        return new ScriptedPeer(listeners, path, options, scripts, listening: true);
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
            catch (SocketException e)
            {
                Deviate($"ScriptedPeer: accepting failed: {e.Message}");
                return;
            }

            var index = Interlocked.Increment(ref _accepted) - 1;
            if (index >= _options.Connections)
            {
                socket.Dispose();
                Deviate($"ScriptedPeer: connection {index + 1} was accepted, but the script expects {Connections(_options.Connections)}");
                continue;
            }
            // The script's bound starts at the accept; the connection is listed in accept order (for Received).
            var bound = CancellationTokenSource.CreateLinkedTokenSource(stop);
            bound.CancelAfter(_options.ScriptTimeout);
            var connection = new PeerConnection(socket, index, _options.StepTimeout, bound.Token);
            _connections.Enqueue(connection);
            if (stop.IsCancellationRequested) connection.Abort();
            _ = Task.Run(() => RunAsync(connection, bound));
        }
    }

    private async Task RunAsync(PeerConnection connection, CancellationTokenSource bound)
    {
        using var _ = bound;
        var index = connection.Index;
        var reported = 0;
        await ScriptRunner.RunAsync(connection, _scripts[Math.Min(connection.Index, _scripts.Count - 1)], _options.ScriptTimeout, _stop.Token, deviation =>
        {
            if (Interlocked.Exchange(ref reported, 1) == 1) return;
            if (deviation is not null) Deviate("ScriptedPeer: " + (_options.Connections > 1 ? $"connection {index + 1}: " : "") + deviation);
            else if (Interlocked.Increment(ref _finished) == _options.Connections) _completion.TrySetResult();
        }).ConfigureAwait(false);
    }

    private void OnAcceptBound()
    {
        var accepted = Math.Min(AcceptedCount, _options.Connections);
        if (accepted >= _options.Connections) return;
        var within = Printable.Duration(_options.ScriptTimeout);
        Deviate(accepted == 0
            ? $"ScriptedPeer: no connection within {within} (the script expects {Connections(_options.Connections)})"
            : $"ScriptedPeer: {accepted} of {Connections(_options.Connections)} accepted within {within}");
    }

    private void Deviate(string message)
    {
        _deviations.Enqueue(message);
        _completion.TrySetException(new ScriptedPeerException(message));
    }

    private static string Connections(int count) => count == 1 ? "1 connection" : $"{count} connections";
}
