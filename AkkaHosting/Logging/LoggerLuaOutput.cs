using System.Text;
using ActorTcp.LuaApi;
using Microsoft.Extensions.Logging;

namespace ActorTcp.Hosting.Logging;

/// <summary>
/// Lua's <c>print</c> in a .NET host that gave no other output: each line becomes an Information log entry (bytes that
/// are not UTF-8 are replaced).
/// </summary>
public sealed class LoggerLuaOutput(ILogger logger) : ILuaOutput
{
    /// <summary>The category printed lines are logged under.</summary>
    public const string Category = "ActorTcp.Lua.Print";

    /// <inheritdoc/>
    public void WriteLine(ReadOnlySpan<byte> line) =>
        logger.Log(LogLevel.Information, "{LuaPrint}", Encoding.UTF8.GetString(line));
}
