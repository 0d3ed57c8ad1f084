using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using ActorTcp.Actors.Metrics;
using ActorTcp.LuaApi.Sessions;
using static ActorTcp.LuaApi.Native.LuaNative;

namespace ActorTcp.LuaApi;

/// <summary>
/// One Lua 5.4 state and what lives in it: the raw host functions, the Lua-side modules (prelude), and the pool of
/// host-created coroutines every entry point runs in. Used only from the thread of the actor that owns it.
/// </summary>
/// <remarks>
/// Host functions never raise or yield: they return <c>ok, value_or_err</c> (<see cref="Modules.HostFunction"/>) and
/// the Lua wrappers call <c>error</c>/<c>coroutine.yield</c> (docs/architecture.md#the-lua-boundary). They find this object through the state's extra space, which
/// Lua copies into every new thread, so a call from any coroutine reaches its runtime without a lookup table.
/// </remarks>
internal sealed unsafe class LuaRuntime : IDisposable
{
    private readonly GCHandle _self;
    private readonly List<ILuaModule> _modules;
    private readonly int _pluginLevelRef;
    private readonly LuaMemory _memory;
    private bool _warningsOn;
    private StringBuilder? _warning;
    private bool _disposed;

    /// <summary>
    /// Creates a state, opens the standard libraries, registers <paramref name="modules"/>, runs the prelude, then
    /// sandbox.lua, which applies <paramref name="sandbox"/> (default: <see cref="LuaSandboxSettings.Default"/>), then
    /// the modules' chunks. Runs of Lua code are measured in <paramref name="metrics"/> (null: not measured).
    /// </summary>
    public LuaRuntime(ILuaOutput output, ILuaLog log, IReadOnlyList<ILuaModule> modules, LuaSandboxSettings? sandbox = null,
        ActorTcpMetrics? metrics = null)
    {
        sandbox ??= LuaSandboxSettings.Default;
        Metrics = metrics;
        Output = output;
        Log = log;
        _modules = [.. modules];
        // luaL_newstate with the host's allocator (LuaMemory: counted, and held to the memory limit) and, as
        // luaL_newstate does, a panic function and a warning function (off until a plugin's warn('@on')).
        _memory = new LuaMemory(sandbox.MemoryLimit);
        L = lua_newstate(LuaMemory.Allocator, _memory.UserData);
        if (L == IntPtr.Zero)
        {
            _memory.Dispose();
            throw new InvalidOperationException("lua_newstate failed (out of memory)");
        }
        _self = GCHandle.Alloc(this);
        ExtraSpace(L) = GCHandle.ToIntPtr(_self);
        lua_atpanic(L, &OnPanic);
        lua_setwarnf(L, &OnWarning, L);
        if (sandbox.GenerationalGc) lua_gc_mode(L, LUA_GCGEN, 0, 0, 0);
        luaL_openlibs(L);
        Coroutines = new CoroutinePool(this);
        Budget = new InstructionBudget(sandbox.InstructionBudget);
        RunDurations = new RunSampler(sandbox.RunDurationSample, new Random());
        Coroutines.Finished += (co, error) =>
        {
            if (error is not null && co.FailureLabel is { } label) Log.CallbackFailed($"{label} failed: {error}");
        };

        // raw: the host functions, handed to each Lua module chunk and never made global.
        lua_createtable(L, 0, 64);
        SessionTable.Register(L);
        foreach (var module in _modules) module.RegisterRawFunctions(L);
        SetBoolean(L, "debug_library", sandbox.DebugLibrary);
        SetBoolean(L, "instruction_budget", sandbox.InstructionBudget > 0);
        SetBoolean(L, "restricted_stdlib", sandbox.RestrictedStdlib);
        // raw.host_chunks: the sources (chunk names) of the host's own chunks, which tracebacks skip on top.
        PushText(L, "host_chunks");
        lua_createtable(L, 0, 8);
        foreach (var chunk in (IEnumerable<string>)["prelude.lua", "sandbox.lua", .. _modules.SelectMany(m => m.LuaChunks)])
            SetBoolean(L, "=" + chunk, true);
        lua_rawset(L, -3);
        RawTableRef = luaL_ref(L, LUA_REGISTRYINDEX);

        RunModuleChunk("prelude.lua");
        RunModuleChunk("sandbox.lua");
        PushRef(L, RawTableRef);
        RawGetField(L, -1, "poison");
        Budget.PoisonRef = luaL_ref(L, LUA_REGISTRYINDEX);
        RawGetField(L, -1, "plugin_level");
        _pluginLevelRef = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pop(L, 1);
        foreach (var module in _modules)
            foreach (var chunk in module.LuaChunks) RunModuleChunk(chunk);
    }

    /// <summary>The main state.</summary>
    public IntPtr L { get; }

    /// <summary>Where <c>print</c> writes.</summary>
    public ILuaOutput Output { get; }

