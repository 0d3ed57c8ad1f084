using System.Buffers;
using System.Text;

namespace ActorTcp.Actors.Upstreams;

/// <summary>
/// Parses rspamd upstream definitions (<c>[prefix] element (separator element)*</c>) into an
/// <see cref="UpstreamDefinition"/>: the rotation of the prefix, the elements that parse in definition order
/// (duplicates kept), and one reason for every element dropped. Names are never resolved here.
/// </summary>
/// <remarks>
/// Elements: <c>/path</c> or <c>./path</c> (unix socket, the whole element), <c>service=NAME+DOMAIN[:prio]</c>,
/// <c>[v6]</c> or <c>[v6]:port[:prio]</c>, a bare IPv6 literal (default port only: a port needs brackets, since
/// <c>::1:80</c> is itself an address), and <c>host[:port[:prio]]</c> with a strict dotted-quad IPv4 or a DNS name.
/// Ports must be digits in 1..65535 and priorities digits within int range; anything else drops the element.
/// </remarks>
public static class UpstreamDefinitionParser
{
    // What a table value that was neither a string nor a number is called in its reason, as rspamd logs it.
    private const string NullEntryName = "(NULL)";

    private static readonly (string Prefix, UpstreamRotation Rotation)[] Prefixes =
    [
        ("random:", UpstreamRotation.Random),
        ("master-slave:", UpstreamRotation.MasterSlave),
        ("round-robin:", UpstreamRotation.RoundRobin),
        ("hash:", UpstreamRotation.Hash),
    ];

    private static readonly SearchValues<char> Separators = SearchValues.Create(";, \n\r\t");

    /// <summary>Parses one definition string.</summary>
    /// <param name="definition">The definition, e.g. <c>master-slave:10.0.0.1:6379,10.0.0.2</c>.</param>
    /// <param name="defaultPort">The port of elements that write none (1..65535); null: such elements are dropped.</param>
    /// <returns>The definition; its members are empty when no element parses (Lua's <c>create</c> then gives nil).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="defaultPort"/> is outside 1..65535.</exception>
    public static UpstreamDefinition Parse(string definition, int? defaultPort)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var builder = new Builder(defaultPort);
        builder.Add(definition);
        return builder.Build();
    }

    /// <summary>
    /// rspamd's table form: every entry is parsed as a whole definition into the same list; the last prefix parsed
    /// sets the rotation, so a prefix-only entry such as <c>random:</c> just sets it.
    /// </summary>
    /// <param name="definitions">
    /// The entries in table order; null stands for a value that was neither a string nor a number (rejected with a
    /// reason naming it <c>(NULL)</c>, as rspamd logs it).
    /// </param>
    /// <param name="defaultPort">The port of elements that write none (1..65535); null: such elements are dropped.</param>
    /// <returns>The definition; its members may be empty (Lua's <c>create</c> then gives an empty list).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="defaultPort"/> is outside 1..65535.</exception>
    public static UpstreamDefinition ParseAll(IReadOnlyList<string?> definitions, int? defaultPort)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var builder = new Builder(defaultPort);
        foreach (var definition in definitions)
        {
            if (definition is null)
                builder.Reject($"cannot parse upstream {NullEntryName}: not a string or a number");
            else if (!builder.Add(definition))
                // rspamd logs such a table value as unparsable too; within a string the caller sees the empty list.
                builder.Reject($"cannot parse upstream definition \"{definition}\": it names no upstream");
        }
        return builder.Build();
    }

    private sealed class Builder
    {
        private readonly int? _defaultPort;
        private readonly List<UpstreamSpec> _members = [];
        private readonly List<string> _rejected = [];
        private UpstreamRotation? _rotation;

        public Builder(int? defaultPort)
        {
            if (defaultPort is < 1 or > 65535)
                throw new ArgumentOutOfRangeException(nameof(defaultPort), defaultPort, "A default port must be 1..65535.");
            _defaultPort = defaultPort;
        }

        public void Reject(string reason) => _rejected.Add(reason);

        public UpstreamDefinition Build() => new(_rotation, _members.ToArray(), _rejected.ToArray());

        /// <summary>Parses <paramref name="definition"/> into the list; false when it holds neither a prefix nor an element.</summary>
        public bool Add(string definition)
        {
            var text = definition.AsSpan();
            var sawAny = false;
            foreach (var (prefix, rotation) in Prefixes)
            {
                if (text.Length >= prefix.Length && Ascii.EqualsIgnoreCase(text[..prefix.Length], prefix))
                {
                    _rotation = rotation;
                    text = text[prefix.Length..];
                    sawAny = true;
                    break;
                }
            }

            while (true)
            {
                var start = text.IndexOfAnyExcept(Separators);
                if (start < 0) return sawAny;
                text = text[start..];
                var end = text.IndexOfAny(Separators);
                var element = (end < 0 ? text : text[..end]).ToString();
                text = end < 0 ? [] : text[end..];
                sawAny = true;
                AddElement(element);
            }
        }

        private void AddElement(string element)
        {
            var spec = UpstreamElementParser.Parse(element, _defaultPort, out var reason);
            if (spec is null)
            {
                _rejected.Add(reason!);
                return;
            }
            // rspamd's master-slave heuristic: the first upstream of a master-slave list is the master unless weights say otherwise.
            if (_rotation == UpstreamRotation.MasterSlave && _members.Count == 0 && spec.Weight == 0)
                spec = spec with { Weight = 1 };
            _members.Add(spec);
        }
    }
}
