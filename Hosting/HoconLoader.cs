using Akka.Configuration;

namespace ActorTcp.Hosting;

/// <summary>Loads HOCON.conf (every default) and an optional override file on top of it.</summary>
public static class HoconLoader
{
    /// <summary>The path of HOCON.conf shipped beside the executable.</summary>
    public static string DefaultsPath => Path.Combine(AppContext.BaseDirectory, "HOCON.conf");

    /// <summary>The defaults with <paramref name="overrideFile"/> (when given) taking precedence.</summary>
    public static Config Load(string? overrideFile)
    {
        var defaults = ConfigurationFactory.ParseString(File.ReadAllText(DefaultsPath));
        if (overrideFile is null) return defaults;
        return ConfigurationFactory.ParseString(File.ReadAllText(overrideFile)).WithFallback(defaults);
    }
}
