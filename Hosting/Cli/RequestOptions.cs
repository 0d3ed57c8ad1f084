namespace ActorTcp.Hosting.Cli;

/// <summary>Arguments of <c>actortcp request</c>.</summary>
public sealed record RequestOptions(string Host, int Port, byte[] Data, byte[] StopPattern, double? Timeout, string? ConfigFile);
