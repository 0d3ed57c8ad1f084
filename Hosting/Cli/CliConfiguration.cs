using ActorTcp.Actors;
using ActorTcp.Cluster.Tasks;
using ActorTcp.LuaApi;
using ActorTcp.LuaApi.Library;
using ActorTcp.LuaApi.Pool;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorTcp.Hosting.Cli;

/// <summary>A configuration the command line refuses: <see cref="Exception.Message"/> is one line naming the file and key.</summary>
public sealed class CliConfigurationException(string message) : Exception(message);

/// <summary>
/// The <c>--config</c> file of every command, read and checked before anything starts: a file that cannot be read or
/// parsed, or a value the settings classes reject, is one line naming the file (and the key); a key under
/// <c>actortcp</c> that HOCON.conf does not define is a warning naming it.
/// </summary>
public static class CliConfiguration
{
    // Sections under actortcp whose keys are Akka's (a dispatcher, a mailbox): any key is allowed there.
    private static readonly string[] AkkaSections = ["actortcp.lua-dispatcher", "actortcp.io-dispatcher", "actortcp.connection-mailbox"];

    private static readonly Lazy<HashSet<string>> KnownKeys = new(() =>
        [.. LeafPaths(HoconLoader.Defaults, "actortcp").Select(p => p.Path)]);

    /// <summary>
    /// Reads <paramref name="file"/> (none: no overrides), warns on <paramref name="warnings"/> about unknown keys
    /// under <c>actortcp</c>, and checks the configuration it makes over the defaults (with
    /// <paramref name="nameServers"/> over both) with the settings the actors and Lua hosts read.
    /// </summary>
    /// <returns>The overrides of the file.</returns>
    /// <exception cref="CliConfigurationException">The file cannot be read or parsed, or holds a bad value.</exception>
    public static Config Load(string? file, IReadOnlyList<string> nameServers, Action<string> warnings)
    {
        if (file is null)
        {
            Check(Config.Empty, nameServers);
            return Config.Empty;
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException
                                      or NotSupportedException)
        {
            throw new CliConfigurationException($"cannot read {file}: {FirstLine(e.Message)}");
        }

        Config overrides;
        try
        {
            overrides = ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new CliConfigurationException($"{file}: not valid HOCON: {FirstLine(e.Message)}");
        }

        foreach (var key in UnknownKeys(overrides))
            warnings($"{file}: unknown key {key} (not in HOCON.conf; ignored)");

        try
        {
            Check(overrides, nameServers);
        }
        catch (Exception e) when (IsConfigurationError(e))
        {
            var message = FirstLine(e.Message);
            if (message.Contains("actortcp.", StringComparison.Ordinal)) throw new CliConfigurationException($"{file}: {message}");
            // The settings' own messages name their key; a value Akka cannot read at all (a duration "banana") does
            // not: find the key by checking the file's keys one at a time.
            throw new CliConfigurationException(Culprit(overrides, nameServers) is { } key
                ? $"{file}: {key}: {message}"
                : $"{file}: {message}");
        }
        return overrides;
    }

    /// <summary>The keys under <c>actortcp</c> in <paramref name="overrides"/> that HOCON.conf does not define.</summary>
    public static IEnumerable<string> UnknownKeys(Config overrides)
    {
        var akkaSections = AkkaSections.ToList();
        // A dispatcher named by connection-dispatcher may be defined under actortcp too.
        if (TryGetString(overrides, "actortcp.connection-dispatcher") is { Length: > 0 } dispatcher) akkaSections.Add(dispatcher);
        foreach (var (path, _) in LeafPaths(overrides, "actortcp"))
        {
            if (KnownKeys.Value.Contains(path)) continue;
            if (akkaSections.Any(s => path == s || path.StartsWith(s + ".", StringComparison.Ordinal))) continue;
            yield return path;
        }
    }

    /// <summary>Reads every setting the command's actors and Lua hosts would read when they start.</summary>
    private static void Check(Config overrides, IReadOnlyList<string> nameServers)
    {
        var config = overrides.WithFallback(HoconLoader.Defaults);
        if (nameServers.Count > 0) config = HoconLoader.NameServers(nameServers).WithFallback(config);
        var settings = ActorTcpSettings.Create(config);
        _ = LuaSandboxSettings.Create(config);
        _ = LuaLibrarySettings.Create(config);
        _ = LuaHostPool.HostsSetting(config);
        _ = ClusterTaskSettings.Create(config);
        if (settings.DnsTimeout <= TimeSpan.Zero)
            throw new ConfigurationException($"actortcp.dns.timeout must be positive, got {settings.DnsTimeout}");
        if (settings.DnsRetries < 0)
            throw new ConfigurationException($"actortcp.dns.retries must not be negative, got {settings.DnsRetries}");
    }

    private static string? Culprit(Config overrides, IReadOnlyList<string> nameServers)
    {
        foreach (var (path, value) in LeafPaths(overrides, "actortcp"))
        {
            Config single;
            try
            {
                single = ConfigurationFactory.ParseString($"{path} = {value}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                continue;
            }
            try
            {
                Check(single, nameServers);
            }
            catch (Exception e) when (IsConfigurationError(e))
            {
                return path;
            }
        }
        return null;
    }

    private static bool IsConfigurationError(Exception e) =>
        e is ConfigurationException or FormatException or OverflowException or ArgumentException or InvalidCastException
            or InvalidOperationException or NullReferenceException;

    /// <summary>The leaf keys (values that are not objects) under <paramref name="root"/>, with their values.</summary>
    private static IEnumerable<(string Path, HoconValue Value)> LeafPaths(Config config, string root)
    {
        if (!config.HasPath(root)) yield break;
        var stack = new Stack<(string, HoconValue)>();
        stack.Push((root, config.GetValue(root)));
        while (stack.Count > 0)
        {
            var (path, value) = stack.Pop();
            if (value.IsObject())
            {
                // Reversed onto the stack, so keys come out in the file's order.
                foreach (var (key, child) in value.GetObject().Items.Reverse()) stack.Push(($"{path}.{Quote(key)}", child));
            }
            else
            {
                yield return (path, value);
            }
        }
    }

    private static string Quote(string key) =>
        key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? key : "\"" + key.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string? TryGetString(Config config, string path)
    {
        try
        {
            return config.HasPath(path) ? config.GetString(path) : null;
        }
        catch (Exception e) when (IsConfigurationError(e))
        {
            return null;
        }
    }

    private static string FirstLine(string message)
    {
        var line = message.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).TrimEnd().ToString();
    }
}
