using System.Net.Security;
using System.Net.Sockets;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;
using ActorTcp.Benchmarks.Server;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W8: a new TLS connection per request (connect, handshake without verification, write 10 bytes, read the echoed line,
/// close), 50 in flight, against a Python asyncio TLS echo server the benchmark starts on 127.0.0.1 with a certificate
/// it makes (<see cref="TlsEchoServer"/>). ActorTcp: <c>rspamd_tcp.request{ssl = true, ssl_noverify = true}</c>; raw: a
/// <see cref="SslStream"/> over a socket, accepting any certificate. W8 connects to the IP literal (every handshake a
/// full one: .NET keeps TLS sessions by server name only); W8N names the server <c>localhost</c>, so both sides resume
/// the session of an earlier connection (<c>actortcp.tls.session-resumption</c>, on by default).
/// </summary>
public sealed class W8TlsConnections(double scale, bool named = false) : TlsEchoWorkload(startTls: false)
{
    internal const int InFlight = 50;
    internal const int MessageBytes = 10;
    private readonly int _n = Scaled(2_000, scale);

    public override string Id => named ? "W8N" : "W8";
    public override string Title => named
        ? $"W8N: W8 to the server name localhost (TLS sessions resumed)"
        : $"W8: {_n} requests, {InFlight} in flight, a new TLS connection each ({MessageBytes}-byte line echoed)";

    /// <summary>What both sides call the server: a name resumes sessions, an IP literal does not.</summary>
    private string ServerName(BenchContext context) => named ? "localhost" : context.Host;
    public override IReadOnlyList<Metric> Metrics => [Throughput("requests/s", 0.95)];

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var endPoint = EndPoint;
        context.Lua.Output.Clear();
        await context.Lua.RunAsync("w1_request.lua", [ServerName(context), W1NewConnections.Text(endPoint.Port), W1NewConnections.Text(_n),
            W1NewConnections.Text(InFlight), W1NewConnections.Text(MessageBytes), "tls"], cancellationToken).ConfigureAwait(false);
        ScriptResult.Sum(context.Lua.Output.Lines()).EnsureAllOk(_n);
        return new Outcome(_n);
    }

    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var endPoint = EndPoint;
        var message = RawSocket.Message(MessageBytes);
        var started = 0;
        async Task Worker()
        {
            var buffer = new byte[MessageBytes * 2];
            while (Interlocked.Increment(ref started) <= _n)
            {
                using var socket = await RawSocket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
                await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
                await tls.AuthenticateAsClientAsync(RawTls.NoVerify(ServerName(context)), cancellationToken).ConfigureAwait(false);
                await tls.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                await RawTls.ReadLineAsync(tls, buffer, MessageBytes, cancellationToken).ConfigureAwait(false);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(InFlight, _n)).Select(_ => Worker())).ConfigureAwait(false);
        return new Outcome(_n);
    }
}
