using System.Runtime.CompilerServices;

namespace ActorTcp.Tests.Support;

/// <summary>
/// Gives the test process enough thread-pool threads from the start. TestKit probes and the loopback servers park
/// pool threads while they wait; on a 2-core machine the pool starts with 2 and adds about one a second, which
/// stalled Akka's dispatcher for ~1 s under a timing test (a 0.3 s drip then read as a 1 s idle timeout).
/// </summary>
internal static class ThreadPoolWarmth
{
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
