using Spectre.Console.Cli;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Bench;

/// <summary>Interim placeholder replaced in the next commit.</summary>
internal sealed class BenchCommand : Command<JsonSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, JsonSettings settings, CancellationToken cancellationToken) =>
        throw new PlatformNotSupportedException("bench: not part of this build yet.");
}
