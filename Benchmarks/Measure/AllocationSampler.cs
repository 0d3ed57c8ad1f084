using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ActorTcp.Benchmarks.Measure;

/// <summary>
/// Which types a run allocates, from the runtime's own sampling (EventPipe <c>GCAllocationTick</c>: one event per
/// ~100 KB allocated, naming the type of the object that crossed the mark). In-process, so no tool is needed;
/// <c>--alloc-profile</c> turns it on. The estimate is statistical: types with few ticks are rough.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const int GcKeyword = 0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _recording;

    /// <summary>Starts counting (events before this are ignored).</summary>
    public void Start()
    {
        _bytes.Clear();
        _recording = true;
    }

    /// <summary>Stops counting and returns the estimated bytes per type, largest first.</summary>
    public IReadOnlyList<(string Type, long Bytes)> Stop()
    {
        _recording = false;
        return _bytes.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value)).ToArray();
    }

    /// <inheritdoc/>
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
    }

    /// <inheritdoc/>
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true) return;
        var payload = eventData.PayloadNames;
        if (payload is null || eventData.Payload is null) return;
        var type = "?";
        long amount = 0;
        for (var i = 0; i < payload.Count; i++)
        {
            switch (payload[i])
            {
                case "TypeName":
                    type = eventData.Payload[i] as string ?? "?";
                    break;
                case "AllocationAmount64":
                    amount = Convert.ToInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "AllocationAmount" when amount == 0:
                    amount = Convert.ToInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }
        _bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
    }
}
