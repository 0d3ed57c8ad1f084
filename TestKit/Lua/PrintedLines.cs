using System.Text;
using ActorTcp.LuaApi;

namespace ActorTcp.TestKit;

/// <summary>
/// What Lua printed (Latin-1, one line per print), as text or lines, readable from any thread: give it to a Lua host as
/// its <see cref="ILuaOutput"/> (<see cref="ActorTcpTestKit"/> does).
/// </summary>
public sealed class PrintedLines : ILuaOutput
{
    private readonly LineList _lines = new();

    /// <summary>Everything printed so far, each line ended by <c>\n</c>.</summary>
    public string Text => string.Concat(_lines.After(0).Select(line => line + "\n"));

    /// <summary>Every line printed so far.</summary>
    public IReadOnlyList<string> Lines => _lines.After(0);

    /// <summary>How many lines were printed so far.</summary>
    public int Count => _lines.Count;

    /// <summary>The lines printed after the first <paramref name="skip"/> lines.</summary>
    public IReadOnlyList<string> LinesAfter(int skip) => _lines.After(skip);

    /// <summary>Forgets what was printed so far.</summary>
    public void Clear() => _lines.Clear();

    /// <inheritdoc/>
    public void WriteLine(ReadOnlySpan<byte> line) => _lines.Add(Encoding.Latin1.GetString(line));
}
