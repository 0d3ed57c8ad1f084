using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActorTcp.Hosting;

/// <summary>Registers <see cref="LuaPluginService"/> in a .NET host's services.</summary>
public static class LuaPluginServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="LuaPluginService"/> as a singleton. It needs the actor system of <c>services.AddAkka(...)</c> with
    /// <see cref="ActorTcpHostingExtensions.WithActorTcp"/>.
    /// </summary>
    public static IServiceCollection AddLuaPlugins(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<LuaPluginService>();
        return services;
    }
}
