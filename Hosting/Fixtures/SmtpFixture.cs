using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ActorTcp.Hosting.Fixtures;

/// <summary>
/// <c>fixtures.smtp</c>: an SMTP-like dialogue server (no mail is delivered or kept). Greets with
/// <c>220 fixtures.actortcp ESMTP ActorTcp fixture</c>, answers <c>EHLO</c> with a multi-line reply, and knows
/// <c>HELO</c>, <c>MAIL FROM:</c>, <c>RCPT TO:</c>, <c>DATA</c> (up to a line <c>.</c>), <c>RSET</c>, <c>NOOP</c> and
/// <c>QUIT</c> (<c>221</c>, then it closes), with the usual sequence errors (<c>503</c>) and <c>502</c> for anything else.
/// Bounded: lines of at most <see cref="MaxLineLength"/> bytes, <see cref="MaxCommands"/> commands and messages of at
/// most <see cref="MaxMessageBytes"/> per connection.
/// </summary>
public sealed class SmtpFixture(ILogger logger) : FixtureServer("smtp", logger)
{
    /// <summary>The name the server gives itself.</summary>
    public const string ServerName = "fixtures.actortcp";

    /// <summary>Longest command or message line, without its CRLF (RFC 5321: 998).</summary>
    public const int MaxLineLength = 998;

    /// <summary>Most commands on one connection.</summary>
    public const int MaxCommands = 100;

    /// <summary>Largest message (the SIZE the server announces).</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    /// <inheritdoc/>
    protected override async Task ServeAsync(FixtureConnection connection)
    {
        var session = new Session();
        await connection.SendAsync($"220 {ServerName} ESMTP ActorTcp fixture\r\n").ConfigureAwait(false);
        for (var i = 0; i < MaxCommands; i++)
        {
            string? line;
            try
            {
                line = await connection.ReadUntilAsync("\r\n", MaxLineLength).ConfigureAwait(false);
                if (line is null) return; // the client closed
            }
            catch (InvalidDataException)
            {
                await connection.SendAsync("500 5.5.0 Error: line too long\r\n").ConfigureAwait(false);
                return;
            }
            var (reply, quit, data) = session.Answer(line);
            await connection.SendAsync(reply).ConfigureAwait(false);
            if (quit) return;
            if (data) await connection.SendAsync(await ReceiveMessageAsync(connection, session).ConfigureAwait(false)).ConfigureAwait(false);
        }
        await connection.SendAsync($"421 4.7.0 {ServerName} Error: too many commands, closing\r\n").ConfigureAwait(false);
    }

    /// <summary>Reads message lines up to the line <c>.</c> and returns the reply.</summary>
    private static async Task<string> ReceiveMessageAsync(FixtureConnection connection, Session session)
    {
        var bytes = 0;
        // Bounded: every line adds at least its CRLF, and the total is capped.
        while (bytes <= MaxMessageBytes)
        {
            var line = await connection.ReadUntilAsync("\r\n", MaxLineLength).ConfigureAwait(false)
                ?? throw new IOException("the client closed during DATA");
            if (line == ".") return session.Queued(bytes);
            bytes += (line.StartsWith("..", StringComparison.Ordinal) ? line.Length - 1 : line.Length) + 2;
        }
        throw new IOException($"message larger than {MaxMessageBytes} bytes");
    }

    /// <summary>The dialogue state of one connection.</summary>
    private sealed class Session
    {
        private bool _greeted;
        private bool _mail;
        private int _recipients;
        private int _queued;

        /// <summary>The reply to one command line; <c>Quit</c> ends the connection, <c>Data</c> starts a message.</summary>
        public (string Reply, bool Quit, bool Data) Answer(string line)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var argument = space < 0 ? "" : line[(space + 1)..].Trim();
            switch (verb)
            {
                case "EHLO" when argument.Length == 0:
                case "HELO" when argument.Length == 0:
                    return ($"501 5.5.4 Syntax: {verb} hostname\r\n", false, false);
                case "EHLO":
                    Greet();
                    return ($"250-{ServerName} Hello {argument}\r\n250-PIPELINING\r\n" +
                            string.Create(CultureInfo.InvariantCulture, $"250-SIZE {MaxMessageBytes}\r\n") +
                            "250-8BITMIME\r\n250 SMTPUTF8\r\n", false, false);
                case "HELO":
                    Greet();
                    return ($"250 {ServerName}\r\n", false, false);
                case "MAIL" when !_greeted:
                    return ("503 5.5.1 Error: send HELO/EHLO first\r\n", false, false);
                case "MAIL" when !argument.StartsWith("FROM:", StringComparison.OrdinalIgnoreCase):
                    return ("501 5.5.4 Syntax: MAIL FROM:<address>\r\n", false, false);
                case "MAIL":
                    _mail = true;
                    _recipients = 0;
                    return ("250 2.1.0 Ok\r\n", false, false);
                case "RCPT" when !_mail:
                    return ("503 5.5.1 Error: need MAIL command\r\n", false, false);
                case "RCPT" when !argument.StartsWith("TO:", StringComparison.OrdinalIgnoreCase):
                    return ("501 5.5.4 Syntax: RCPT TO:<address>\r\n", false, false);
                case "RCPT":
                    _recipients++;
                    return ("250 2.1.5 Ok\r\n", false, false);
                case "DATA" when _recipients == 0:
                    return ("503 5.5.1 Error: need RCPT command\r\n", false, false);
                case "DATA":
                    return ("354 End data with <CR><LF>.<CR><LF>\r\n", false, true);
                case "RSET":
                    _mail = false;
                    _recipients = 0;
                    return ("250 2.0.0 Ok\r\n", false, false);
                case "NOOP":
                    return ("250 2.0.0 Ok\r\n", false, false);
                case "QUIT":
                    return ("221 2.0.0 Bye\r\n", true, false);
                default:
                    return ("502 5.5.2 Error: command not recognized\r\n", false, false);
            }
        }

        /// <summary>The reply once a message of <paramref name="bytes"/> bytes was received.</summary>
        public string Queued(int bytes)
        {
            _mail = false;
            _recipients = 0;
            _queued++;
            return string.Create(CultureInfo.InvariantCulture, $"250 2.0.0 Ok: queued as FIXTURE{_queued} ({bytes} bytes)\r\n");
        }

        private void Greet()
        {
            _greeted = true;
            _mail = false;
            _recipients = 0;
        }
    }
}
