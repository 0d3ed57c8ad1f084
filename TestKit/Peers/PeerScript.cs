using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorTcp.TestKit;

/// <summary>
/// The peer's side of a dialogue, step by step, built fluently and run for every connection a <see cref="ScriptedPeer"/>
/// accepts. Expect steps check what the client sends; the others send, wait, or end the connection the way a
/// misbehaving server does. Text is Latin-1 (one byte per char); lines end with <c>\n</c>, a <c>\r</c> before it being
/// part of the line end. A script that ends without a closing step closes gracefully (FIN).
/// </summary>
/// <example>
/// <code>
/// using var peer = ScriptedPeer.Start(s => s
///     .SendLine("220 mx.test ESMTP")
///     .ExpectLine("HELO client.test")
///     .SendLine("250 ok")
///     .Reset());
/// </code>
/// </example>
public sealed class PeerScript
{
    private readonly List<PeerStep> _steps = [];
    private bool _halfClosed;

    internal IReadOnlyList<PeerStep> Steps => _steps;

    // ---- what the client sends -----------------------------------------------------------------------------------

    /// <summary>Expects the next line to be <paramref name="line"/> (without its line end).</summary>
    public PeerScript ExpectLine(string line) => Add($"expect line {Printable.Quote(line)}", async c =>
    {
        var received = await c.ReadUntilAsync("\n").ConfigureAwait(false);
        if (LineText(received) != line) throw Received([.. received, (byte)'\n']);
    });

    /// <summary>Expects the next line (without its line end) to match the regular expression <paramref name="pattern"/>.</summary>
    public PeerScript ExpectLineMatching(string pattern) => ExpectLineMatching(new Regex(pattern, RegexOptions.CultureInvariant));

    /// <summary>Expects the next line (without its line end) to match <paramref name="regex"/>.</summary>
    public PeerScript ExpectLineMatching(Regex regex) => Add($"expect a line matching /{regex}/", async c =>
    {
        var received = await c.ReadUntilAsync("\n").ConfigureAwait(false);
        if (!regex.IsMatch(LineText(received))) throw Received([.. received, (byte)'\n']);
    });

    /// <summary>Expects exactly the Latin-1 bytes of <paramref name="text"/> next.</summary>
    public PeerScript Expect(string text) => Expect(Encoding.Latin1.GetBytes(text));

    /// <summary>Expects exactly <paramref name="bytes"/> next.</summary>
    public PeerScript Expect(byte[] bytes) => Add($"expect {Printable.Quote(bytes)}", async c =>
    {
        var received = await c.ReadExactlyAsync(bytes.Length).ConfigureAwait(false);
        if (!received.AsSpan().SequenceEqual(bytes)) throw Received(received);
    });

    /// <summary>Takes whatever the client sends up to and including <paramref name="terminator"/> (e.g. a message body).</summary>
    public PeerScript ExpectUntil(string terminator) =>
        Add($"expect until {Printable.Quote(terminator)}", c => c.ReadUntilAsync(terminator));

    /// <summary>Expects the client to close its side (FIN) without sending anything more.</summary>
    public PeerScript ExpectClose() => Add("expect the client to close", async c =>
    {
        var received = await c.ReadToEndAsync().ConfigureAwait(false);
        if (received.Length > 0) throw new PeerDeviation($"received {Printable.Quote(received)} then the client closed the connection");
    });

    // ---- what the peer sends -------------------------------------------------------------------------------------

    /// <summary>Sends the Latin-1 bytes of <paramref name="text"/>.</summary>
    public PeerScript Send(string text) => Send(Encoding.Latin1.GetBytes(text));

    /// <summary>Sends <paramref name="bytes"/>.</summary>
    public PeerScript Send(byte[] bytes) => Sending($"send {Printable.Quote(bytes)}", c => c.SendAsync(bytes));

    /// <summary>Sends <paramref name="line"/> and <c>\r\n</c>.</summary>
    public PeerScript SendLine(string line) => Send(line + "\r\n");

    /// <summary>Sends the Latin-1 bytes of <paramref name="text"/>, <paramref name="bytesPerInterval"/> bytes every <paramref name="interval"/>.</summary>
    public PeerScript SendSlowly(string text, int bytesPerInterval, TimeSpan interval) =>
        SendSlowly(Encoding.Latin1.GetBytes(text), bytesPerInterval, interval);

