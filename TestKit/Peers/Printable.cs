using System.Text;

namespace ActorTcp.TestKit;

/// <summary>Bytes as a quoted, escaped string for failure messages: <c>"RSET\r\n"</c>.</summary>
internal static class Printable
{
    /// <summary>Most bytes shown; longer data is cut and its length given.</summary>
    private const int MaxShown = 160;

    /// <summary>
    /// <paramref name="data"/> in double quotes: printable ASCII as is, <c>\r \n \t \\ \"</c> escaped, other bytes as
    /// <c>\xNN</c>; past <see cref="MaxShown"/> bytes, cut with the total length.
    /// </summary>
    public static string Quote(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder(Math.Min(data.Length, MaxShown) + 16);
        sb.Append('"');
        foreach (var b in data[..Math.Min(data.Length, MaxShown)])
        {
            sb.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'\t' => "\\t",
                (byte)'\\' => "\\\\",
                (byte)'"' => "\\\"",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:X2}",
            });
        }
        sb.Append('"');
        if (data.Length > MaxShown) sb.Append($"... ({data.Length} bytes)");
        return sb.ToString();
    }

    /// <summary>The Latin-1 bytes of <paramref name="text"/>, quoted as <see cref="Quote(ReadOnlySpan{byte})"/> does.</summary>
    public static string Quote(string text) => Quote(Encoding.Latin1.GetBytes(text));

    /// <summary>A duration for messages: <c>5 s</c>, <c>250 ms</c>.</summary>
    public static string Duration(TimeSpan duration) =>
        duration < TimeSpan.FromSeconds(1) ? $"{duration.TotalMilliseconds:0.###} ms" : $"{duration.TotalSeconds:0.###} s";
}
