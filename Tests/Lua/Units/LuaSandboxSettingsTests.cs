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

    [Theory]
    [InlineData("16MiB", 16L << 20)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("0", 0L)]
    public void Memory_limit_is_a_byte_size_or_0_for_none(string value, long expected)
    {
        var settings = LuaSandboxSettings.Create(ConfigurationFactory.ParseString($"actortcp.lua.memory-limit = {value}"));

        Assert.Equal(expected, settings.MemoryLimit);
        Assert.Equal(1L << 30, LuaSandboxSettings.Default.MemoryLimit);
    }

    [Theory]
    [InlineData(64L << 30, 8, 1L << 30)]       // 64 GiB, 8 processors: 4 GiB each would be the share; capped at 1 GiB
    [InlineData(2L << 30, 2, 512L << 20)]      // a 2 GiB container with 2 processors: half of it over two hosts
    [InlineData(256L << 20, 4, 64L << 20)]     // a tiny container: never below 64 MiB
    public void The_auto_memory_limit_is_a_share_of_the_machine_between_64_MiB_and_1_GiB(long available, int processors, long expected)
    {
        Assert.Equal(expected, LuaSandboxSettings.AutoMemoryLimit(available, processors));
    }

    [Fact]
    public void The_configured_default_is_auto()
    {
        var settings = LuaSandboxSettings.Create(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HOCON.conf"))));

        Assert.Equal(LuaSandboxSettings.AutoMemoryLimit(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, Environment.ProcessorCount),
            settings.MemoryLimit);
    }

    [Theory]
    [InlineData("lots", "actortcp.lua.memory-limit must be auto, a byte size (such as 512MiB or 1GiB) or 0 (no limit), not 'lots'")]
    [InlineData("1000", "actortcp.lua.memory-limit must be 0 (no limit) or at least 1MiB, got 1000 bytes")]
    [InlineData("-1", "actortcp.lua.memory-limit must be 0 (no limit) or at least 1MiB, got -1 bytes")]
    public void A_memory_limit_that_is_not_a_usable_size_is_a_configuration_error_naming_the_key(string value, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            LuaSandboxSettings.Create(ConfigurationFactory.ParseString($"actortcp.lua.memory-limit = {value}")));

        Assert.Equal(message, error.Message);
    }
}
