using System.Text;
using ActorTcp.Actors;
using ActorTcp.Actors.Connection;
using ActorTcp.Actors.Dns;
using Akka.Actor;
using Akka.Configuration;

namespace ActorTcp.Hosting.Cli;

/// <summary><c>actortcp request</c>: one write-then-read exchange through the connection actors.</summary>
public static class RequestCommand
{
    /// <summary>
    /// Runs the exchange with <paramref name="overrides"/> over the defaults (checked by <see cref="CliConfiguration"/>)
    /// and prints the reply; returns the exit code.
    /// </summary>
    public static async Task<int> RunAsync(RequestOptions options, Config overrides, TextWriter stdout, TextWriter stderr)
    {
        var config = overrides.WithFallback(HoconLoader.Defaults);
        var settings = ActorTcpSettings.Create(config);
        using var system = ActorSystem.Create("actortcp", config);
        var resolver = system.ActorOf(ResolverActor.Props(settings), "resolver");
        var manager = system.ActorOf(ConnectionManager.Props(settings, resolver), "connections");

        var handlers = new List<HandlerSpec>();
        if (options.Data.Length > 0) handlers.Add(new WriteSpec(1, HasCallback: false, [options.Data]));
        handlers.Add(new ReadSpec(2, HasCallback: true, options.StopPattern));
        var request = new ConnectionRequest
        {
            RequestId = 1,
            Host = options.Host,
            Port = options.Port,
            Handlers = handlers,
            Timeouts = new ConnectionTimeouts(options.Timeout is { } t ? TimeSpan.FromSeconds(t) : null),
        };

        var outcome = new TaskCompletionSource<(byte[]? Reply, string? Error)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var caller = system.ActorOf(Props.Create(() => new SingleReplyActor(outcome)), "request");
        manager.Tell(new OpenConnection(request, caller));

        var (reply, error) = await outcome.Task.ConfigureAwait(false);
        await system.Terminate().ConfigureAwait(false);
        if (error is not null)
        {
            await stderr.WriteLineAsync(error);
            return 1;
        }
        await using var raw = Console.OpenStandardOutput();
        if (ReferenceEquals(stdout, Console.Out)) await raw.WriteAsync(reply);
        else await stdout.WriteAsync(Encoding.UTF8.GetString(reply!));
        return 0;
    }

    /// <summary>Receives the completions of one request and ends the callback turns as Lua would.</summary>
    private sealed class SingleReplyActor : ReceiveActor
    {
        public SingleReplyActor(TaskCompletionSource<(byte[]?, string?)> outcome)
        {
            byte[]? reply = null;
            string? error = null;
            Receive<ReadCompleted>(r =>
            {
                reply = r.Data.ToArray();
                Sender.Tell(CallbackReturned.Instance);
            });
            Receive<HandlerFailed>(f =>
            {
                error ??= f.Error;
                Sender.Tell(CallbackReturned.Instance);
            });
            Receive<ConnectFailed>(f => error ??= f.Error);
            Receive<ConnectionClosed>(_ => outcome.TrySetResult((reply, reply is null ? error ?? "no reply" : null)));
            ReceiveAny(_ => { });
        }
    }
}
