using System.Text;
using Akka.Configuration;

namespace ActorTcp.Actors;

/// <summary>
/// ActorTcp's configuration defaults: HOCON.conf of the repository root, built into this assembly, so every host of
/// the actors (the <c>actortcp</c> executable, an Akka.Hosting application, a test kit) starts from the same file.
/// </summary>
public static class ActorTcpDefaults
{
    private const string ResourceName = "HOCON.conf";

    private static readonly Lazy<string> s_text = new(() =>
    {
        using var stream = typeof(ActorTcpDefaults).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded {ResourceName} is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>The text of HOCON.conf.</summary>
    public static string Hocon => s_text.Value;

    /// <summary>Every default, parsed (a new object each time: callers layer their overrides on it).</summary>
    public static Config Config => ConfigurationFactory.ParseString(s_text.Value);

    /// <summary>
    /// The section at <paramref name="path"/> alone (e.g. a dispatcher's declaration), at that path, for an actor system
    /// built without HOCON.conf; null when HOCON.conf has none.
    /// </summary>
    public static Config? Section(string path)
    {
        var config = Config;
        return config.HasPath(path) ? ConfigurationFactory.ParseString($"{path} {{\n{config.GetConfig(path).Root}\n}}") : null;
    }
}
