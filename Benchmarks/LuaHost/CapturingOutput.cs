using System.Text;
using ActorTcp.LuaApi;

namespace ActorTcp.Benchmarks.LuaHost;

/// <summary>
/// Lua's <c>print</c> in the benchmark: the workload scripts report their results (and "ready" points) as lines, which
/// the C# side reads back. Printed from the Lua host's thread, read from the benchmark's; hence the lock.
/// </summary>
public sealed class CapturingOutput : ILuaOutput
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private (string Prefix, TaskCompletionSource<string> Seen)? _waiter;

    /// <inheritdoc/>
    public void WriteLine(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line);
        TaskCompletionSource<string>? seen = null;
        lock (_lock)
        {
            _lines.Add(text);
            if (_waiter is { } w && text.StartsWith(w.Prefix, StringComparison.Ordinal))
            {
                seen = w.Seen;
                _waiter = null;
            }
        }
        seen?.TrySetResult(text);
    }

    /// <summary>Forgets the lines printed so far.</summary>
    public void Clear()
    {
        lock (_lock) _lines.Clear();
    }

    /// <summary>The lines printed since the last <see cref="Clear"/>.</summary>
    public IReadOnlyList<string> Lines()
    {
        lock (_lock) return _lines.ToArray();
    }

    /// <summary>Completes with the first line, printed from now on, that starts with <paramref name="prefix"/>.</summary>
    public Task<string> NextLineStartingWith(string prefix)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock) _waiter = (prefix, seen);
        return seen.Task;
    }
}
