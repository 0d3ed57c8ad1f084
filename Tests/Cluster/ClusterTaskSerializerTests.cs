using ActorTcp.Cluster.Tasks;
using Akka.Actor;
using Akka.Configuration;
using Xunit;

namespace ActorTcp.Tests.Cluster;

public sealed class ClusterTaskSerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private ClusterTaskSerializer Serializer => new((ExtendedActorSystem)Sys);

    [Fact]
    public void A_task_keeps_its_fields_types_and_its_reply_address()
    {
        var probe = CreateTestProbe();
        var task = new ClusterTask(42, "scan", new Dictionary<string, object?>
        {
            ["text"] = "héllo", ["bytes"] = new byte[] { 0, 255, 10 }, ["int"] = 7, ["long"] = long.MaxValue,
            ["double"] = 0.25, ["flag"] = true, ["none"] = null,
        }, TimeSpan.FromSeconds(3), probe.Ref);

        var back = (ClusterTask)Serializer.FromBinary(Serializer.ToBinary(task), Serializer.Manifest(task));

        Assert.Equal((42L, "scan", TimeSpan.FromSeconds(3), probe.Ref), (back.Id, back.Function, back.Deadline, back.ReplyTo));
        Assert.Equal("héllo", back.Fields["text"]);
        Assert.Equal(new byte[] { 0, 255, 10 }, back.Fields["bytes"]);
        Assert.Equal(7L, back.Fields["int"]);
        Assert.Equal(long.MaxValue, back.Fields["long"]);
        Assert.Equal(0.25, back.Fields["double"]);
        Assert.Equal(true, back.Fields["flag"]);
        Assert.Null(back.Fields["none"]);
    }

    [Fact]
    public void A_result_keeps_its_symbols_and_its_error()
    {
        var result = new ClusterTaskResult(9, "127.0.0.1:4053", 1, ClusterTaskStatus.Error, "boom", TimeSpan.FromMilliseconds(12),
            [new ClusterTaskSymbol("A", 1.5, ["x", "y"]), new ClusterTaskSymbol("B", -1, [])]);

        var back = (ClusterTaskResult)Serializer.FromBinary(Serializer.ToBinary(result), Serializer.Manifest(result));

        Assert.Equal((9L, "127.0.0.1:4053", 1, ClusterTaskStatus.Error, "boom", TimeSpan.FromMilliseconds(12)),
            (back.Id, back.Node, back.Host, back.Status, back.Error, back.Elapsed));
        Assert.Equal(["A 1.5 x,y", "B -1 "], back.Symbols.Select(s => $"{s.Name} {s.Score} {string.Join(",", s.Options)}"));
    }

    [Fact]
    public void Batches_keep_every_task_and_result_in_order()
    {
        var probe = CreateTestProbe();
        var tasks = new ClusterTaskBatch([
            new ClusterTask(1, "a", new Dictionary<string, object?> { ["x"] = new byte[] { 1 } }, TimeSpan.FromSeconds(1), probe.Ref),
            new ClusterTask(2, "b", new Dictionary<string, object?> { ["y"] = "z" }, TimeSpan.FromSeconds(2), probe.Ref),
        ]);
        var results = new ClusterTaskResultBatch([
            new ClusterTaskResult(1, "n:1", 0, ClusterTaskStatus.Ok, null, TimeSpan.FromMilliseconds(3), [new ClusterTaskSymbol("S", 1, ["o"])]),
            new ClusterTaskResult(2, "n:1", 1, ClusterTaskStatus.Timeout, "late", TimeSpan.FromMilliseconds(4), []),
        ]);

        var tasksBack = (ClusterTaskBatch)Serializer.FromBinary(Serializer.ToBinary(tasks), Serializer.Manifest(tasks));
        var resultsBack = (ClusterTaskResultBatch)Serializer.FromBinary(Serializer.ToBinary(results), Serializer.Manifest(results));

        Assert.Equal(["1 a 00:00:01 1", "2 b 00:00:02 z"], tasksBack.Tasks.Select(t =>
            $"{t.Id} {t.Function} {t.Deadline} {(t.Fields.Values.Single() is byte[] b ? b[0].ToString() : t.Fields.Values.Single())}"));
        Assert.All(tasksBack.Tasks, t => Assert.Equal(probe.Ref, t.ReplyTo));
        Assert.Equal(["1 Ok  S", "2 Timeout late "], resultsBack.Results.Select(r =>
            $"{r.Id} {r.Status} {r.Error} {string.Join(",", r.Symbols.Select(s => s.Name))}"));
    }

    [Fact]
    public void A_field_of_another_type_is_named_before_anything_is_sent()
    {
        Assert.Equal("task field when: unsupported value type DateTime (strings, byte arrays, integers, numbers and booleans are)",
            ClusterTaskSerializer.UnsupportedField(new Dictionary<string, object?> { ["ok"] = "x", ["when"] = DateTime.UnixEpoch }));
        Assert.Null(ClusterTaskSerializer.UnsupportedField(new Dictionary<string, object?> { ["ok"] = 1.5 }));
    }

    [Fact]
    public void The_size_the_task_limit_counts_is_the_size_the_fields_take_on_the_wire()
    {
        var fields = new Dictionary<string, object?>
        {
            ["text"] = "héllo", ["long"] = new string('x', 300), ["bytes"] = new byte[1000], ["memory"] = new ReadOnlyMemory<byte>(new byte[7]),
            ["int"] = 7, ["double"] = 0.25, ["flag"] = true, ["none"] = null, ["ünïcode"] = "",
        };
        var empty = Serializer.ToBinary(new RunClusterTask("f", new Dictionary<string, object?>(), TimeSpan.FromSeconds(1))).Length;

        var full = Serializer.ToBinary(new RunClusterTask("f", fields, TimeSpan.FromSeconds(1))).Length;

        Assert.Equal(full - empty, ClusterTaskSerializer.FieldsSize(fields));
    }

    [Fact]
    public void Fields_over_the_limit_are_refused_naming_the_largest_and_the_setting()
    {
        var settings = new ClusterTaskSettings(1000);

        Assert.Null(settings.Refusal(new Dictionary<string, object?> { ["a"] = new byte[900] }, out _));
        Assert.Equal("task fields take 1013 bytes (the largest is b), more than actortcp.cluster.max-task-size (1000 bytes)",
            settings.Refusal(new Dictionary<string, object?> { ["a"] = "xy", ["b"] = new byte[1000] }, out _));
    }

    [Fact]
    public void A_limit_that_a_remoting_frame_cannot_hold_is_a_configuration_error()
    {
        var config = ConfigurationFactory.ParseString("""
            actortcp.cluster.max-task-size = 1 MiB
            akka.remote.dot-netty.tcp.maximum-frame-size = 1 MiB
            """);

        var error = Assert.Throws<ConfigurationException>(() => ClusterTaskSettings.Create(config));

        Assert.Equal("actortcp.cluster.max-task-size (1048576 bytes) does not fit akka.remote.dot-netty.tcp.maximum-frame-size " +
            "(1048576 bytes): the frame needs the limit plus 64 KiB", error.Message);
        Assert.Equal(4L * 1024 * 1024, ClusterTaskSettings.Create(ActorTcp.Hosting.HoconLoader.Defaults).MaxTaskSize);
    }
}
