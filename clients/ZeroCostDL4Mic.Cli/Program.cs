using ZeroCostDL4Mic.Cli;

return await CliApplication.RunAsync(args, CliConsole.ForProcess());
