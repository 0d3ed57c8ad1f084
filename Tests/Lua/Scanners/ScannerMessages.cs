using System.Text;
using ActorTcp.Tests.Support;

namespace ActorTcp.Tests.Lua.Scanners;

/// <summary>
/// The mails the scanner tests send, built as the ones sent to rspamd 3.4 when its answers were recorded (docs/scanners.md).
/// </summary>
internal static class ScannerMessages
{
    /// <summary>SpamAssassin's GTUBE test string.</summary>
    public const string Gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    private const string Headers = "From: sender@example.com\r\nTo: rcpt@example.net\r\nDate: Mon, 7 Dec 2026 10:00:00 +0000\r\n" +
        "Message-ID: <scanner-test@example.com>\r\n";

    /// <summary>A text part and EICAR as a base64 attachment, <c>eicar.com</c>.</summary>
    public static byte[] EicarAttachment() => Encoding.ASCII.GetBytes(Headers +
        "Subject: eicar attached\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
        "--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee the attachment.\r\n" +
        "--b1\r\nContent-Type: application/octet-stream; name=\"eicar.com\"\r\nContent-Transfer-Encoding: base64\r\n" +
        "Content-Disposition: attachment; filename=\"eicar.com\"\r\n\r\n" + Convert.ToBase64String(ClamdServer.Eicar) + "\r\n" +
        "--b1--\r\n");

    /// <summary>A plain text message.</summary>
    public static byte[] Clean() => Encoding.ASCII.GetBytes(Headers +
        "Subject: hello\r\n\r\nNothing to see here, just a few words of an ordinary mail.\r\n");

    /// <summary>GTUBE in a body padded past 8 KiB, so that only spamd sees it (rspamd checks small text parts itself).</summary>
    public static byte[] GtubeBig()
    {
        var body = new StringBuilder(Gtube + "\r\n\r\n");
        for (var i = 0; body.Length < 9 * 1024; i++) body.Append("This line only makes the message longer than eight kilobytes.\r\n");
        return Encoding.ASCII.GetBytes(Headers + "Subject: test\r\n\r\n" + body);
    }
}
