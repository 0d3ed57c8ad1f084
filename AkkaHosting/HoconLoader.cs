using System.Globalization;
using ActorTcp.Actors;
using Akka.Configuration;

namespace ActorTcp.Hosting;

/// <summary>
/// ActorTcp's configuration: the defaults of HOCON.conf (repository root, built into ActorTcp.Actors) and what overrides
/// them (a <c>--config</c> file, name servers given on the command line).
/// </summary>
public static class HoconLoader
{
    /// <summary>Every default: HOCON.conf as built into ActorTcp.Actors (<see cref="ActorTcpDefaults"/>).</summary>
    public static Config Defaults => ActorTcpDefaults.Config;

    /// <summary>The text of HOCON.conf as built into ActorTcp.Actors.</summary>
    public static string DefaultsHocon => ActorTcpDefaults.Hocon;

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
