// The `writeback` command: check, bench, inspect (and lossyfs, added by its branch). The command
// line is built in WritebackCli so that tests run exactly what the tool runs.
using Writeback.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C asks the running command to stop (inspect --watch ends with exit 0, a
    // long check or bench with 130); a second one kills the process as usual.
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};

return WritebackCli.Run(args, CliOutput.ForProcess(), cancellation.Token);
