using System.Runtime.InteropServices;

namespace ActorTcp.LuaApi.Library;

/// <summary>
/// Opens a native LPeg (a Lua 5.4 C module such as Debian's <c>lua-lpeg</c>) against the Lua core the hosts run on,
/// KeraLua's liblua54, and never against a second Lua runtime.
/// </summary>
/// <remarks>
/// Lua C modules leave the <c>lua_*</c> functions undefined, to be bound to whatever Lua the process has made global.
/// .NET loads liblua54 with its symbols private (RTLD_LOCAL), so the module would fail to load, or worse bind to another
/// liblua in the process. The core is therefore loaded again by its own path with RTLD_GLOBAL|RTLD_NOLOAD, which only
/// makes the copy already mapped global, before LPeg is loaded; afterwards no other Lua library may be mapped, or the
/// module is refused. Linux only (glibc's dlopen).
/// </remarks>
internal static unsafe partial class NativeLpeg
{
    private const int RtldNow = 0x2;
    private const int RtldNoload = 0x4;
    private const int RtldGlobal = 0x100;

    private static readonly Lock Gate = new();
    // Per path, the answer of its one try: a refused library is not loaded again by every host that starts.
    private static readonly Dictionary<string, (IntPtr Open, string? Error)> Tried = new(StringComparer.Ordinal);

    /// <summary>
    /// The address of <c>luaopen_lpeg</c> in <paramref name="path"/> (tried once per process), or an error saying
    /// why it cannot be used.
    /// </summary>
    public static IntPtr Open(string path, out string? error)
    {
        lock (Gate)
        {
            if (!Tried.TryGetValue(path, out var tried)) Tried[path] = tried = (Try(path, out var why), why);
            error = tried.Error;
            return tried.Open;
        }
    }

    private static IntPtr Try(string path, out string? error)
    {
        error = null;
        try
        {
            var core = CorePath();
            if (core is null)
            {
                error = "the Lua core (liblua54) is not mapped in this process";
                return IntPtr.Zero;
            }
            var dlopen = (delegate* unmanaged[Cdecl]<byte*, int, IntPtr>)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "dlopen");
            var name = System.Text.Encoding.UTF8.GetBytes(core + "\0");
            fixed (byte* p = name)
                if (dlopen(p, RtldNow | RtldNoload | RtldGlobal) == IntPtr.Zero)
                {
                    error = $"cannot make {core} global";
                    return IntPtr.Zero;
                }
            var module = NativeLibrary.Load(path);
            if (OtherLuaLibraries(core).FirstOrDefault() is { } other)
            {
                error = $"{path} brought a second Lua runtime into the process ({other}); it must leave lua_* to the host";
                return IntPtr.Zero;
            }
            if (!NativeLibrary.TryGetExport(module, "luaopen_lpeg", out var open))
            {
                error = $"{path} has no luaopen_lpeg";
                return IntPtr.Zero;
            }
            return open;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or IOException)
        {
            error = $"cannot load {path}: {e.Message}";
            return IntPtr.Zero;
        }
    }

    /// <summary>The file of the mapped liblua54, from /proc/self/maps.</summary>
    private static string? CorePath() => MappedFiles().FirstOrDefault(f => System.IO.Path.GetFileName(f) == "liblua54.so");

    // A Lua runtime's file name: liblua5.4.so.0, liblua.so, libluajit-5.1.so.2; not a module's own library such as
    // Debian's liblua5.4-lpeg.so.2.
    private static IEnumerable<string> OtherLuaLibraries(string core) =>
        MappedFiles().Where(f => f != core && LuaRuntimeName().IsMatch(System.IO.Path.GetFileName(f)));

    [System.Text.RegularExpressions.GeneratedRegex(@"^lib(lua|luajit-?)[0-9.]*\.so")]
    private static partial System.Text.RegularExpressions.Regex LuaRuntimeName();

    private static IEnumerable<string> MappedFiles() =>
        File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : null)
            .OfType<string>()
            .Distinct();
}
