namespace ActorTcp.TestKit;

/// <summary>A list of lines one thread appends to while others read it.</summary>
internal sealed class LineList
{
    private readonly List<string> _lines = [];

    /// <summary>How many lines there are.</summary>
    public int Count
    {
        get
        {
            lock (_lines) return _lines.Count;
        }
    }

    /// <summary>Appends <paramref name="line"/>.</summary>
    public void Add(string line)
    {
        lock (_lines) _lines.Add(line);
    }

    /// <summary>The lines after the first <paramref name="skip"/>, as a copy.</summary>
    public IReadOnlyList<string> After(int skip)
    {
        lock (_lines) return _lines.Skip(skip).ToArray();
    }

    /// <summary>Removes every line.</summary>
    public void Clear()
    {
        lock (_lines) _lines.Clear();
    }
}
