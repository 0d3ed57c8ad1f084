using ActorTcp.Actors.Metrics;
using ActorTcp.Actors.Timers;
using Akka.Actor;

namespace ActorTcp.Actors.Connection;

/// <summary>
/// What every connection actor of a manager uses and none owns, in one object all of them share: a field each cost every
/// idle connection 8 bytes (BENCHMARKS.md W4).
/// </summary>
/// <param name="Resolver">The DNS resolver actor.</param>
/// <param name="Tcp">Akka.IO's TCP manager (the Akka.IO transport).</param>
/// <param name="Settings">The module's settings.</param>
/// <param name="Metrics">The system's instruments.</param>
/// <param name="Timeouts">The system's timer wheel.</param>
internal sealed record ConnectionServices(IActorRef Resolver, IActorRef Tcp, ActorTcpSettings Settings, ActorTcpMetrics Metrics,
    TimeoutWheel Timeouts);
