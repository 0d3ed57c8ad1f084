using System.Text;
using ActorTcp.LuaApi;

namespace ActorTcp.Tests.Support;

/// <summary>What Lua printed, as text (Latin-1, one line per print), readable from any thread.</summary>
public sealed class PrintedLines : ILuaOutput
{
    private readonly StringBuilder _text = new();

    /// <summary>Everything printed so far.</summary>
    public string Text
    {
        get
        {
            lock (_text) return _text.ToString();
        }
    }

    /// <inheritdoc/>
    public void WriteLine(ReadOnlySpan<byte> line)
    {
        var text = Encoding.Latin1.GetString(line);
        lock (_text) _text.Append(text).Append('\n');
    }
}
