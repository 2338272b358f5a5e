await ZeroCostDL4Mic.Server.ServerHost.Build(args).RunAsync();
