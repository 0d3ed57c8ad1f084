using System.Globalization;
using System.Reflection;
using System.Text;
using Akka.Configuration;

namespace ActorTcp.Hosting;

/// <summary>
/// ActorTcp's configuration: the defaults of HOCON.conf (repository root, built into this assembly) and what overrides
/// them (a <c>--config</c> file, name servers given on the command line).
/// </summary>
public static class HoconLoader
{
    private const string ResourceName = "HOCON.conf";

    private static readonly Lazy<string> DefaultsText = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded {ResourceName} is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>Every default: HOCON.conf as built into the assembly.</summary>
    public static Config Defaults => ConfigurationFactory.ParseString(DefaultsText.Value);

    /// <summary>The text of HOCON.conf as built into the assembly.</summary>
    public static string DefaultsHocon => DefaultsText.Value;

    /// <summary>The defaults with <paramref name="overrideFile"/> (when given) taking precedence.</summary>
    public static Config Load(string? overrideFile)
    {
        var defaults = Defaults;
        if (overrideFile is null) return defaults;
        return ParseFile(overrideFile).WithFallback(defaults);
    }

    /// <summary>Parses one HOCON file.</summary>
    public static Config ParseFile(string path) => ConfigurationFactory.ParseString(File.ReadAllText(path));

    /// <summary>
    /// <c>actortcp.dns.nameservers</c> set to <paramref name="nameServers"/> (each <c>IP</c>, <c>IP:PORT</c> or
    /// <c>[IPv6]:PORT</c>), to be layered over another configuration.
    /// </summary>
    public static Config NameServers(IEnumerable<string> nameServers)
    {
        var quoted = nameServers.Select(s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");
        return ConfigurationFactory.ParseString(
            string.Create(CultureInfo.InvariantCulture, $"actortcp.dns.nameservers = [{string.Join(", ", quoted)}]"));
    }
}
