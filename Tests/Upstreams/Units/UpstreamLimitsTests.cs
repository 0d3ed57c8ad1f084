using ActorTcp.Actors;
using ActorTcp.Actors.Upstreams;
using Akka.Configuration;
using Xunit;

namespace ActorTcp.Tests.Upstreams.Units;

/// <summary><c>actortcp.upstreams</c>: HOCON.conf holds rspamd's defaults, overrides are read, impossible values refused.</summary>
public class UpstreamLimitsTests
{
    private static Config HoconConf() =>
        ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")));

    [Fact]
    public void HOCON_conf_holds_rspamds_defaults()
    {
        Assert.Equal(UpstreamLimits.Default, ActorTcpSettings.Create(HoconConf()).Upstreams);
        Assert.Equal((4, 10.0, 60.0, 0.4), (UpstreamLimits.Default.MaxErrors, UpstreamLimits.Default.ErrorTime.TotalSeconds,
            UpstreamLimits.Default.ReviveTime.TotalSeconds, UpstreamLimits.Default.ReviveJitter));
    }

    [Fact]
    public void Overrides_are_read()
    {
        var config = ConfigurationFactory.ParseString("""
            actortcp.upstreams { max-errors = 2, error-time = 1s, revive-time = 5s, revive-jitter = 0, lazy-resolve-time = 10m,
              resolve-min-interval = 2s }
            """).WithFallback(HoconConf());

        var limits = ActorTcpSettings.Create(config).Upstreams;

        Assert.Equal(new UpstreamLimits
        {
            MaxErrors = 2, ErrorTime = TimeSpan.FromSeconds(1), ReviveTime = TimeSpan.FromSeconds(5), ReviveJitter = 0,
            LazyResolveTime = TimeSpan.FromMinutes(10), ResolveMinInterval = TimeSpan.FromSeconds(2),
        }, limits);
    }

    [Theory]
    [InlineData("max-errors = 0", "actortcp.upstreams.max-errors must be at least 1, got 0")]
    [InlineData("error-time = 0s", "actortcp.upstreams.error-time must be positive")]
    [InlineData("revive-time = 0s", "actortcp.upstreams.revive-time must be positive")]
    [InlineData("revive-jitter = -0.5", "actortcp.upstreams.revive-jitter must be in 0..10")]
    [InlineData("resolve-min-interval = 0s", "actortcp.upstreams.resolve-min-interval must be positive")]
    public void Impossible_values_are_refused_naming_the_key(string setting, string message)
    {
        var config = ConfigurationFactory.ParseString("actortcp.upstreams." + setting).WithFallback(HoconConf());

        var error = Assert.Throws<ConfigurationException>(() => ActorTcpSettings.Create(config));

        Assert.StartsWith(message, error.Message);
    }
}
