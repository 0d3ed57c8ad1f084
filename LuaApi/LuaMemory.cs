using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorTcp.LuaApi;

/// <summary>
/// The allocator of a Lua state (<c>lua_newstate</c>'s <c>lua_Alloc</c>): it counts the state's bytes in a native
/// block and holds them to <c>actortcp.lua.memory-limit</c>. Past the limit it refuses, and Lua raises its own
/// <c>not enough memory</c> error (LUA_ERRMEM) in the code that allocated, after one emergency collection.
/// </summary>
/// <remarks>
/// <para>
/// A refusal is a longjmp out of whatever allocated (docs/architecture.md#the-lua-boundary, rule 7), so the allocator
/// refuses only while Lua code runs on this thread (<see cref="LuaCodeRuns"/>): set by the host's entries into Lua
/// (<see cref="CoroutinePool"/>'s resume, <see cref="LuaRuntime"/>'s protected calls), cleared for the length of every
/// raw host function by <see cref="Native.LuaNative.SetFunction"/>'s trampoline and in the instruction budget's hook.
/// C# that pushes values (a raw function's results, a callback's arguments) therefore never sees a refusal: its
/// allocations may take the state a little past the limit, by what the host itself pushes.
/// </para>
/// <para>
/// The reserve: once the allocator refused in a run, allocations of at most <see cref="ReserveChunk"/> bytes may use
/// up to <see cref="Reserve"/> bytes above the limit until that run ends, so the code handling the error (a message
/// handler building a traceback, a pcall's caller logging it) still runs. A large request is always refused, and the
/// state never holds more than limit + reserve while Lua code runs.
/// </para>
/// </remarks>
internal sealed unsafe class LuaMemory : IDisposable
{
    /// <summary>Bytes above the limit that small allocations may use after a refusal, until the run ends.</summary>
    public const long Reserve = 1 << 20;

    /// <summary>The largest allocation the reserve serves.</summary>
    public const long ReserveChunk = 64 << 10;

    /// <summary>Whether Lua code (not C# host code) runs on this thread: only then may the allocator refuse.</summary>
    [ThreadStatic] private static bool t_luaCodeRuns;

    private Block* _block;

    /// <summary>A counter for one state; <paramref name="limit"/> 0 = no limit.</summary>
    public LuaMemory(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _block = (Block*)NativeMemory.AllocZeroed((nuint)sizeof(Block));
        _block->Limit = limit;
    }

    /// <summary>The block to give <c>lua_newstate</c> as the allocator's <c>ud</c>.</summary>
    public IntPtr UserData => (IntPtr)_block;

    /// <summary>The allocator, for <c>lua_newstate</c>.</summary>
    public static delegate* unmanaged[Cdecl]<void*, void*, nuint, nuint, void*> Allocator => &Allocate;

    /// <summary>The limit in bytes; 0 = none.</summary>
    public long Limit => _block->Limit;

    /// <summary>Bytes the state holds now, as the allocator counted them.</summary>
    public long Used => _block->Used;

    /// <summary>The most bytes the state held at once since it was made.</summary>
    public long Peak => _block->Peak;

    /// <summary>Requests refused for good (each a <c>not enough memory</c> error) since the state was made.</summary>
    public long Refusals => _block->Refusals;

    /// <summary>Whether Lua code runs on this thread now (see the remarks); the host's entries into Lua set it.</summary>
    public static bool LuaCodeRuns
    {
        get => t_luaCodeRuns;
        set => t_luaCodeRuns = value;
    }

    /// <summary>Marks Lua code running on this thread; returns what to restore with <see cref="Leave"/>.</summary>
    public static bool Enter()
    {
        var outer = t_luaCodeRuns;
        t_luaCodeRuns = true;
        return outer;
    }

    /// <summary>Marks C# host code running on this thread (no refusal); returns what to restore with <see cref="Leave"/>.</summary>
    public static bool EnterHost()
    {
        var outer = t_luaCodeRuns;
        t_luaCodeRuns = false;
        return outer;
    }

    /// <summary>Restores what <see cref="Enter"/> or <see cref="EnterHost"/> returned.</summary>
    public static void Leave(bool outer) => t_luaCodeRuns = outer;

    /// <summary>A run ended: the reserve opened by a refusal in it closes.</summary>
    public void EndRun() => _block->ReserveOpen = 0;

    /// <summary>Frees the block; call after <c>lua_close</c> (which frees through the allocator).</summary>
    public void Dispose()
    {
        if (_block is null) return;
        NativeMemory.Free(_block);
        _block = null;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void* Allocate(void* ud, void* ptr, nuint osize, nuint nsize)
    {
        var block = (Block*)ud;
        if (nsize == 0)
        {
            if (ptr is not null)
            {
                NativeMemory.Free(ptr);
                block->Used -= (long)osize;
            }
            return null;
        }
        // With ptr NULL, osize tells the kind of object being made, not a size.
        var old = ptr is null ? 0 : (long)osize;
        var growth = (long)nsize - old;
        if (growth > 0 && block->Limit > 0 && t_luaCodeRuns && block->Used + growth > block->Limit && !FromReserve(block, growth))
        {
            // Lua answers a refusal with an emergency collection and asks again for the same block: refused again,
            // the request fails for good (Lua raises now), and the reserve opens for the code handling that error.
            if (block->RefusedPtr == ptr && block->RefusedSize == nsize)
            {
                block->Refusals++;
                block->ReserveOpen = 1;
                block->RefusedPtr = null;
                block->RefusedSize = 0;
            }
            else
            {
                block->RefusedPtr = ptr;
                block->RefusedSize = nsize;
            }
            return null;
        }
        var p = NativeMemory.Realloc(ptr, nsize);
        if (p is null) return null;
        block->Used += growth;
        if (growth > 0)
        {
            block->RefusedSize = 0; // a later refusal is a new request's first
            if (block->Used > block->Peak) block->Peak = block->Used;
        }
        return p;
    }

    private static bool FromReserve(Block* block, long growth) =>
        block->ReserveOpen != 0 && growth <= ReserveChunk && block->Used + growth <= block->Limit + Reserve;

    [StructLayout(LayoutKind.Sequential)]
    private struct Block
    {
        public long Used;
        public long Limit;
        public long Refusals;
        public long Peak;
        public int ReserveOpen;
        public void* RefusedPtr;
        public nuint RefusedSize;
    }
}
