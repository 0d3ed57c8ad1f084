using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Transport;
using ActorTcp.TestKit;
using Akka.TestKit;
using Xunit;

namespace ActorTcp.Tests.Transport;

/// <summary>
/// <see cref="TlsTransport"/> on its own, over a <see cref="SocketTransport"/> to a loopback TLS server whose
/// certificate the test PKI made. A test probe stands for the connection actor: the test passes each event it gets to
/// the layers as the actor does (socket events to the TLS layer, TLS signals to <see cref="TlsTransport.Handle"/>).
/// </summary>
public sealed class TlsTransportTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TransportTestTimes.Event;

    private static string Latin1(ReadOnlyMemory<byte> bytes) => Encoding.Latin1.GetString(bytes.Span);

    /// <summary>The client side: a socket transport, the TLS layer over it, and the probe both report to.</summary>
    private sealed class Client(SocketTransport socket, TlsTransport tls, TestProbe owner)
    {
        public TlsTransport Tls { get; } = tls;

        /// <summary>Passes one message to the layers as the connection actor does; the outcome for the handler queue.</summary>
        private TlsOutcome Dispatch(object message)
        {
            switch (message)
            {
                case TransportEvent.Received received:
                    Tls.OnCipherReceived(received.Data);
                    return TlsOutcome.None;
                case TransportEvent.WriteAcked acked:
                    socket.TryTranslate(acked, out _);
                    Tls.OnCipherAcked();
                    return TlsOutcome.None;
                case TransportEvent.PeerClosed:
                    Tls.OnCipherEof();
                    return TlsOutcome.None;
                case TransportEvent.Failed failed:
                    return new TlsOutcome(TlsOutcomeKind.Failed, Error: "socket: " + failed.Cause.Message);
                case TlsSignal signal:
                    return Tls.Handle(signal);
                default:
                    throw new InvalidOperationException($"unexpected message {message}");
            }
        }

        /// <summary>Pumps events until the first outcome for the handler queue (bounded).</summary>
        public TlsOutcome Next()
        {
            var deadline = DateTime.UtcNow + Wait;
            while (DateTime.UtcNow < deadline)
            {
                var message = owner.ReceiveOne(deadline - DateTime.UtcNow);
                if (message is null) break;
                var outcome = Dispatch(message);
                if (outcome.Kind != TlsOutcomeKind.None) return outcome;
            }
            throw new TimeoutException($"no TLS outcome within {Wait}");
        }

        /// <summary>Pumps events until <paramref name="task"/> (the server's side) completes; returns the outcomes seen.</summary>
        public async Task<List<TlsOutcome>> PumpUntilAsync(Task task)
        {
            var outcomes = new List<TlsOutcome>();
            var deadline = DateTime.UtcNow + Wait;
            while (!task.IsCompleted && DateTime.UtcNow < deadline)
            {
                if (owner.ReceiveOne(TimeSpan.FromMilliseconds(20)) is { } message
                    && Dispatch(message) is { Kind: not TlsOutcomeKind.None } outcome)
                    outcomes.Add(outcome);
            }
            await task.WaitAsync(TimeSpan.FromSeconds(1));
            return outcomes;
        }
    }

    /// <summary>
    /// Connects to <paramref name="peer"/>, starts the client handshake towards <paramref name="host"/> and the server's
    /// with <paramref name="certificate"/>; returns both sides and the handshake's outcome.
    /// </summary>
    private async Task<(Client Client, TlsOutcome Handshake, Task<PeerConnection> Server)> HandshakeAsync(
        TransportPeer peer, X509Certificate2 certificate, string host = "localhost", TlsOptions? options = null,
        int maxCipherInFlight = 256 * 1024)
    {
        var owner = CreateTestProbe();
        var (socket, connection) = await peer.ConnectAsync(owner);
        var server = Task.Run(async () =>
        {
            await connection.StartTlsAsync(certificate);
            return connection;
        });
        var tls = new TlsTransport(socket, owner.Ref, host, options ?? new TlsOptions(), [TestPki.Instance.Ca],
            readSize: 16 * 1024, maxCipherInFlight, innerReadPending: false, resume: true);
        var client = new Client(socket, tls, owner);
        tls.StartHandshake();
        return (client, client.Next(), server);
    }

    [Fact]
    public async Task A_handshake_with_a_certificate_signed_by_a_trusted_root_completes_with_SNI()
    {
        using var peer = new TransportPeer();

        var (client, handshake, server) = await HandshakeAsync(peer, TestPki.Instance.Localhost);

        Assert.Equal(TlsOutcomeKind.HandshakeDone, handshake.Kind);
        Assert.Contains(client.Tls.Protocol, new[] { SslProtocols.Tls12, SslProtocols.Tls13 });
        var tls = await server.WaitAsync(Wait);
        Assert.Equal("localhost", tls.TlsServerName);
        Assert.Equal(tls.TlsProtocol, client.Tls.Protocol);
        client.Tls.Close();
    }

    [Fact]
    public async Task An_IP_literal_host_is_verified_against_the_IP_SAN_and_sends_no_SNI()
    {
        using var peer = new TransportPeer();

        var (client, handshake, server) = await HandshakeAsync(peer, TestPki.Instance.Localhost, host: "127.0.0.1");

        Assert.Equal(TlsOutcomeKind.HandshakeDone, handshake.Kind);
        Assert.True(string.IsNullOrEmpty((await server.WaitAsync(Wait)).TlsServerName));
        client.Tls.Close();
    }

    [Fact]
    public async Task The_protocol_is_none_before_the_handshake_completed()
    {
        using var peer = new TransportPeer();
        var owner = CreateTestProbe();
        var (socket, _) = await peer.ConnectAsync(owner);

        var tls = new TlsTransport(socket, owner.Ref, "localhost", new TlsOptions(), [], 16 * 1024, 64 * 1024, false, resume: true);

        Assert.Equal(SslProtocols.None, tls.Protocol);
        tls.Close();
    }

    [Fact]
    public async Task An_untrusted_certificate_fails_the_handshake_with_the_verification_error()
    {
        using var peer = new TransportPeer();

        var (client, handshake, _) = await HandshakeAsync(peer, TestPki.Instance.SelfSigned);

        Assert.Equal(TlsOutcomeKind.Failed, handshake.Kind);
        Assert.StartsWith("ssl error: ssl connect error: certificate verify failed", handshake.Error);
        Assert.Equal(SslProtocols.None, client.Tls.Protocol);
        client.Tls.Close();
    }

    [Fact]
    public async Task A_certificate_for_another_name_fails_the_handshake_naming_the_host()
    {
        using var peer = new TransportPeer();

        var (client, handshake, _) = await HandshakeAsync(peer, TestPki.Instance.WrongName);

        Assert.Equal(TlsOutcomeKind.Failed, handshake.Kind);
        Assert.Equal(TcpErrors.SslHostnameMismatch("localhost"), handshake.Error);
        client.Tls.Close();
    }

    [Fact]
    public async Task No_verify_accepts_an_untrusted_certificate()
    {
        using var peer = new TransportPeer();

        var (client, handshake, _) = await HandshakeAsync(peer, TestPki.Instance.SelfSigned, options: new TlsOptions(NoVerify: true));

        Assert.Equal(TlsOutcomeKind.HandshakeDone, handshake.Kind);
        client.Tls.Close();
    }

    [Fact]
    public async Task The_server_name_option_replaces_the_host_for_SNI_and_verification()
    {
        using var peer = new TransportPeer();

        var (client, handshake, server) = await HandshakeAsync(peer, TestPki.Instance.WrongName, host: "127.0.0.1",
            options: new TlsOptions(ServerName: "example.com"));

        Assert.Equal(TlsOutcomeKind.HandshakeDone, handshake.Kind);
        Assert.Equal("example.com", (await server.WaitAsync(Wait)).TlsServerName);
        client.Tls.Close();
    }

    [Fact]
    public async Task A_plaintext_write_is_acknowledged_and_the_server_reads_it_decrypted()
    {
        using var peer = new TransportPeer();
        var (client, _, server) = await HandshakeAsync(peer, TestPki.Instance.Localhost);
        var tls = await server.WaitAsync(Wait);

        client.Tls.Write(Encoding.Latin1.GetBytes("hello over tls\r\n"));

        Assert.Equal(TlsOutcomeKind.WriteAcked, client.Next().Kind);
        Assert.Equal("hello over tls", Latin1(await tls.ReadUntilAsync("\r\n")));
        client.Tls.Close();
    }

    [Fact]
    public async Task A_write_larger_than_the_ciphertext_window_is_acknowledged_once_and_arrives_whole()
    {
        using var peer = new TransportPeer();
        var (client, _, server) = await HandshakeAsync(peer, TestPki.Instance.Localhost, maxCipherInFlight: 4 * 1024);
        var tls = await server.WaitAsync(Wait);
        var data = new byte[1024 * 1024];
        for (var i = 0; i < data.Length; i++) data[i] = (byte)(i % 253);

        client.Tls.Write(data);
        var read = tls.ReadExactlyAsync(data.Length);
        var outcomes = await client.PumpUntilAsync(read);

        Assert.Equal(data, await read);
        Assert.Equal([TlsOutcomeKind.WriteAcked], outcomes.Select(o => o.Kind));
        client.Tls.Close();
    }

    [Fact]
    public async Task A_requested_read_delivers_the_servers_plaintext()
    {
        using var peer = new TransportPeer();
        var (client, _, server) = await HandshakeAsync(peer, TestPki.Instance.Localhost);
        var tls = await server.WaitAsync(Wait);

        await tls.SendAsync("secret reply");
        client.Tls.RequestRead();

        var received = client.Next();
        Assert.Equal(TlsOutcomeKind.Received, received.Kind);
        Assert.Equal("secret reply", Latin1(received.Data));
        client.Tls.Close();
    }

    [Fact]
    public async Task The_servers_close_notify_ends_the_stream()
    {
        using var peer = new TransportPeer();
        var (client, _, server) = await HandshakeAsync(peer, TestPki.Instance.Localhost);
        var tls = await server.WaitAsync(Wait);

        await tls.SendCloseNotifyAsync();
        client.Tls.RequestRead();

        Assert.Equal(TlsOutcomeKind.Eof, client.Next().Kind);
        client.Tls.Close();
    }

    [Fact]
    public async Task A_FIN_without_close_notify_still_ends_the_stream()
    {
        using var peer = new TransportPeer();
        var (client, _, server) = await HandshakeAsync(peer, TestPki.Instance.Localhost);
        await server.WaitAsync(Wait);
        var connection = await peer.AcceptedAsync();

        // FIN alone: HalfCloseAsync would send close_notify first.
        connection.Socket.Shutdown(SocketShutdown.Send);
        client.Tls.RequestRead();

        Assert.Equal(TlsOutcomeKind.Eof, client.Next().Kind);
        client.Tls.Close();
    }

    [Fact]
    public async Task ShutdownOutput_sends_close_notify_after_the_queued_plaintext_then_FIN()
    {
        using var peer = new TransportPeer();
        var (client, _, server) = await HandshakeAsync(peer, TestPki.Instance.Localhost);
        var tls = await server.WaitAsync(Wait);
        var connection = await peer.AcceptedAsync();

        client.Tls.Write(Encoding.Latin1.GetBytes("last words"));
        client.Tls.ShutdownOutput();
        var text = tls.ReadToEndAsync();
        await client.PumpUntilAsync(text);
        Assert.Equal("last words", Latin1(await text));

        // After close_notify the socket itself ends: the next raw read sees FIN.
        var fin = connection.Socket.ReceiveAsync(new byte[16], SocketFlags.None);
        await client.PumpUntilAsync(fin);
        Assert.Equal(0, await fin);
        client.Tls.Close();
    }

    [Fact]
    public async Task Close_closes_the_socket_under_the_TLS_layer()
    {
        using var peer = new TransportPeer();
        var (client, _, server) = await HandshakeAsync(peer, TestPki.Instance.Localhost);
        await server.WaitAsync(Wait);
        var connection = await peer.AcceptedAsync();

        client.Tls.Close();

        // FIN, or a reset when bytes the client never read (the server's session tickets) were still queued.
        using var limit = new CancellationTokenSource(Wait);
        try
        {
            Assert.Equal(0, await connection.Socket.ReceiveAsync(new byte[16], SocketFlags.None, limit.Token));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    [Fact]
    public void Only_a_connection_without_verification_builds_its_chain_against_no_roots()
    {
        // Verifying: SslStream's own build over the system store, which the validator reads.
        Assert.Null(TlsTransport.ChainPolicyFor(new TlsOptions(NoVerify: false)));
        Assert.Null(TlsTransport.ChainPolicyFor(new TlsOptions(NoVerify: false, ServerName: "example.org")));

        var unverified = TlsTransport.ChainPolicyFor(new TlsOptions(NoVerify: true));
        Assert.NotNull(unverified);
        Assert.Equal(X509ChainTrustMode.CustomRootTrust, unverified.TrustMode);
        Assert.Empty(unverified.CustomTrustStore);
        Assert.True(unverified.DisableCertificateDownloads);
    }
}
