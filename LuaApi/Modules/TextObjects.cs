using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi.Modules;

/// <summary>
/// <c>rspamd{text}</c> values: a full userdata whose memory block is the bytes themselves, so Lua's collector owns
/// them (nothing for the host to release) and its length is the block size. Immutable once created.
/// </summary>
internal static unsafe class TextObjects
{
    /// <summary>The metatable name, as rspamd names it.</summary>
    public const string MetatableName = "rspamd{text}";

    private static ReadOnlySpan<byte> MetatableNameZ => "rspamd{text}\0"u8;

    /// <summary>Pushes a new text holding a copy of <paramref name="bytes"/>.</summary>
    public static void Push(IntPtr L, ReadOnlySpan<byte> bytes)
    {
        var block = lua_newuserdatauv(L, (nuint)bytes.Length, 0);
        bytes.CopyTo(new Span<byte>(block, bytes.Length));
        luaL_setmetatable(L, MetatableName);
    }

    /// <summary>The bytes of the text at <paramref name="idx"/>, valid while the text is reachable from Lua.</summary>
    public static bool TryGet(IntPtr L, int idx, out ReadOnlySpan<byte> bytes)
    {
        var block = TestUdata(L, idx, MetatableNameZ);
        if (block is null)
        {
            bytes = default;
            return false;
        }
        bytes = new ReadOnlySpan<byte>(block, checked((int)lua_rawlen(L, idx)));
        return true;
    }

    /// <summary>
    /// The bytes of a string or text at <paramref name="idx"/> (what rspamd accepts as data); false for other types.
    /// </summary>
    public static bool TryGetStringOrText(IntPtr L, int idx, out ReadOnlySpan<byte> bytes)
    {
        switch (lua_type(L, idx))
        {
            case LUA_TSTRING:
                bytes = ToBytes(L, idx);
                return true;
            case LUA_TUSERDATA:
                return TryGet(L, idx, out bytes);
            default:
                bytes = default;
                return false;
        }
    }
}
