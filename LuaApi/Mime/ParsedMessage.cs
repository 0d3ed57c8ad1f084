using System.IO.Compression;
using MimeKit;

namespace ActorTcp.LuaApi.Mime;

/// <summary>
/// One MIME part as rspamd's <c>rspamd{mimepart}</c> shows it, without its content (<see cref="ParsedMessage.WriteContent"/>).
/// </summary>
/// <param name="Type">Media type, lower case (<c>application</c>).</param>
/// <param name="Subtype">Media subtype, lower case (<c>octet-stream</c>).</param>
/// <param name="FileName">Content-Disposition's filename, else Content-Type's name; null without either.</param>
/// <param name="Length">Bytes of the decoded body (multiparts: their body as sent, boundaries included).</param>
/// <param name="DetectedExt">The type found in the content (<see cref="FileMagic"/>), null if unknown.</param>
/// <param name="IsAttachment">rspamd's rule: disposition attachment, or a disposition filename on a part that is neither an image nor referenced by Content-Id.</param>
/// <param name="IsImage">An image/* part whose content is an image format rspamd parses (png, jpeg, gif, bmp).</param>
/// <param name="IsText">A text/* part that is not an attachment (rspamd's text parts).</param>
/// <param name="ArchiveFiles">The files inside, for an archive ActorTcp opens (zip); null otherwise.</param>
internal sealed record PartInfo(string Type, string Subtype, string? FileName, long Length, string? DetectedExt,
    bool IsAttachment, bool IsImage, bool IsText, IReadOnlyList<ArchiveFile>? ArchiveFiles);

/// <summary>A file inside an archive part, as rspamd's <c>archive:get_files_full()</c> lists it.</summary>
internal sealed record ArchiveFile(string Name, long CompressedSize, long UncompressedSize, bool Encrypted);

/// <summary>An address as rspamd's task methods give it (<c>addr</c>, <c>user</c>, <c>domain</c>, <c>name</c>, <c>raw</c>).</summary>
internal sealed record MailAddress(string Addr, string User, string Domain, string Name, string Raw);

/// <summary>
/// A message parsed once per task: its parts in order (containers first, as rspamd lists them) and its MIME From and To.
/// A part's content is decoded only when asked for (<see cref="WriteContent"/>): MimeKit reads the message in place
/// (persistent), so holding one costs the message bytes once, however many parts and nested multiparts it has.
/// </summary>
internal sealed class ParsedMessage
{
    /// <summary>Most archive entries listed per part (rspamd's scanners ask for 1000 at most).</summary>
    private const int MaxArchiveFiles = 1000;

    private readonly byte[] _source;
    // The entity of each part, null for the one part of bytes that are not a MIME message (its content is _source).
    private readonly MimeEntity?[] _entities;

    private ParsedMessage(byte[] source, List<PartInfo> parts, List<MimeEntity?> entities,
        IReadOnlyList<MailAddress> from, IReadOnlyList<MailAddress> to)
    {
        _source = source;
        Parts = parts;
        _entities = [.. entities];
        From = from;
        To = to;
    }

    /// <summary>The parts, in rspamd's order.</summary>
    public IReadOnlyList<PartInfo> Parts { get; }

    /// <summary>The MIME From mailboxes.</summary>
    public IReadOnlyList<MailAddress> From { get; }

    /// <summary>The MIME To mailboxes.</summary>
    public IReadOnlyList<MailAddress> To { get; }

    /// <summary>Parses <paramref name="message"/>, which it keeps; bytes that are not a MIME message become one text/plain part.</summary>
    public static ParsedMessage Parse(byte[] message)
    {
        MimeMessage parsed;
        try
        {
            parsed = MimeMessage.Load(new MemoryStream(message, writable: false), persistent: true);
        }
        catch (FormatException)
        {
            var text = new PartInfo("text", "plain", null, message.Length, FileMagic.Detect(message) ?? "txt", false, false, true, null);
            return new ParsedMessage(message, [text], [null], [], []);
        }
        var (parts, entities) = (new List<PartInfo>(), new List<MimeEntity?>());
        if (parsed.Body is { } body) Walk(body, parts, entities);
        return new ParsedMessage(message, parts, entities, Addresses(parsed.From), Addresses(parsed.To));
    }

    /// <summary>The mailboxes of an address list's text (groups flattened); none when it does not parse.</summary>
    public static IReadOnlyList<MailAddress> ParseAddresses(string text) =>
        InternetAddressList.TryParse(text, out var list) ? Addresses(list) : [];

    /// <summary>Writes the content of part <paramref name="index"/> (<see cref="PartInfo.Length"/> bytes) to <paramref name="output"/>.</summary>
    public void WriteContent(int index, Stream output)
    {
        if (_entities[index] is { } entity) Decode(entity, output);
        else output.Write(_source);
    }

    private static IReadOnlyList<MailAddress> Addresses(InternetAddressList list) =>
        list.Mailboxes.Select(m => new MailAddress(m.Address, m.LocalPart, m.Domain, m.Name ?? "",
            string.IsNullOrEmpty(m.Name) ? m.Address : $"<{m.Address}>")).ToArray();

    private static void Walk(MimeEntity entity, List<PartInfo> parts, List<MimeEntity?> entities)
    {
        var type = entity.ContentType.MediaType.ToLowerInvariant();
        var subtype = entity.ContentType.MediaSubtype.ToLowerInvariant();
        var disposition = entity.ContentDisposition;
        var fileName = disposition?.FileName ?? entity.ContentType.Name;
        // Decoded once here for its length and first bytes, and again only if a plugin asks for the content.
        var probe = new ContentProbe();
        Decode(entity, probe);
        var signature = FileMagic.Detect(probe.Head);
        // rspamd's image parser marks a part an image once it recognises the content, not by its declared type.
        var isImage = type == "image" && FileMagic.IsImage(signature);
        var isAttachment = disposition is { IsAttachment: true }
            || (!string.IsNullOrEmpty(disposition?.FileName) && !isImage && string.IsNullOrEmpty(entity.ContentId));
        var isText = type == "text" && !isAttachment;
        // rspamd's lua_magic calls the content of its text parts txt (html for HTML) when no signature matched.
        var detected = signature ?? (isText ? (subtype == "html" ? "html" : "txt") : null);
        var files = FileMagic.IsArchive(detected) ? ZipFiles(entity) : null;
        parts.Add(new PartInfo(type, subtype, fileName, probe.Written, detected, isAttachment, isImage, isText, files));
        entities.Add(entity);
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart) Walk(child, parts, entities);
                break;
            case MimeKit.MessagePart { Message.Body: { } inner }:
                Walk(inner, parts, entities);
                break;
        }
    }

    private static void Decode(MimeEntity entity, Stream output)
    {
        if (entity is MimePart { Content: { } body }) body.DecodeTo(output);
        else entity.WriteTo(output, contentOnly: true);
    }

    private static IReadOnlyList<ArchiveFile>? ZipFiles(MimeEntity entity)
    {
        try
        {
            // ZipArchive needs a seekable stream: the archive is decoded whole, for as long as its listing takes.
            using var content = new MemoryStream();
            Decode(entity, content);
            content.Position = 0;
            using var zip = new ZipArchive(content, ZipArchiveMode.Read);
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
