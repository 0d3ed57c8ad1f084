namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// The stop pattern of a read, copied out of Lua. The line ends nearly every read asks for are shared arrays (never
/// written, as every handler's memory): a copy per read was 32 bytes of every round trip (BENCHMARKS.md W2).
/// </summary>
internal static class StopPatterns
{
    private static readonly ReadOnlyMemory<byte> Lf = "\n"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> CrLf = "\r\n"u8.ToArray();

    /// <summary>The pattern as memory that never changes; empty is none.</summary>
    public static ReadOnlyMemory<byte> Of(ReadOnlySpan<byte> pattern)
    {
        if (pattern.IsEmpty) return default;
        if (pattern.SequenceEqual("\r\n"u8)) return CrLf;
        if (pattern.SequenceEqual("\n"u8)) return Lf;
        return pattern.ToArray();
    }
}
