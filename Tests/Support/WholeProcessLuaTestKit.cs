using ActorTcp.Actors;
using ActorTcp.Actors.Dns;
using ActorTcp.LuaApi;
using Akka.Actor;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Support;

/// <summary>
/// Base of the tests that run Lua scripts and measure the whole process (they join <see cref="Alone"/>): an actor
/// system from HOCON.conf as it ships, and a Lua host over a connection manager of its own.
/// </summary>
public abstract class WholeProcessLuaTestKit : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Starts the actor system <paramref name="name"/> from HOCON.conf, logging to <paramref name="log"/> (the test kit's <c>Output</c>).</summary>
    protected WholeProcessLuaTestKit(ITestOutputHelper log, string name)
        : base(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf"))), name, log)
    {
    }

    /// <summary>A Lua host printing to <paramref name="output"/>, and the new connection manager (and resolver) under it.</summary>
    protected (IActorRef Host, IActorRef Manager) StartLuaHost(ILuaOutput output)
    {
        var settings = ActorTcpSettings.Create(Sys.Settings.Config);
        var manager = Sys.ActorOf(ConnectionManager.Props(settings, Sys.ActorOf(ResolverActor.Props(settings))));
        return (Sys.ActorOf(LuaHostActor.Props(manager, output)), manager);
    }
}
