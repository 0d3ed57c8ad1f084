using ActorTcp.LuaApi.Modules;
using Xunit;

namespace ActorTcp.Tests.Lua.Units;

/// <summary><see cref="CallbackReferences"/>: a connection's callback references by handler id.</summary>
public sealed class CallbackReferencesTests
{
    [Fact]
    public void A_callback_is_found_by_its_handler_until_taken_and_an_unknown_handler_has_none()
    {
        var callbacks = new CallbackReferences();
        callbacks.Set(7, 70);
        callbacks.Set(8, 80);

        Assert.Equal(70, callbacks.Get(7));
        Assert.Equal(0, callbacks.Get(9));
        Assert.Equal(70, callbacks.Take(7));
        Assert.Equal(0, callbacks.Take(7));
        Assert.Equal(80, callbacks.Get(8));
        Assert.Equal(1, callbacks.Count);
    }

    [Fact]
    public void Setting_a_handlers_callback_again_replaces_it()
    {
        var callbacks = new CallbackReferences();
        callbacks.Set(1, 10);
        callbacks.Set(1, 11);

        Assert.Equal(1, callbacks.Count);
        Assert.Equal(11, callbacks.Take(1));
    }

    [Fact]
    public void Many_handlers_grow_the_table_and_each_keeps_its_callback_through_removals()
    {
        var callbacks = new CallbackReferences();
        for (var id = 1; id <= 100; id++) callbacks.Set(id, id * 10);
        for (var id = 1; id <= 100; id += 2) Assert.Equal(id * 10, callbacks.Take(id));

        Assert.Equal(50, callbacks.Count);
        for (var id = 2; id <= 100; id += 2) Assert.Equal(id * 10, callbacks.Get(id));
        for (var id = 1; id <= 100; id += 2) Assert.Equal(0, callbacks.Get(id));
    }
}
