using ActorTcp.LuaApi;
using Microsoft.Extensions.Logging;

namespace ActorTcp.Hosting.Logging;

/// <summary>The Lua host's log (callback failures, warnings) written to a Microsoft.Extensions.Logging logger.</summary>
/// <remarks>Called on the Lua host's thread; <see cref="ILogger"/> implementations are thread-safe.</remarks>
public sealed class LoggerLuaLog(ILogger logger) : ILuaLog
{
    /// <summary>The category the Lua host logs under.</summary>
    public const string Category = "ActorTcp.Lua";

    /// <summary>The event of a Lua callback that raised (<see cref="ILuaLog.CallbackFailed"/>), logged at Error level.</summary>
    public static readonly EventId CallbackFailedEvent = new(1, "CallbackFailed");

    /// <inheritdoc/>
    public void Info(string message) => logger.Log(LogLevel.Information, "{LuaMessage}", message);

    /// <inheritdoc/>
    public void Warning(string message) => logger.Log(LogLevel.Warning, "{LuaMessage}", message);

    /// <inheritdoc/>
    public void Error(string message) => logger.Log(LogLevel.Error, "{LuaMessage}", message);

    /// <inheritdoc/>
    public void Debug(string message) => logger.Log(LogLevel.Debug, "{LuaMessage}", message);

    /// <inheritdoc/>
    public void CallbackFailed(string message) => logger.Log(LogLevel.Error, CallbackFailedEvent, "{LuaMessage}", message);
}
