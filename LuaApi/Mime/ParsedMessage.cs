using System.IO.Compression;
using MimeKit;

namespace ActorTcp.LuaApi.Mime;

/// <summary>One MIME part as rspamd's <c>rspamd{mimepart}</c> shows it.</summary>
/// <param name="Type">Media type, lower case (<c>application</c>).</param>
/// <param name="Subtype">Media subtype, lower case (<c>octet-stream</c>).</param>
/// <param name="FileName">Content-Disposition's filename, else Content-Type's name; null without either.</param>
/// <param name="Content">The decoded body (multiparts: their body as sent, boundaries included).</param>
/// <param name="DetectedExt">The type found in the content (<see cref="FileMagic"/>), null if unknown.</param>
/// <param name="IsAttachment">rspamd's rule: disposition attachment, or a disposition filename on a part that is neither an image nor referenced by Content-Id.</param>
/// <param name="IsImage">An image/* part whose content is an image format rspamd parses (png, jpeg, gif, bmp).</param>
/// <param name="IsText">A text/* part that is not an attachment (rspamd's text parts).</param>
/// <param name="ArchiveFiles">The files inside, for an archive ActorTcp opens (zip); null otherwise.</param>
internal sealed record PartInfo(string Type, string Subtype, string? FileName, byte[] Content, string? DetectedExt,
    bool IsAttachment, bool IsImage, bool IsText, IReadOnlyList<ArchiveFile>? ArchiveFiles);

/// <summary>A file inside an archive part, as rspamd's <c>archive:get_files_full()</c> lists it.</summary>
internal sealed record ArchiveFile(string Name, long CompressedSize, long UncompressedSize, bool Encrypted);

/// <summary>An address as rspamd's task methods give it (<c>addr</c>, <c>user</c>, <c>domain</c>, <c>name</c>, <c>raw</c>).</summary>
internal sealed record MailAddress(string Addr, string User, string Domain, string Name, string Raw);

/// <summary>A message parsed once per task: its parts in order (containers first, as rspamd lists them) and its MIME From and To.</summary>
internal sealed record ParsedMessage(IReadOnlyList<PartInfo> Parts, IReadOnlyList<MailAddress> From, IReadOnlyList<MailAddress> To)
{
    /// <summary>Most archive entries listed per part (rspamd's scanners ask for 1000 at most).</summary>
    private const int MaxArchiveFiles = 1000;

    /// <summary>Parses <paramref name="message"/>; bytes that are not a MIME message become one text/plain part.</summary>
    public static ParsedMessage Parse(byte[] message)
    {
        MimeMessage parsed;
        try
        {
            parsed = MimeMessage.Load(new MemoryStream(message, writable: false));
        }
        catch (FormatException)
        {
            return new ParsedMessage([new PartInfo("text", "plain", null, message, FileMagic.Detect(message) ?? "txt", false, false, true, null)], [], []);
        }
        var parts = new List<PartInfo>();
        if (parsed.Body is { } body) Walk(body, parts);
        return new ParsedMessage(parts, Addresses(parsed.From), Addresses(parsed.To));
    }

    /// <summary>The mailboxes of an address list's text (groups flattened); none when it does not parse.</summary>
    public static IReadOnlyList<MailAddress> ParseAddresses(string text) =>
        InternetAddressList.TryParse(text, out var list) ? Addresses(list) : [];

    private static IReadOnlyList<MailAddress> Addresses(InternetAddressList list) =>
        list.Mailboxes.Select(m => new MailAddress(m.Address, m.LocalPart, m.Domain, m.Name ?? "",
            string.IsNullOrEmpty(m.Name) ? m.Address : $"<{m.Address}>")).ToArray();

    private static void Walk(MimeEntity entity, List<PartInfo> parts)
    {
        var type = entity.ContentType.MediaType.ToLowerInvariant();
        var subtype = entity.ContentType.MediaSubtype.ToLowerInvariant();
        var disposition = entity.ContentDisposition;
        var fileName = disposition?.FileName ?? entity.ContentType.Name;
        var content = Content(entity);
        var signature = FileMagic.Detect(content);
        // rspamd's image parser marks a part an image once it recognises the content, not by its declared type.
        var isImage = type == "image" && FileMagic.IsImage(signature);
        var isAttachment = disposition is { IsAttachment: true }
            || (!string.IsNullOrEmpty(disposition?.FileName) && !isImage && string.IsNullOrEmpty(entity.ContentId));
        var isText = type == "text" && !isAttachment;
        // rspamd's lua_magic calls the content of its text parts txt (html for HTML) when no signature matched.
        var detected = signature ?? (isText ? (subtype == "html" ? "html" : "txt") : null);
        var files = FileMagic.IsArchive(detected) ? ZipFiles(content) : null;
        parts.Add(new PartInfo(type, subtype, fileName, content, detected, isAttachment, isImage, isText, files));
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart) Walk(child, parts);
                break;
            case MimeKit.MessagePart { Message.Body: { } inner }:
                Walk(inner, parts);
                break;
        }
    }

    private static byte[] Content(MimeEntity entity)
    {
        using var output = new MemoryStream();
        if (entity is MimePart { Content: { } body }) body.DecodeTo(output);
        else entity.WriteTo(output, contentOnly: true);
        return output.ToArray();
    }

    private static IReadOnlyList<ArchiveFile>? ZipFiles(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            return zip.Entries.Take(MaxArchiveFiles)
                .Select(e => new ArchiveFile(e.FullName, e.CompressedLength, e.Length, e.IsEncrypted)).ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            // Starts like a zip but is not one (truncated, a bad directory, an unknown method): rspamd then leaves it
            // unparsed, no archive, and the scan goes on with the part's bytes.
            return null;
        }
    }
}
