using ActorTcp.Actors.Connection;
using ActorTcp.TestKit;
using ActorTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Connection;

/// <summary>
/// TLS session resumption (<c>actortcp.tls.session-resumption</c>) against an OpenSSL server (Python's), which reports
/// whether each handshake resumed: on by default for a host given by name, never a way around verification.
/// </summary>
public class TlsResumptionTests : ConnectionTestKit
{
    public TlsResumptionTests(ITestOutputHelper output) : this(output, TestPki.TrustCaHocon) { }

    protected TlsResumptionTests(ITestOutputHelper output, string hocon) : base(output, hocon) { }

    private static TestPki Pki => TestPki.Instance;

    // .NET keeps sessions by server name, whatever the port: each test uses a name of its own (TlsOptions.ServerName),
    // so the TLS tests running beside it cannot replace its session with one another server would refuse.
    private readonly string _name = $"resume-{Guid.NewGuid():N}.test";

    /// <summary>Whether this class's configuration resumes sessions.</summary>
    protected virtual bool Resumes => true;

    /// <summary>One request over TLS (as <see cref="_name"/>): a line written, its echo read, the connection closed.</summary>
    private async Task EchoAsync(PythonTlsEchoServer server, bool noVerify)
    {
        var read = NextId();
        var conn = await OpenAsync(RequestTo("127.0.0.1", server.Port, SilentWriteHandler(NextId(), "ping\n"), ReadHandler(read, "\n"))
            with { Tls = new TlsOptions(noVerify, _name) });
        await ExpectReadAsync(conn, read, "ping");
        Return(conn);
        await ExpectClosedAsync(conn);
    }

    [InstalledFact("python3", PythonTlsEchoServer.Python)]
    public async Task A_second_connection_to_the_same_named_host_resumes_the_first_ones_session()
    {
        using var server = new PythonTlsEchoServer(Pki.IssueFor(_name));

        await EchoAsync(server, noVerify: false);
        await EchoAsync(server, noVerify: false);

        Assert.Equal([false, Resumes], server.Resumed);
    }

    [InstalledFact("python3", PythonTlsEchoServer.Python)]
    public async Task A_session_made_without_verification_never_lets_a_verifying_request_through()
    {
        using var server = new PythonTlsEchoServer(Pki.SelfSigned);
        await EchoAsync(server, noVerify: true);

        var conn = await OpenAsync(RequestTo("127.0.0.1", server.Port, ReadHandler(NextId(), "\n")) with { Tls = new TlsOptions(ServerName: _name) });
        var failed = await ExpectTurnAsync<HandlerFailed>(conn);
        Return(conn);
        await ExpectClosedAsync(conn);

        // Resumed or not, the certificate the session carries was checked, and refused.
        Assert.StartsWith("ssl error: ssl connect error: certificate verify failed: ", failed.Error);
        Assert.Equal([false, Resumes], server.Resumed);
    }
}

/// <summary>The same with <c>actortcp.tls.session-resumption = off</c>: every handshake is a full one.</summary>
public sealed class TlsResumptionOffTests(ITestOutputHelper output)
    : TlsResumptionTests(output, TestPki.TrustCaHocon + "\nactortcp.tls.session-resumption = off")
{
    protected override bool Resumes => false;
}

/// <summary>The same with TCP over Akka.IO (<c>actortcp.io.transport = akka-io</c>).</summary>
public sealed class TlsResumptionTestsOnAkkaIo(ITestOutputHelper output)
    : TlsResumptionTests(output, TestPki.TrustCaHocon + "\n" + AkkaIoHocon);
