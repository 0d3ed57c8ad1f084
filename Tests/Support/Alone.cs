using Xunit;

namespace ActorTcp.Tests.Support;

/// <summary>
/// Tests that measure the whole process (managed heap, open descriptors) join this collection: xunit runs it after
/// the parallel ones, with nothing else running.
/// </summary>
[CollectionDefinition(nameof(Alone), DisableParallelization = true)]
public sealed class Alone;
