using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorTcp.LuaApi.Native;

/// <summary>
/// The part of the Lua 5.4 C API ActorTcp uses, bound directly against the liblua54 that KeraLua ships.
/// </summary>
/// <remarks>
/// Not KeraLua's managed <c>Lua</c> class: wrapping a coroutine created by Lua code allocates a wrapper and a GCHandle
/// that is never freed (docs/architecture.md#the-lua-boundary, rule 5), strings go through an ASCII encoder, and C functions must be delegates kept
/// alive by hand. Here C functions are <c>[UnmanagedCallersOnly]</c> static methods (nothing to root; raw host
/// functions are plain static methods behind one of them, <see cref="HostCall"/>, rule 7) and bytes are
/// read and pushed as spans. Functions that raise Lua errors (<c>lua_error</c>, <c>luaL_check*</c>) are deliberately
/// absent: a longjmp across .NET frames aborts the process (docs/architecture.md#the-lua-boundary).
/// </remarks>
internal static unsafe partial class LuaNative
{
    private const string Lib = "lua54";

    public const int LUA_OK = 0;
    public const int LUA_YIELD = 1;
    public const int LUA_ERRRUN = 2;
    public const int LUA_ERRSYNTAX = 3;
    public const int LUA_ERRMEM = 4;
    public const int LUA_ERRERR = 5;

    public const int LUA_TNONE = -1;
    public const int LUA_TNIL = 0;
    public const int LUA_TBOOLEAN = 1;
    public const int LUA_TLIGHTUSERDATA = 2;
    public const int LUA_TNUMBER = 3;
    public const int LUA_TSTRING = 4;
    public const int LUA_TTABLE = 5;
    public const int LUA_TFUNCTION = 6;
    public const int LUA_TUSERDATA = 7;
    public const int LUA_TTHREAD = 8;

    public const int LUA_REGISTRYINDEX = -1000000 - 1000;
    public const int LUA_RIDX_MAINTHREAD = 1;
    public const int LUA_RIDX_GLOBALS = 2;
    public const int LUA_NOREF = -2;
    public const int LUA_REFNIL = -1;
    public const int LUA_MULTRET = -1;

    public const int LUA_GCCOLLECT = 2;
    public const int LUA_GCCOUNT = 3;
    public const int LUA_GCCOUNTB = 4;
    public const int LUA_GCGEN = 10;

    public const int LUA_MASKCOUNT = 1 << 3;

    [LibraryImport(Lib)] public static partial IntPtr lua_newstate(delegate* unmanaged[Cdecl]<void*, void*, nuint, nuint, void*> f, IntPtr ud);
    [LibraryImport(Lib)] public static partial void lua_setwarnf(IntPtr L, delegate* unmanaged[Cdecl]<IntPtr, byte*, int, void> f, IntPtr ud);
    [LibraryImport(Lib)] public static partial void lua_close(IntPtr L);
    [LibraryImport(Lib)] public static partial void luaL_openlibs(IntPtr L);
    [LibraryImport(Lib)] public static partial IntPtr lua_atpanic(IntPtr L, delegate* unmanaged[Cdecl]<IntPtr, int> panicf);

