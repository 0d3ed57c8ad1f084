using System.Text;
using ActorTcp.LuaApi;

namespace ActorTcp.Tests.Support;

/// <summary>What Lua printed (Latin-1, one line per print), as text or lines, readable from any thread.</summary>
public sealed class PrintedLines : ILuaOutput
{
    private readonly StringBuilder _text = new();
    private readonly List<string> _lines = [];

    /// <summary>Everything printed so far.</summary>
    public string Text
    {
        get
        {
            lock (_text) return _text.ToString();
        }
    }

    /// <summary>Every line printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_text) return [.. _lines];
        }
    }

    /// <summary>Forgets what was printed so far.</summary>
    public void Clear()
    {
        lock (_text)
        {
            _text.Clear();
            _lines.Clear();
        }
    }

    /// <inheritdoc/>
    public void WriteLine(ReadOnlySpan<byte> line)
    {
        var text = Encoding.Latin1.GetString(line);
        lock (_text)
        {
            _text.Append(text).Append('\n');
            _lines.Add(text);
        }
    }
}
