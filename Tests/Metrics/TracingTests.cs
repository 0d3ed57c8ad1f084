using System.Collections.Concurrent;
using System.Diagnostics;
using ActorTcp.Actors.Metrics;
using Xunit;
using Xunit.Abstractions;

namespace ActorTcp.Tests.Metrics;

/// <summary>
/// The <c>ActorTcp</c> activity source: a plugin task's activity and, under it, one per connection its Lua code opened,
/// each ended with its outcome. An <see cref="ActivityListener"/> hears every test's activities in the process, so the
/// test picks its own by a task function named for it.
/// </summary>
public sealed class TracingTests : MetricsTestKit
{
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public TracingTests(ITestOutputHelper output) : base(output)
    {
        var listener = Own(new ActivityListener
        {
            ShouldListenTo = source => source.Name == ActorTcpActivities.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        });
        ActivitySource.AddActivityListener(listener);
    }

    [Fact]
    public async Task A_tasks_connections_are_children_of_its_activity_and_end_with_their_outcomes()
    {
        var function = $"traced_{Guid.NewGuid():N}";
        var peer = StartPeer(s => s.ExpectLine("PING").SendLine("PONG"));
        var refusing = RefusingPeer();
        (await LoadPluginAsync($$"""
            function {{function}}(task)
              local tcp = require('rspamd_tcp')
              for _, port in ipairs({ {{peer.Port}}, {{refusing.Port}} }) do
                tcp.request{task = task, host = '127.0.0.1', port = port, data = 'PING\r\n', stop_pattern = '\r\n',
                  callback = function(err) task:insert_result(err and 'FAILED' or 'ANSWERED', 1) end}
              end
            end
            """)).AssertSucceeded();

        var run = await RunTaskAsync(function);

        run.AssertSucceeded();
        Activity task = null!, answered = null!, refused = null!;
        await AwaitAssertAsync(() =>
        {
            task = Assert.Single(_stopped, a => a.OperationName == ActorTcpActivities.TaskActivity
                && (string?)a.GetTagItem("actortcp.task.function") == function);
            var children = _stopped.Where(a => a.ParentSpanId == task.SpanId).ToList();
            Assert.Equal(2, children.Count);
            answered = Assert.Single(children, a => a.GetTagItem("server.port") is int p && p == peer.Port);
            refused = Assert.Single(children, a => a.GetTagItem("server.port") is int p && p == refusing.Port);
        }, DefaultWait, TimeSpan.FromMilliseconds(20));

        Assert.Equal("ok", task.GetTagItem("actortcp.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, task.Status);
        Assert.All(new[] { answered, refused }, c =>
        {
            Assert.Equal(ActorTcpActivities.ConnectionActivity, c.OperationName);
            Assert.Equal(ActivityKind.Client, c.Kind);
            Assert.Equal(task.TraceId, c.TraceId);
            Assert.Equal("127.0.0.1", c.GetTagItem("server.address"));
            // A child lies within its task.
            Assert.InRange(c.StartTimeUtc, task.StartTimeUtc, task.StartTimeUtc + task.Duration);
        });
        Assert.Equal("ok", answered.GetTagItem("actortcp.outcome"));
        Assert.Contains(answered.Events, e => e.Name == "connected");
        Assert.Equal("refused", refused.GetTagItem("actortcp.outcome"));
        Assert.Equal(ActivityStatusCode.Error, refused.Status);
    }

    [Fact]
    public async Task A_failed_task_ends_its_activity_with_an_error_status()
    {
        var function = $"traced_broken_{Guid.NewGuid():N}";
        (await LoadPluginAsync($"function {function}(task) error('broken plugin') end")).AssertSucceeded();

        Assert.False((await RunTaskAsync(function)).Succeeded);

        await AwaitAssertAsync(() =>
        {
            var task = Assert.Single(_stopped, a => (string?)a.GetTagItem("actortcp.task.function") == function);
            Assert.Equal("error", task.GetTagItem("actortcp.outcome"));
            Assert.Equal(ActivityStatusCode.Error, task.Status);
        }, DefaultWait, TimeSpan.FromMilliseconds(20));
    }
}
