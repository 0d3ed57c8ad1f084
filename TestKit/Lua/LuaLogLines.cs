using ActorTcp.LuaApi;
using Akka.Event;

namespace ActorTcp.TestKit;

/// <summary>
/// The Lua hosts' log (rspamd_logger, callback failures, warnings) as lines <c>level: message</c> (<c>error</c>,
/// <c>warning</c>, <c>info</c>, <c>debug</c>), readable from any thread; each line also goes to Akka's log, so it shows
/// in the test output. A Lua error inside a connection callback is only logged (as rspamd does): it shows here as
/// <c>error: callback call failed: ...</c>.
/// </summary>
public sealed class LuaLogLines : ILuaLog
{
    private readonly ILoggingAdapter? _forward;
    private readonly LineList _lines = new();

    /// <summary>A log that keeps its lines and, when <paramref name="forward"/> is given, logs them there too.</summary>
    public LuaLogLines(ILoggingAdapter? forward = null) => _forward = forward;

    /// <summary>Every line logged so far.</summary>
    public IReadOnlyList<string> Lines => _lines.After(0);

    /// <summary>How many lines were logged so far.</summary>
    public int Count => _lines.Count;

    /// <summary>The lines logged after the first <paramref name="skip"/> lines.</summary>
    public IReadOnlyList<string> LinesAfter(int skip) => _lines.After(skip);

    /// <inheritdoc/>
    public void Info(string message) => Add("info", LogLevel.InfoLevel, message);

    /// <inheritdoc/>
    public void Warning(string message) => Add("warning", LogLevel.WarningLevel, message);

    /// <inheritdoc/>
    public void Error(string message) => Add("error", LogLevel.ErrorLevel, message);

    /// <inheritdoc/>
    public void Debug(string message) => Add("debug", LogLevel.DebugLevel, message);

    private void Add(string name, LogLevel level, string message)
    {
        _lines.Add($"{name}: {message}");
        _forward?.Log(level, message);
    }
}
