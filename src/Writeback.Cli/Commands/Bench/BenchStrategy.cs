namespace Writeback.Cli.Commands.Bench;

/// <summary>A way of making a record durable (or of starting its writeback), measured by <c>writeback bench</c>.</summary>
/// <param name="Name">Short name, as in the table and chart.</param>
/// <param name="Api">Which API it goes through: <c>Writeback</c>, <c>.NET</c> or <c>raw syscall</c>.</param>
/// <param name="Guarantee">What holds when the call returns.</param>
/// <param name="Open">Opens the target on a prepared file of the given size.</param>
/// <param name="Durable">Whether the record is durable when the call returns (or its task completes), on Linux.</param>
/// <param name="Concurrency">How many committers run at once (1 except for group commit).</param>
internal sealed record BenchStrategy(string Name, string Api, string Guarantee, Func<string, long, IBenchTarget> Open,
                                     bool Durable, int Concurrency = 1);
