using System.Buffers;
using ActorTcp.LuaApi;

namespace ActorTcp.Hosting.Cli;

/// <summary>
/// Lua's <c>print</c> on the command line: each line (bytes unchanged, plus <c>\n</c>) written and flushed as soon as it
/// is printed, in one write, so stdout keeps the order of the prints and interleaves sanely with stderr.
/// </summary>
public sealed class StdoutLineOutput(Stream stream) : ILuaOutput
{
    private readonly Lock _lock = new();

    /// <inheritdoc/>
    public void WriteLine(ReadOnlySpan<byte> line)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(line.Length + 1);
        try
        {
            line.CopyTo(buffer);
            buffer[line.Length] = (byte)'\n';
            lock (_lock)
            {
                stream.Write(buffer, 0, line.Length + 1);
                stream.Flush();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Flushes the stream.</summary>
    public void Flush()
    {
        lock (_lock) stream.Flush();
    }
}
