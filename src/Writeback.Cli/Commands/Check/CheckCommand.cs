using Spectre.Console.Cli;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Check;

/// <summary>Interim: <c>writeback check</c> is written against the simulator once it lands on this branch.</summary>
internal sealed class CheckCommand : Command<JsonSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, JsonSettings settings, CancellationToken cancellationToken) =>
        throw new PlatformNotSupportedException("check: the simulator is not part of this build yet.");
}