    /// <summary>Where the host logs (callback failures, warnings).</summary>
    public ILuaLog Log { get; }

    /// <summary>Where runs of Lua code, sessions and tasks are measured; null: nowhere.</summary>
    public ActorTcpMetrics? Metrics { get; }

    /// <summary>Which runs are timed: one in <see cref="LuaSandboxSettings.RunDurationSample"/> (the host's thread only).</summary>
    public RunSampler RunDurations { get; }

    /// <summary>The pool every callback and script body runs in.</summary>
    public CoroutinePool Coroutines { get; }

    /// <summary>The live sessions and the one whose code runs now.</summary>
    public SessionTable Sessions { get; } = new();

    /// <summary>The instruction budget every run of <see cref="Coroutines"/> is held to.</summary>
    public InstructionBudget Budget { get; }

    /// <summary>Registry reference of the raw host function table.</summary>
    public int RawTableRef { get; }

    /// <summary>The runtime of a state (any thread of it), from its extra space.</summary>
    public static LuaRuntime Of(IntPtr state) => (LuaRuntime)GCHandle.FromIntPtr(ExtraSpace(state)).Target!;

    /// <summary>The module of type <typeparamref name="T"/>.</summary>
    public T Module<T>() where T : class, ILuaModule
    {
        foreach (var module in _modules)
            if (module is T found) return found;
        throw new InvalidOperationException($"module {typeof(T).Name} is not loaded");
    }

    /// <summary>
    /// Values the registry holds (references the host keeps alive), for leak checks. Released slots stay in the
    /// table as integers (luaL_unref's free list), so only non-number values count.
    /// </summary>
    public int RegistryCount()
    {
        var n = 0;
        lua_pushnil(L);
        while (lua_next(L, LUA_REGISTRYINDEX) != 0)
        {
            if (lua_type(L, -1) != LUA_TNUMBER) n++;
            lua_pop(L, 1);
        }
        return n;
    }

    /// <summary>The state's allocator: its count and limit (<c>actortcp.lua.memory-limit</c>).</summary>
    public LuaMemory Memory => _memory;

    /// <summary>Bytes of memory the Lua state uses.</summary>
    public long MemoryBytes() => (long)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + lua_gc(L, LUA_GCCOUNTB, 0);

    /// <summary>A full Lua garbage collection.</summary>
    public void CollectGarbage() => lua_gc(L, LUA_GCCOLLECT, 0);

    /// <summary>
    /// Compiles <paramref name="code"/> and pushes the function on the main stack; on a syntax error returns the
    /// message and pushes nothing.
    /// </summary>
    public string? Load(ReadOnlySpan<byte> code, string chunkName)
    {
        var name = Encoding.UTF8.GetBytes("=" + chunkName + "\0");
        int status;
        fixed (byte* c = code)
        fixed (byte* n = name)
        fixed (byte* mode = "t\0"u8)
            status = luaL_loadbufferx(L, c, (nuint)code.Length, n, mode);
        if (status == LUA_OK) return null;
        var message = ToText(L, -1) ?? "syntax error";
        lua_pop(L, 1);
        return message;
    }

    /// <summary>
    /// Compiles <paramref name="code"/> and starts it in a pooled coroutine owned by <paramref name="owner"/>, with
    /// <paramref name="args"/> as its <c>...</c>. Returns the syntax error, or null once the chunk returned, failed
    /// (reported through <see cref="CoroutinePool.Finished"/>) or suspended in the sync API.
    /// </summary>
    public string? StartChunk(ReadOnlySpan<byte> code, string chunkName, LuaSession owner, IReadOnlyList<string> args)
    {
        if (Load(code, chunkName) is { } syntax) return syntax;
        var co = Coroutines.Rent();
        co.BodyOf = owner;
        co.Session = owner;
        lua_xmove(L, co.L, 1);
        foreach (var arg in args) PushText(co.L, arg);
        Coroutines.Run(co, args.Count, out _);
        return null;
    }

    /// <summary>Runs a chunk to its end (it must not suspend) and returns its error with traceback, or null.</summary>
    public string? RunChunk(ReadOnlySpan<byte> code, string chunkName, params string[] args)
    {
        if (Load(code, chunkName) is { } syntax) return syntax;
        var co = Coroutines.Rent();
        lua_xmove(L, co.L, 1);
        foreach (var arg in args) PushText(co.L, arg);
        return Coroutines.Run(co, args.Length, out var error) == RunOutcome.Suspended
            ? "the chunk suspended in the sync API"
            : error;
    }

