// TEMPORARY local wiring for manual testing (not committed).
using Spectre.Console.Cli;
var app = new CommandApp();
app.Configure(config => Writeback.Cli.Commands.LossyFs.LossyFsCommands.AddTo(config));
return await app.RunAsync(args);
