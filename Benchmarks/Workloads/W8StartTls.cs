using System.Net.Security;
using System.Net.Sockets;
using ActorTcp.Benchmarks.Measure;
using ActorTcp.Benchmarks.Raw;
using ActorTcp.Benchmarks.Server;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W8S: W8 with STARTTLS, as an SMTP client upgrades a connection: a new plaintext connection per request, the
/// server's banner read, <c>STARTTLS</c> written, the go-ahead read, then a handshake without verification, a 10-byte
/// line written and read back, close; 50 in flight, against <see cref="TlsEchoServer"/> in its STARTTLS mode, to the
/// IP literal (full handshakes, as W8). ActorTcp: <c>Lua/w8s_starttls.lua</c>, <c>conn:starttls(true)</c> between
/// callbacks; raw: the same exchange on a socket, then an <see cref="SslStream"/> over it accepting any certificate.
/// </summary>
public sealed class W8StartTls(double scale) : TlsEchoWorkload(startTls: true)
{
    private static readonly byte[] StartTlsCommand = "STARTTLS\r\n"u8.ToArray();
    private readonly int _n = Scaled(2_000, scale);

    public override string Id => "W8S";
    public override string Title =>
        $"W8S: W8 over STARTTLS (banner, STARTTLS, go-ahead in plaintext, then the handshake; {_n} requests)";

    public override IReadOnlyList<Metric> Metrics => [Throughput("requests/s", 0.95)];

    public override async Task<Outcome> RunActorTcpAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var endPoint = EndPoint;
        context.Lua.Output.Clear();
        await context.Lua.RunAsync("w8s_starttls.lua", [context.Host, W1NewConnections.Text(endPoint.Port), W1NewConnections.Text(_n),
            W1NewConnections.Text(W8TlsConnections.InFlight), W1NewConnections.Text(W8TlsConnections.MessageBytes)],
            cancellationToken).ConfigureAwait(false);
        ScriptResult.Sum(context.Lua.Output.Lines()).EnsureAllOk(_n);
        return new Outcome(_n);
    }

    public override async Task<Outcome> RunRawAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var endPoint = EndPoint;
        var message = RawSocket.Message(W8TlsConnections.MessageBytes);
        var started = 0;
        async Task Worker()
        {
            var buffer = new byte[64];
            while (Interlocked.Increment(ref started) <= _n)
            {
                using var socket = await RawSocket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
                await RawTls.ExpectReadyAsync(socket, buffer, cancellationToken).ConfigureAwait(false);
                if (await socket.SendAsync(StartTlsCommand, SocketFlags.None, cancellationToken).ConfigureAwait(false) != StartTlsCommand.Length)
                    throw new InvalidOperationException("STARTTLS was sent in part");
                await RawTls.ExpectReadyAsync(socket, buffer, cancellationToken).ConfigureAwait(false);
                await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
                await tls.AuthenticateAsClientAsync(RawTls.NoVerify(context.Host), cancellationToken).ConfigureAwait(false);
                await tls.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                await RawTls.ReadLineAsync(tls, buffer, W8TlsConnections.MessageBytes, cancellationToken).ConfigureAwait(false);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(W8TlsConnections.InFlight, _n)).Select(_ => Worker())).ConfigureAwait(false);
        return new Outcome(_n);
    }
}
