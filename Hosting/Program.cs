using ActorTcp.Hosting;

return await Cli.RunAsync(args, Console.Out, Console.Error);
