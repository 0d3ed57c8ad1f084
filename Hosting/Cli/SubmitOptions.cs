namespace ActorTcp.Hosting.Cli;

/// <summary>
/// Arguments of <c>actortcp submit</c>: the nodes to contact (<c>host:port</c>), the task (a plugin function and its
/// fields: strings, or bytes read from a file), its deadline, and how many times to run it with how many at once.
/// </summary>
public sealed record SubmitOptions(IReadOnlyList<string> Contacts, string Function, IReadOnlyDictionary<string, object?> Fields,
    TimeSpan Deadline, int Repeat, int Concurrency, string? ConfigFile);
