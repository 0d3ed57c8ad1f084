using System.CommandLine;
using System.Globalization;
using ActorTcp.Cluster.Tasks;

namespace ActorTcp.Hosting.Cli;

// actortcp submit: its options and help.
public static partial class CommandLine
{
    /// <summary>What <c>actortcp submit --help</c> prints after the options.</summary>
    public const string SubmitDetails = """
        Runs the plugin function FUNCTION for a task on a cluster of actortcp nodes, from outside the cluster (Akka's
        ClusterClient to the nodes' receptionist). Fields: KEY=VALUE gives a string, KEY=@FILE the file's bytes. The
        node that takes the task sends it to the member with the most spare capacity (tasks per Lua host).

        Output: per task "node=HOST:PORT status=ok|error|timeout elapsed_ms=N", then one line per inserted symbol
        "SYMBOL SCORE [OPTIONS]"; with --repeat N, a summary: tasks per node, per status and per inserted symbol.
        Errors go to stderr. Fields bigger than actortcp.cluster.max-task-size (4 MiB) are refused before sending.

        Exit codes: 0 all succeeded, 1 a task failed, 124 a task timed out, 3 no node could be reached, 2 bad
        arguments or configuration.
        """;

    private static Command SubmitCommandLine(TextWriter stdout, TextWriter stderr)
    {
        var contacts = new Option<string[]>("--contact")
        {
            HelpName = "HOST:PORT", Required = true, AllowMultipleArgumentsPerToken = false,
            Description = "a node to contact (repeatable: any that answers will do)",
            CustomParser = r => r.Tokens.Select(t => ParseSeed(t.Value, e => r.AddError(e.Replace("--seed", "--contact")))).ToArray(),
        };
        var deadline = new Option<double>("--deadline")
        {
            HelpName = "SECONDS", DefaultValueFactory = _ => 10, Description = "the task's deadline",
            CustomParser = r => PositiveNumber(r.Tokens.Single().Value, "--deadline", r.AddError),
        };
        var repeat = new Option<int>("--repeat")
        {
            HelpName = "N", DefaultValueFactory = _ => 1, Description = "run the task N times and print a summary",
            CustomParser = r => (int)PositiveNumber(r.Tokens.Single().Value, "--repeat", r.AddError, whole: true),
        };
        var concurrency = new Option<int>("--concurrency")
        {
            HelpName = "C", DefaultValueFactory = _ => 1, Description = "tasks in flight at once (with --repeat)",
            CustomParser = r => (int)PositiveNumber(r.Tokens.Single().Value, "--concurrency", r.AddError, whole: true),
        };
        var config = new Option<string>("--config") { HelpName = "FILE", Description = "HOCON that overrides any key of the defaults (HOCON.conf)" };
        var function = new Argument<string>("FUNCTION") { Description = "the global plugin function to run" };
        var fields = new Argument<string[]>("FIELDS") { HelpName = "KEY=VALUE|KEY=@FILE", Arity = ArgumentArity.ZeroOrMore };

        var submit = new Command("submit", "Runs a plugin task on a cluster of actortcp nodes and prints its result.")
        {
            contacts, deadline, repeat, concurrency, config, function, fields,
        };
        submit.SetAction(async (result, _) =>
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var field in result.GetValue(fields) ?? [])
            {
                var equals = field.IndexOf('=');
                if (equals <= 0)
                {
                    await stderr.WriteLineAsync($"actortcp submit: field '{field}' is not KEY=VALUE or KEY=@FILE (see actortcp submit --help)");
                    return BadArguments;
                }
                var (key, value) = (field[..equals], field[(equals + 1)..]);
                if (!value.StartsWith('@'))
                {
                    values[key] = value;
                    continue;
                }
                try
                {
                    values[key] = await File.ReadAllBytesAsync(value[1..]);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await stderr.WriteLineAsync($"actortcp submit: field {key}: cannot read {value[1..]}: {e.Message}");
                    return BadArguments;
                }
            }
            var options = new SubmitOptions(result.GetRequiredValue(contacts), result.GetRequiredValue(function), values,
                TimeSpan.FromSeconds(result.GetValue(deadline)), result.GetValue(repeat), result.GetValue(concurrency), result.GetValue(config));
            if (await LoadConfigurationAsync("actortcp submit", options.ConfigFile, [], stderr) is not { } overrides)
                return BadArguments;
            // Refused here rather than by the node: a task too big for a remoting frame would never reach one.
            if (ClusterTaskSettings.Create(overrides.WithFallback(HoconLoader.Defaults)).Refusal(values, out var _) is { } refusal)
            {
                await stderr.WriteLineAsync($"actortcp submit: {refusal}");
                return BadArguments;
            }
            return await SubmitCommand.RunAsync(options, overrides, stdout, stderr);
        });
        return submit;
    }

    private static double PositiveNumber(string text, string option, Action<string> error, bool whole = false)
    {
        var style = whole ? NumberStyles.None : NumberStyles.Float;
        if (double.TryParse(text, style, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > 0
            && (!whole || value <= int.MaxValue))
            return value;
        error($"{option}: '{text}' is not a positive {(whole ? "whole number" : "number")}");
        return 1;
    }
}
