namespace ActorTcp.LuaApi.Mime;

/// <summary>
/// The file type of a part's content from its first bytes, named by the extension rspamd's <c>lua_magic</c> gives
/// (<c>mimepart:get_detected_ext()</c>; <c>lua_magic/types</c> then says whether an antivirus should see it).
/// </summary>
/// <remarks>
/// Signatures only: rspamd's detector also guesses text formats (csv, html, ...) by heuristics and refines zip into
/// office formats; those give null here, which rspamd's scanners treat as "unknown" and fall back to the attachment flag.
/// </remarks>
internal static class FileMagic
{
    private static readonly (string Ext, int Offset, byte[] Magic)[] Signatures =
    [
        ("exe", 0, "MZ"u8.ToArray()),
        ("elf", 0, [0x7F, (byte)'E', (byte)'L', (byte)'F']),
        ("pdf", 0, "%PDF-"u8.ToArray()),
        ("zip", 0, [(byte)'P', (byte)'K', 3, 4]),
        ("rar", 0, "Rar!\x1A\x07"u8.ToArray()),
        ("7z", 0, [(byte)'7', (byte)'z', 0xBC, 0xAF, 0x27, 0x1C]),
        ("gz", 0, [0x1F, 0x8B]),
        ("bz2", 0, "BZh"u8.ToArray()),
        ("xz", 0, [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0]),
        ("ole", 0, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
        ("rtf", 0, "{\\rtf"u8.ToArray()),
        ("png", 0, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        ("jpg", 0, [0xFF, 0xD8, 0xFF]),
        ("gif", 0, "GIF8"u8.ToArray()),
        ("bmp", 0, "BM"u8.ToArray()),
        ("tiff", 0, [(byte)'I', (byte)'I', 0x2A, 0]),
        ("tiff", 0, [(byte)'M', (byte)'M', 0, 0x2A]),
        ("iso", 0x8001, "CD001"u8.ToArray()),
    ];

    /// <summary>The extension of the first signature <paramref name="content"/> starts with; null when none matches.</summary>
    public static string? Detect(ReadOnlySpan<byte> content)
    {
        foreach (var (ext, offset, magic) in Signatures)
            if (content.Length >= offset + magic.Length && content.Slice(offset, magic.Length).SequenceEqual(magic)) return ext;
        return null;
    }

    /// <summary>Image formats rspamd's image parser recognises.</summary>
    public static bool IsImage(string? ext) => ext is "png" or "jpg" or "gif" or "bmp";

    /// <summary>Extensions rspamd opens as archives (<c>mimepart:is_archive()</c>); ActorTcp lists the files of zips.</summary>
    public static bool IsArchive(string? ext) => ext == "zip";
}
