using ActorTcp.LuaApi;
using Akka.Configuration;
using Xunit;

namespace ActorTcp.Tests.Lua.Units;

public class LuaSandboxSettingsTests
{
    private static Config HoconConf() =>
        ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf")));

    [Fact]
    public void HOCON_conf_defaults_match_the_built_in_defaults()
    {
        var settings = LuaSandboxSettings.Create(HoconConf());

        Assert.Equal(LuaSandboxSettings.Default, settings);
        Assert.True(settings.GenerationalGc);
    }

    [Fact]
    public void Gc_incremental_selects_the_incremental_collector()
    {
        var settings = LuaSandboxSettings.Create(ConfigurationFactory.ParseString("actortcp.lua.gc = incremental"));

        Assert.False(settings.GenerationalGc);
    }

    [Fact]
    public void Gc_mode_that_lua_does_not_have_is_a_configuration_error_naming_the_key()
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            LuaSandboxSettings.Create(ConfigurationFactory.ParseString("actortcp.lua.gc = refcount")));

        Assert.Equal("actortcp.lua.gc must be generational or incremental, not 'refcount'", error.Message);
    }
}
