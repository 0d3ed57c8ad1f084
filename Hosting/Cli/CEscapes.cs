using System.Text;

namespace ActorTcp.Hosting.Cli;

/// <summary>C-style escapes on the command line, so binary requests can be typed.</summary>
public static class CEscapes
{
    /// <summary>Decodes <c>\r \n \t \\ \0 \xHH</c>; any other backslash is kept as it is.</summary>
    public static byte[] Unescape(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\' || i + 1 == text.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }
            var e = text[++i];
            switch (e)
            {
                case 'r': bytes.Add((byte)'\r'); break;
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case '0': bytes.Add(0); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case 'x' when i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b):
                    bytes.Add(b);
                    i += 2;
                    break;
                default:
                    bytes.Add((byte)'\\');
                    bytes.AddRange(Encoding.UTF8.GetBytes(e.ToString()));
                    break;
            }
        }
        return bytes.ToArray();
    }
}