    /// <summary>Sends <paramref name="bytes"/>, <paramref name="bytesPerInterval"/> bytes every <paramref name="interval"/>.</summary>
    public PeerScript SendSlowly(byte[] bytes, int bytesPerInterval, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerInterval, 1);
        var pieces = bytes.Chunk(bytesPerInterval).ToArray();
        return Sending($"send slowly {Printable.Quote(bytes)} ({bytesPerInterval} B every {Printable.Duration(interval)})",
            c => c.SendSlowlyAsync(pieces, interval));
    }

    // ---- time and TLS --------------------------------------------------------------------------------------------

    /// <summary>Does nothing for <paramref name="duration"/> (what the client sends meanwhile stays for the next expect).</summary>
    public PeerScript Wait(TimeSpan duration) => Add($"wait {Printable.Duration(duration)}", c => Task.Delay(duration, c.Stopping));

    /// <summary>
    /// TLS from here: the server side of the handshake with <paramref name="certificate"/> (default:
    /// <see cref="TestPki.Localhost"/>, trusted through <see cref="TestPki.TrustCaHocon"/>), as the first step or after a
    /// plaintext STARTTLS exchange. Later steps send and expect plaintext inside TLS.
    /// </summary>
    public PeerScript StartTls(X509Certificate2? certificate = null, SslProtocols protocols = SslProtocols.None) =>
        Add("start TLS", c => c.StartTlsAsync(certificate ?? TestPki.Instance.Localhost, protocols));

    /// <summary>
    /// Offers TLS with <paramref name="certificate"/> (e.g. <see cref="TestPki.SelfSigned"/>) and expects the client to
    /// refuse it: the handshake fails, or the client ends the connection right after it (a TLS 1.3 client checks the
    /// certificate after its last handshake message). The connection is over.
    /// </summary>
    public PeerScript ExpectTlsRejection(X509Certificate2 certificate) =>
        Add("expect the client to reject the TLS certificate", c => RejectedAsync(c, certificate), PeerStepEnd.EndsConnection);

    // ---- endings -------------------------------------------------------------------------------------------------

    /// <summary>Half-closes (FIN; over TLS close_notify first): the client reads the end of the stream, expects still work.</summary>
    public PeerScript HalfClose()
    {
        var step = Add("half-close", c => c.HalfCloseAsync());
        _halfClosed = true;
        return step;
    }

    /// <summary>
    /// Closes gracefully: FIN (over TLS close_notify first), then what the client still sends is dropped until it closes
    /// too (for a few seconds at most). The dialogue is over.
    /// </summary>
    public PeerScript Close() => Add("close", c => c.HalfCloseAsync(), PeerStepEnd.EndsConnection);

    /// <summary>Resets the connection (linger 0, close: the client gets a RST).</summary>
    public PeerScript Reset() => Add("reset", c =>
    {
        c.Reset();
        return Task.CompletedTask;
    }, PeerStepEnd.EndsConnection);

    /// <summary>
    /// Stops reading and never sends again: the client's writes stall once the socket buffers are full. The connection
    /// is held until the peer is disposed or the script's bound passes.
    /// </summary>
    public PeerScript StopReading() => Add("stop reading", c => c.HoldAsync(Timeout.InfiniteTimeSpan), PeerStepEnd.Holds);

    /// <summary>
    /// Never answers: reads and drops (recording) what arrives, sends nothing, until the client closes, the peer is
    /// disposed or the script's bound passes. Alone, it is a server that accepts and never answers.
    /// </summary>
    public PeerScript NeverAnswer() =>
        Add("never answer", c => c.DiscardUntilClosedAsync(Timeout.InfiniteTimeSpan), PeerStepEnd.Holds);

    /// <summary>
    /// A step of your own, called <paramref name="description"/> in failure messages: an exception it throws fails
    /// the script with its message.
    /// </summary>
    public PeerScript Do(string description, Func<PeerConnection, Task> step) => Add(description, step);

    private PeerScript Sending(string description, Func<PeerConnection, Task> send)
    {
        if (_halfClosed) throw new InvalidOperationException($"ScriptedPeer: step {_steps.Count + 1} ({description}) sends after a half-close");
        return Add(description, send);
    }

    private PeerScript Add(string description, Func<PeerConnection, Task> run, PeerStepEnd end = PeerStepEnd.Continues)
    {
        if (_steps.Count > 0 && _steps[^1] is { End: not PeerStepEnd.Continues } last)
            throw new InvalidOperationException(
                $"ScriptedPeer: step {_steps.Count + 1} ({description}) follows step {_steps.Count} ({last.Description}), which ends the script");
        _steps.Add(new PeerStep(description, run, end));
        return this;
    }

    private static PeerDeviation Received(byte[] received) => new($"received {Printable.Quote(received)}");

    /// <summary>A line read up to its <c>\n</c> as text, without the <c>\r</c> before it.</summary>
    private static string LineText(byte[] line) =>
        Encoding.Latin1.GetString(line, 0, line.Length > 0 && line[^1] == '\r' ? line.Length - 1 : line.Length);

    private static async Task RejectedAsync(PeerConnection c, X509Certificate2 certificate)
    {
        try
        {
            await c.StartTlsAsync(certificate).ConfigureAwait(false);
        }
        catch (AuthenticationException)
        {
            return;
        }
        // The handshake completed on this side; a client that refuses the certificate now sends an alert or closes.
        try
        {
            var data = await c.ReadExactlyAsync(1).ConfigureAwait(false);
            throw new PeerDeviation($"the client accepted the certificate and sent {Printable.Quote(data)}");
        }
        catch (Exception e) when (e is IOException or AuthenticationException)
        {
            // Rejected: an alert, a close or a reset.
        }
        catch (TimeoutException)
        {
            throw new PeerDeviation($"the client accepted the certificate (the connection stayed open for {Printable.Duration(c.OperationTimeout)})");
        }
        finally
        {
            c.Abort();
        }
    }
}
