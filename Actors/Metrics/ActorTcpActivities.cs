using System.Diagnostics;
using System.Reflection;

namespace ActorTcp.Actors.Metrics;

/// <summary>
/// ActorTcp's traces: the <see cref="ActivitySource"/> named <see cref="SourceName"/>, with an activity per plugin task
/// (<see cref="TaskActivity"/>) and one per connection (<see cref="ConnectionActivity"/>), the connection a child of the
/// task whose Lua code opened it, so a slow task shows which connection was slow. With nobody listening no activity
/// is created (a null check per task and per connection).
/// </summary>
/// <remarks>
/// An activity here spans many actor messages on many threads, so it never stays <see cref="Activity.Current"/>: that
/// is a thread's ambient state, and a dispatcher thread runs other actors next. Parents are passed explicitly (the
/// connection request carries its task's <see cref="ActivityContext"/>).
/// </remarks>
public static class ActorTcpActivities
{
    /// <summary>The activity source's name: what a tracer subscribes to (<c>AddSource("ActorTcp")</c>).</summary>
    public const string SourceName = "ActorTcp";

    /// <summary>The name of a plugin task's activity.</summary>
    public const string TaskActivity = "actortcp.task";

    /// <summary>The name of a connection's activity.</summary>
    public const string ConnectionActivity = "actortcp.connection";

    internal static readonly ActivitySource Source = new(SourceName,
        typeof(ActorTcpActivities).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>
    /// Starts an activity under <paramref name="parent"/> (none when default) without making it the thread's current
    /// one; null when nobody listens.
    /// </summary>
    internal static Activity? StartDetached(string name, ActivityKind kind, ActivityContext parent)
    {
        if (!Source.HasListeners()) return null;
        var previous = Activity.Current;
        // With a default parent, StartActivity would take the thread's current activity, whatever left it there.
        Activity.Current = null;
        var activity = Source.StartActivity(name, kind, parent);
        Activity.Current = previous;
        return activity;
    }

    /// <summary>Ends <paramref name="activity"/> with <paramref name="outcome"/>, an error status unless it is <c>ok</c>.</summary>
    internal static void Stop(Activity activity, string outcome)
    {
        activity.SetTag("actortcp.outcome", outcome);
        if (outcome != "ok") activity.SetStatus(ActivityStatusCode.Error, outcome);
        // Stop sets the thread's current activity back to the one before Start: keep whatever this thread has now.
        var current = Activity.Current;
        activity.Stop();
        Activity.Current = current;
    }
}
