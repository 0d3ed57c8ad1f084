using ActorTcp.Benchmarks.Plot;

return await PlotTool.RunAsync(args, Console.Out, Console.Error);
