using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace ActorTcp.Cluster.Tasks;

/// <summary>
/// The wire form of the task messages gateways exchange: a small binary layout, so a task's fields keep their types
/// (a byte array stays bytes, an integer stays an integer) where a JSON serializer would guess them. Bound to
/// <see cref="RunClusterTask"/> (from <c>actortcp submit</c>), <see cref="ClusterTask"/> and <see cref="ClusterTaskResult"/> by <see cref="ClusterTaskSerialization"/>.
/// </summary>
public sealed class ClusterTaskSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string TaskManifest = "T";
    private const string ResultManifest = "R";
    private const string SubmitManifest = "S";
    private const string TaskBatchManifest = "TB";
    private const string ResultBatchManifest = "RB";

    /// <inheritdoc/>
    public override int Identifier => 1_417_001;

    /// <inheritdoc/>
    public override string Manifest(object o) => o switch
    {
        ClusterTask => TaskManifest,
        ClusterTaskResult => ResultManifest,
        RunClusterTask => SubmitManifest,
        ClusterTaskBatch => TaskBatchManifest,
        ClusterTaskResultBatch => ResultBatchManifest,
        _ => throw new ArgumentException($"cannot serialize {o.GetType()}", nameof(o)),
    };

    /// <inheritdoc/>
    public override byte[] ToBinary(object obj)
    {
        // Sized for the whole message, so a task's fields (a mail of megabytes) are not copied while the buffer grows.
        using var stream = new MemoryStream(obj switch
        {
            ClusterTask task => (int)Math.Min(int.MaxValue, 256 + FieldsSize(task.Fields)),
            RunClusterTask submit => (int)Math.Min(int.MaxValue, 256 + FieldsSize(submit.Fields)),
            ClusterTaskBatch batch => (int)Math.Min(int.MaxValue, batch.Tasks.Sum(t => 256 + FieldsSize(t.Fields))),
            _ => 256,
        });
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case ClusterTask task:
                    WriteTask(w, task);
                    break;
                case ClusterTaskBatch batch:
                    w.Write(batch.Tasks.Count);
                    foreach (var task in batch.Tasks) WriteTask(w, task);
                    break;
                case ClusterTaskResultBatch results:
                    w.Write(results.Results.Count);
                    foreach (var result in results.Results) WriteResult(w, result);
                    break;
                case RunClusterTask submit:
                    w.Write(submit.Function);
                    w.Write(submit.Deadline.Ticks);
                    w.Write(submit.Fields.Count);
                    foreach (var (name, value) in submit.Fields) WriteField(w, name, value);
                    break;
                case ClusterTaskResult result:
                    WriteResult(w, result);
                    break;
                default:
                    throw new ArgumentException($"cannot serialize {obj.GetType()}", nameof(obj));
            }
        }
        return stream.ToArray();
    }

    /// <inheritdoc/>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        switch (manifest)
        {
            case TaskManifest:
                return ReadTask(r);
            case SubmitManifest:
                var submitted = r.ReadString();
                var within = TimeSpan.FromTicks(r.ReadInt64());
                var submittedFields = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = r.ReadInt32(); i > 0; i--) ReadField(r, submittedFields);
                return new RunClusterTask(submitted, submittedFields, within);
            case ResultManifest:
                return ReadResult(r);
            case TaskBatchManifest:
                var tasks = new ClusterTask[r.ReadInt32()];
                for (var i = 0; i < tasks.Length; i++) tasks[i] = ReadTask(r);
                return new ClusterTaskBatch(tasks);
            case ResultBatchManifest:
                var results = new ClusterTaskResult[r.ReadInt32()];
                for (var i = 0; i < results.Length; i++) results[i] = ReadResult(r);
                return new ClusterTaskResultBatch(results);
            default:
                throw new SerializationException($"unknown manifest '{manifest}'");
        }
    }

    private static void WriteTask(BinaryWriter w, ClusterTask task)
    {
        w.Write(task.Id);
        w.Write(task.Function);
        w.Write(task.Deadline.Ticks);
        w.Write(Akka.Serialization.Serialization.SerializedActorPath(task.ReplyTo));
        w.Write(task.Fields.Count);
        foreach (var (name, value) in task.Fields) WriteField(w, name, value);
    }

    private ClusterTask ReadTask(BinaryReader r)
    {
        var id = r.ReadInt64();
        var function = r.ReadString();
        var deadline = TimeSpan.FromTicks(r.ReadInt64());
        var replyTo = system.Provider.ResolveActorRef(r.ReadString());
        var count = r.ReadInt32();
        var fields = new Dictionary<string, object?>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++) ReadField(r, fields);
        return new ClusterTask(id, function, fields, deadline, replyTo);
    }

    private static void WriteResult(BinaryWriter w, ClusterTaskResult result)
    {
        w.Write(result.Id);
        w.Write(result.Node);
        w.Write(result.Host);
        w.Write((byte)result.Status);
        w.Write(result.Error is not null);
        if (result.Error is not null) w.Write(result.Error);
        w.Write(result.Elapsed.Ticks);
        w.Write(result.Symbols.Count);
        foreach (var symbol in result.Symbols)
        {
            w.Write(symbol.Name);
            w.Write(symbol.Score);
            w.Write(symbol.Options.Count);
            foreach (var option in symbol.Options) w.Write(option);
        }
    }

    private static ClusterTaskResult ReadResult(BinaryReader r)
    {
        var id = r.ReadInt64();
        var node = r.ReadString();
        var host = r.ReadInt32();
        var status = (ClusterTaskStatus)r.ReadByte();
        var error = r.ReadBoolean() ? r.ReadString() : null;
        var elapsed = TimeSpan.FromTicks(r.ReadInt64());
        var symbols = new ClusterTaskSymbol[r.ReadInt32()];
        for (var i = 0; i < symbols.Length; i++)
        {
            var name = r.ReadString();
            var score = r.ReadDouble();
            var options = new string[r.ReadInt32()];
            for (var j = 0; j < options.Length; j++) options[j] = r.ReadString();
            symbols[i] = new ClusterTaskSymbol(name, score, options);
        }
        return new ClusterTaskResult(id, node, host, status, error, elapsed, symbols);
    }

    /// <summary>The first field whose value cannot travel (see <see cref="WriteField"/>), with its type; null when all can.</summary>
    public static string? UnsupportedField(IReadOnlyDictionary<string, object?> fields)
    {
        foreach (var (name, value) in fields)
            if (value is not (null or string or byte[] or ReadOnlyMemory<byte> or long or int or short or sbyte or uint or ushort
                or byte or double or float or decimal or bool))
                return $"task field {name}: unsupported value type {value.GetType().Name} (strings, byte arrays, integers, numbers and booleans are)";
        return null;
    }

    /// <summary>The bytes <paramref name="fields"/> take on the wire (what <see cref="ClusterTaskSettings.MaxTaskSize"/> bounds).</summary>
    public static long FieldsSize(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        long size = 0;
        foreach (var (name, value) in fields)
            size += StringSize(name) + 1 + value switch
            {
                null => 0,
                string s => StringSize(s),
                byte[] b => 4 + b.Length,
                ReadOnlyMemory<byte> m => 4 + m.Length,
                bool => 1,
                _ => 8,
            };
        return size;
    }

    // BinaryWriter's string: a 7-bit encoded length, then UTF-8.
    private static long StringSize(string s)
    {
        var bytes = Encoding.UTF8.GetByteCount(s);
        return bytes + (bytes < 0x80 ? 1 : bytes < 0x4000 ? 2 : bytes < 0x200000 ? 3 : 4);
    }

    private static void WriteField(BinaryWriter w, string name, object? value)
    {
        w.Write(name);
        switch (value)
        {
            case null: w.Write((byte)0); break;
            case string s: w.Write((byte)1); w.Write(s); break;
            case byte[] b: w.Write((byte)2); w.Write(b.Length); w.Write(b); break;
            case long or int or short or sbyte or uint or ushort or byte: w.Write((byte)3); w.Write(Convert.ToInt64(value)); break;
            case double or float or decimal: w.Write((byte)4); w.Write(Convert.ToDouble(value)); break;
            case bool flag: w.Write((byte)5); w.Write(flag); break;
            case ReadOnlyMemory<byte> m: w.Write((byte)2); w.Write(m.Length); w.Write(m.Span); break;
            default: throw new ArgumentException($"task field {name}: unsupported value type {value.GetType().Name}");
        }
    }

    private static void ReadField(BinaryReader r, Dictionary<string, object?> fields)
    {
        var name = r.ReadString();
        fields[name] = r.ReadByte() switch
        {
            0 => null,
            1 => r.ReadString(),
            2 => r.ReadBytes(r.ReadInt32()),
            3 => r.ReadInt64(),
            4 => r.ReadDouble(),
            5 => r.ReadBoolean(),
            var kind => throw new SerializationException($"task field {name}: unknown kind {kind}"),
        };
    }
}
