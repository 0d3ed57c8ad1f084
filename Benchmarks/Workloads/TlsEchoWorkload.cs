using System.Net;
using ActorTcp.Benchmarks.Server;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// What the TLS rows (W8, W8N, W8S) share: a <see cref="TlsEchoServer"/> started for the row and stopped after it,
/// in its STARTTLS mode when <paramref name="startTls"/>.
/// </summary>
public abstract class TlsEchoWorkload(bool startTls) : Workload
{
    private TlsEchoServer? _server;

    /// <summary>Where the server listens; only between set-up and tear-down.</summary>
    protected IPEndPoint EndPoint => _server?.EndPoint ?? throw new InvalidOperationException($"{Id} is not set up");

    public override async Task SetUpAsync(BenchContext context, CancellationToken cancellationToken) =>
        _server = await TlsEchoServer.StartAsync(startTls, cancellationToken).ConfigureAwait(false);

    public override ValueTask TearDownAsync()
    {
        _server?.Dispose();
        _server = null;
        return ValueTask.CompletedTask;
    }
}
