using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorTcp.Hosting.Cli;

/// <summary>
/// The command line's log: one line per entry on stderr (<c>level: category: message</c>, then the exception), written
/// synchronously so log lines keep their order relative to the script's output. stdout stays the script's.
/// </summary>
public sealed class StderrLoggerProvider(TextWriter stderr) : ILoggerProvider
{
    private readonly Lock _lock = new();

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName);

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock) stderr.Flush();
    }

    private void Write(string line)
    {
        lock (_lock)
        {
            stderr.WriteLine(line);
            stderr.Flush();
        }
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private sealed class StderrLogger(StderrLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            var line = $"{Label(logLevel)}: {category}: {message}";
            if (exception is not null) line += Environment.NewLine + exception;
            provider.Write(line);
        }
    }
}

/// <summary>How every command's generic host logs: to stderr only, info and above (debug with --verbose), quiet lifetime.</summary>
internal static class CliLogging
{
    /// <summary>Sets up <paramref name="builder"/>'s logging to <paramref name="stderr"/>.</summary>
    public static void Configure(Microsoft.Extensions.Hosting.HostApplicationBuilder builder, TextWriter stderr, bool verbose)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new StderrLoggerProvider(stderr));
        builder.Logging.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        if (!verbose) builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<Microsoft.Extensions.Hosting.ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
    }
}
