namespace ActorTcp.Tests.Support;

/// <summary>Memory readings for leak and soak tests.</summary>
public static class ProcessMemory
{
    /// <summary>The managed heap after full collections (finalizers run in between).</summary>
    public static long ManagedHeap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