    [LibraryImport(Lib)] public static partial int lua_gettop(IntPtr L);
    [LibraryImport(Lib)] public static partial void lua_settop(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial void lua_pushvalue(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial void lua_rotate(IntPtr L, int idx, int n);
    [LibraryImport(Lib)] public static partial int lua_absindex(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial int lua_checkstack(IntPtr L, int n);
    [LibraryImport(Lib)] public static partial void lua_xmove(IntPtr from, IntPtr to, int n);

    [LibraryImport(Lib)] public static partial int lua_type(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial byte* lua_typename(IntPtr L, int tp);
    [LibraryImport(Lib)] public static partial int lua_isinteger(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial double lua_tonumberx(IntPtr L, int idx, int* isnum);
    [LibraryImport(Lib)] public static partial long lua_tointegerx(IntPtr L, int idx, int* isnum);
    [LibraryImport(Lib)] public static partial int lua_toboolean(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial byte* lua_tolstring(IntPtr L, int idx, nuint* len);
    // Never calls back into .NET nor blocks: no GC transition (each raw function's call reads its target through it).
    [LibraryImport(Lib), SuppressGCTransition] public static partial void* lua_touserdata(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial IntPtr lua_tothread(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial ulong lua_rawlen(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial int lua_rawequal(IntPtr L, int idx1, int idx2);

    [LibraryImport(Lib)] public static partial void lua_pushnil(IntPtr L);
    [LibraryImport(Lib)] public static partial void lua_pushnumber(IntPtr L, double n);
    [LibraryImport(Lib)] public static partial void lua_pushinteger(IntPtr L, long n);
    [LibraryImport(Lib)] public static partial byte* lua_pushlstring(IntPtr L, byte* s, nuint len);
    [LibraryImport(Lib)] public static partial void lua_pushboolean(IntPtr L, int b);
    [LibraryImport(Lib)] public static partial void lua_pushcclosure(IntPtr L, delegate* unmanaged[Cdecl]<IntPtr, int> fn, int n);
    [LibraryImport(Lib)] public static partial void lua_pushlightuserdata(IntPtr L, void* p);
    [LibraryImport(Lib)] public static partial int lua_pushthread(IntPtr L);

    [LibraryImport(Lib)] public static partial void lua_createtable(IntPtr L, int narr, int nrec);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int lua_getfield(IntPtr L, int idx, string k);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial void lua_setfield(IntPtr L, int idx, string k);
    [LibraryImport(Lib)] public static partial int lua_rawget(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial void lua_rawset(IntPtr L, int idx);
    [LibraryImport(Lib)] public static partial int lua_rawgeti(IntPtr L, int idx, long n);
    [LibraryImport(Lib)] public static partial void lua_rawseti(IntPtr L, int idx, long n);
    [LibraryImport(Lib)] public static partial int lua_next(IntPtr L, int idx);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int lua_getglobal(IntPtr L, string name);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial void lua_setglobal(IntPtr L, string name);
    [LibraryImport(Lib)] public static partial int lua_setmetatable(IntPtr L, int objindex);
    [LibraryImport(Lib)] public static partial int lua_getmetatable(IntPtr L, int objindex);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int luaL_newmetatable(IntPtr L, string tname);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial void luaL_setmetatable(IntPtr L, string tname);
    [LibraryImport(Lib)] public static partial void* luaL_testudata(IntPtr L, int ud, byte* tname);
    [LibraryImport(Lib)] public static partial void* lua_newuserdatauv(IntPtr L, nuint sz, int nuvalue);
    [LibraryImport(Lib)] public static partial int lua_setiuservalue(IntPtr L, int idx, int n);
    [LibraryImport(Lib)] public static partial int lua_getiuservalue(IntPtr L, int idx, int n);
    [LibraryImport(Lib)] public static partial void* lua_topointer(IntPtr L, int idx);

    [LibraryImport(Lib)] public static partial int luaL_ref(IntPtr L, int t);
    [LibraryImport(Lib)] public static partial void luaL_unref(IntPtr L, int t, int @ref);

    [LibraryImport(Lib)] public static partial int lua_pcallk(IntPtr L, int nargs, int nresults, int msgh, IntPtr ctx, IntPtr k);
    [LibraryImport(Lib)] public static partial int luaL_loadbufferx(IntPtr L, byte* buff, nuint sz, byte* name, byte* mode);
    [LibraryImport(Lib)] public static partial void luaL_traceback(IntPtr L, IntPtr L1, byte* msg, int level);

    [LibraryImport(Lib)] public static partial IntPtr lua_newthread(IntPtr L);
    [LibraryImport(Lib)] public static partial int lua_resume(IntPtr L, IntPtr from, int narg, int* nres);
    [LibraryImport(Lib)] public static partial int lua_status(IntPtr L);
    [LibraryImport(Lib)] public static partial int lua_closethread(IntPtr L, IntPtr from);
    [LibraryImport(Lib)] public static partial int lua_isyieldable(IntPtr L);

    [LibraryImport(Lib)] public static partial int lua_gc(IntPtr L, int what, int arg);
    // lua_gc is variadic; LUA_GCGEN reads two int arguments (0 keeps a parameter as it is). Incremental is Lua's default.
    [LibraryImport(Lib, EntryPoint = "lua_gc")] public static partial int lua_gc_mode(IntPtr L, int what, int a, int b, int c);
    [LibraryImport(Lib)] public static partial void lua_sethook(IntPtr L, delegate* unmanaged[Cdecl]<IntPtr, IntPtr, void> f, int mask, int count);

    // ---- helpers over the raw API -------------------------------------------------------------------------------

    /// <summary>
    /// Pushes <c>t[k]</c> for the table at <paramref name="idx"/> without metamethods (lua_getfield would run a
    /// user's <c>__index</c>, whose error would longjmp over the calling C# frame). Returns the value's type.
    /// </summary>
    public static int RawGetField(IntPtr L, int idx, string k)
    {
        idx = lua_absindex(L, idx);
        PushText(L, k);
        return lua_rawget(L, idx);
    }

    public static void lua_pop(IntPtr L, int n) => lua_settop(L, -n - 1);

    public static void lua_remove(IntPtr L, int idx)
    {
        lua_rotate(L, idx, -1);
        lua_pop(L, 1);
    }

    public static void lua_insert(IntPtr L, int idx) => lua_rotate(L, idx, 1);

    public static int lua_upvalueindex(int i) => LUA_REGISTRYINDEX - i;

    /// <summary>The extra space before every lua_State (LUA_EXTRASPACE, one pointer); new threads copy the main thread's.</summary>
    public static ref IntPtr ExtraSpace(IntPtr L) => ref Unsafe.AsRef<IntPtr>((void*)(L - sizeof(IntPtr)));

    /// <summary>The bytes of the string (or number) at <paramref name="idx"/> without copying, valid while it stays on the stack.</summary>
    public static ReadOnlySpan<byte> ToBytes(IntPtr L, int idx)
    {
        nuint len;
        var p = lua_tolstring(L, idx, &len);
        return p is null ? default : new ReadOnlySpan<byte>(p, checked((int)len));
    }

    /// <summary>The string at <paramref name="idx"/> decoded as UTF-8 (names, messages; never payloads).</summary>
    public static string? ToText(IntPtr L, int idx)
    {
        nuint len;
        var p = lua_tolstring(L, idx, &len);
        return p is null ? null : Encoding.UTF8.GetString(p, checked((int)len));
    }

    public static void PushBytes(IntPtr L, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes) lua_pushlstring(L, p, (nuint)bytes.Length);
    }

    public static void PushText(IntPtr L, string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 512)
        {
            Span<byte> buffer = stackalloc byte[max];
            PushBytes(L, buffer[..Encoding.UTF8.GetBytes(text, buffer)]);
        }
        else
        {
            PushBytes(L, Encoding.UTF8.GetBytes(text));
        }
    }

    public static string TypeName(IntPtr L, int idx) => Marshal.PtrToStringUTF8((IntPtr)lua_typename(L, lua_type(L, idx))) ?? "?";

    /// <summary>luaL_testudata with a metatable name given as UTF-8 literal bytes (NUL-terminated).</summary>
    public static void* TestUdata(IntPtr L, int idx, ReadOnlySpan<byte> tnameZ)
    {
        fixed (byte* p = tnameZ) return luaL_testudata(L, idx, p);
    }

    /// <summary>
    /// Pushes a raw host function: a plain static C# method, called by Lua through <see cref="HostCall"/> (one C closure
    /// per function, the method's address in its upvalue), which marks C# host code running for the call's length so
    /// that the allocator never refuses what the function pushes (<see cref="LuaMemory"/>).
    /// </summary>
    public static void PushFunction(IntPtr L, delegate*<IntPtr, int> fn)
    {
        lua_pushlightuserdata(L, fn);
        lua_pushcclosure(L, &HostCall, 1);
    }

    /// <summary>Sets <c>t[name] = fn</c> for the table at the top of the stack (a raw host function, as <see cref="PushFunction"/>).</summary>
    public static void SetFunction(IntPtr L, string name, delegate*<IntPtr, int> fn)
    {
        PushFunction(L, fn);
        lua_setfield(L, -2, name);
    }

    /// <summary>
    /// The one C function behind every raw host function: calls the method in its upvalue with the allocator's refusals
    /// off, then restores what was (a raw function may run Lua, which may call raw functions again). The methods catch
    /// their exceptions; one that escaped anyway is answered as their own are (<c>false, "internal error: ..."</c>),
    /// never thrown into Lua. Calling a managed function pointer from here costs no transition: this is the only
    /// native-to-managed entry of a call.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int HostCall(IntPtr L)
    {
        var fn = (delegate*<IntPtr, int>)lua_touserdata(L, lua_upvalueindex(1));
        var outer = LuaMemory.EnterHost();
        try
        {
            return fn(L);
        }
        catch (Exception e)
        {
            return Modules.HostFunction.Fail(L, e);
        }
        finally
        {
            LuaMemory.Leave(outer);
        }
    }
}
