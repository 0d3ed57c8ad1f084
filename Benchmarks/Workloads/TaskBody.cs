using System.Text;

namespace ActorTcp.Benchmarks.Workloads;

/// <summary>
/// W6's task body: 4 KiB of mail-like text (words from a fixed list, lines of ~72 bytes, the same every run) and the
/// needles a plugin looks for in it, cycled through for each search. Six of the eight are absent (a search scans all
/// 4 KiB), two are near the end, so the hit count of a task is known and both sides check it. The absent ones start
/// with 'e', the text's most common letter: Lua's plain find stops at each of its first letter's occurrences (memchr,
/// then memcmp), ~2.4 us per search here (0.7 us for needles with rarer first letters), so a task's Lua work
/// (~0.5 ms) outweighs what its request costs, as in a plugin that is CPU-bound.
/// </summary>
internal static class TaskBody
{
    /// <summary>Bytes of the body.</summary>
    public const int Size = 4096;

    private static readonly string[] Words =
    [
        "the", "message", "order", "account", "please", "delivery", "invoice", "meeting", "report", "customer",
        "service", "payment", "update", "team", "project", "regards", "thanks", "attached", "review", "schedule",
        "details", "request", "office", "monday", "budget", "contract", "quarter", "support", "network", "server",
        "ticket", "release",
    ];

    // The two present needles, written over the text at these offsets.
    private static readonly (int Offset, string Text)[] Planted =
        [(3000, " http://203.0.113.7/pay "), (4040, " confirm your password ")];

    /// <summary>The needles, in the order searches cycle through them.</summary>
    public static readonly string[] Needles =
    [
        "e-wallet", "easy money", "http://203.0.113.7/pay", "exclusive deal", "earn cash", "eliminate debt",
        "confirm your password", "extra income",
    ];

    /// <summary>The body as bytes (ASCII).</summary>
    public static readonly byte[] Bytes = Build();

    private static readonly byte[][] NeedleBytes = Needles.Select(Encoding.ASCII.GetBytes).ToArray();

    /// <summary>
    /// Does <paramref name="finds"/> plain searches (search i looks for needle i mod 8) and returns how many found
    /// theirs: the plugin's work done in C#, as the raw side does it.
    /// </summary>
    public static int Search(int finds)
    {
        var body = Bytes.AsSpan();
        var hits = 0;
        for (var i = 0; i < finds; i++)
            if (body.IndexOf(NeedleBytes[i % NeedleBytes.Length]) >= 0) hits++;
        return hits;
    }

    private static byte[] Build()
    {
        var text = new StringBuilder(Size + 16);
        var line = 0;
        var seed = 12345u;
        while (text.Length < Size)
        {
            seed = seed * 1103515245u + 12345u;
            var word = Words[(seed >> 16) % (uint)Words.Length];
            if (line + word.Length + 1 > 72)
            {
                text.Append('\n');
                line = 0;
            }
            else if (line > 0)
            {
                text.Append(' ');
                line++;
            }
            text.Append(word);
            line += word.Length;
        }
        var bytes = Encoding.ASCII.GetBytes(text.ToString(0, Size));
        foreach (var (offset, planted) in Planted) Encoding.ASCII.GetBytes(planted).CopyTo(bytes, offset);
        return bytes;
    }
}