    /// <summary>
    /// The level of <paramref name="co"/>'s stack (stopped by an error) where its traceback starts: the first plugin
    /// frame, below the host's own frames on top (prelude's <c>raw.plugin_level</c>); 0 if that cannot be told.
    /// </summary>
    public int TracebackLevel(Coroutine co)
    {
        var top = lua_gettop(L);
        PushRef(L, _pluginLevelRef);
        PushRef(L, co.Reference);
        lua_pushinteger(L, 0);
        var level = 0;
        // The host's own code, run with refusals off: after a memory error the failed thread still holds its memory.
        var outer = LuaMemory.EnterHost();
        var status = lua_pcallk(L, 2, 1, 0, IntPtr.Zero, IntPtr.Zero);
        LuaMemory.Leave(outer);
        if (status == LUA_OK && lua_isinteger(L, -1) != 0) level = (int)lua_tointegerx(L, -1, null);
        lua_settop(L, top);
        return level;
    }

    /// <summary>Pushes a value held by a registry reference.</summary>
    public void PushRef(IntPtr state, int reference) => lua_rawgeti(state, LUA_REGISTRYINDEX, reference);

    /// <summary>Anchors the value at the top of <paramref name="state"/> in the registry (popping it).</summary>
    public int Ref(IntPtr state) => luaL_ref(state, LUA_REGISTRYINDEX);

    /// <summary>Releases a registry reference.</summary>
    public void Unref(int reference)
    {
        if (reference > 0) luaL_unref(L, LUA_REGISTRYINDEX, reference);
    }

    private static void SetBoolean(IntPtr L, string field, bool value)
    {
        PushText(L, field);
        lua_pushboolean(L, value ? 1 : 0);
        lua_rawset(L, -3);
    }

    private void RunModuleChunk(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded Lua chunk {resource} is missing");
        var code = new byte[stream.Length];
        stream.ReadExactly(code);
        if (Load(code, resource) is { } syntax) throw new InvalidOperationException($"{resource}: {syntax}");
        PushRef(L, RawTableRef);
        // Lua code runs: held to the memory limit (a limit too small for the host's own chunks fails here, clearly).
        var outer = LuaMemory.Enter();
        var status = lua_pcallk(L, 1, 0, 0, IntPtr.Zero, IntPtr.Zero);
        LuaMemory.Leave(outer);
        if (status != LUA_OK)
        {
            var message = ToText(L, -1);
            lua_pop(L, 1);
            throw new InvalidOperationException($"{resource}: {message}");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static int OnPanic(IntPtr state)
    {
        // An error outside any protected call: nothing can be unwound safely, so say why and stop the process.
        var message = ToText(state, -1) ?? "unknown";
        Environment.FailFast($"Lua panic (unprotected error): {message}");
        return 0;
    }

    /// <summary>
    /// lua_WarnFunction, as luaL_newstate's: off until a control message <c>@on</c> (<c>@off</c> turns it off again);
    /// while on, each warning (its pieces joined) goes to the host log as <c>Lua warning: ...</c>.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static void OnWarning(IntPtr ud, byte* message, int tocont)
    {
        try
        {
            Of(ud).Warn(Marshal.PtrToStringUTF8((IntPtr)message) ?? "", tocont != 0);
        }
        catch (Exception)
        {
            // Nothing may leave a C function called by Lua as an exception; a lost warning is all it costs.
        }
    }

    private void Warn(string piece, bool continued)
    {
        if (_warning is null)
        {
            if (!continued && piece.StartsWith('@'))
            {
                if (piece == "@on") _warningsOn = true;
                else if (piece == "@off") _warningsOn = false;
                return;
            }
            if (!_warningsOn) return;
            _warning = new StringBuilder();
        }
        _warning.Append(piece);
        if (continued) return;
        var text = _warning.ToString();
        _warning = null;
        Log.Warning("Lua warning: " + text);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var module in _modules) module.Dispose();
        lua_close(L);
        _memory.Dispose();
        _self.Free();
    }
}

/// <summary>A native library for Lua: raw host functions plus the Lua chunks that wrap them.</summary>
internal interface ILuaModule : IDisposable
{
    /// <summary>Adds this module's raw functions to the table at the top of the stack.</summary>
    void RegisterRawFunctions(IntPtr L);

    /// <summary>Embedded Lua chunks run at start-up, in order, each called with the raw function table.</summary>
    IReadOnlyList<string> LuaChunks { get; }
}

/// <summary>Where Lua's <c>print</c> goes: one call per line, bytes as Lua produced them.</summary>
public interface ILuaOutput
{
    /// <summary>Writes one line (without its newline).</summary>
    void WriteLine(ReadOnlySpan<byte> line);
}

/// <summary>The Lua host's log.</summary>
public interface ILuaLog
{
    /// <summary>An informational line.</summary>
    void Info(string message);

    /// <summary>A warning.</summary>
    void Warning(string message);

    /// <summary>An error (rspamd_logger's <c>errx</c>).</summary>
    void Error(string message);

    /// <summary>A debug line.</summary>
    void Debug(string message);

    /// <summary>
    /// A Lua callback raised (<c>callback call failed: ...</c>, with its traceback). rspamd logs these at info level;
    /// ActorTcp logs them as errors, and a host can count them apart from the plugins' own error lines.
    /// </summary>
    void CallbackFailed(string message) => Error(message);
}
