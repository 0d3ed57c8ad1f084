using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ActorTcp.Hosting;

/// <summary>Registers <see cref="ClusterTaskService"/> in a .NET host's services.</summary>
public static class ClusterTaskServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ClusterTaskService"/> (and <see cref="LuaPluginService"/>) as singletons. They need the actor
    /// system of <c>services.AddAkka(...)</c> with <see cref="ActorTcpClusterHostingExtensions.WithActorTcpCluster"/>.
    /// </summary>
    public static IServiceCollection AddClusterTasks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddLuaPlugins();
        services.TryAddSingleton<ClusterTaskService>();
        return services;
    }
}
