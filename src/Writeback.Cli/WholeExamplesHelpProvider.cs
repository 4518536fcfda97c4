using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Writeback.Cli;

/// <summary>
/// Spectre's help, except that each example is printed whole on one line: an example wrapped at
/// the terminal's width (80 columns, or a CI log) breaks a command in two, and it can no longer be
/// copied and run. Every command's examples, including those other components register.
/// </summary>
internal sealed class WholeExamplesHelpProvider(ICommandAppSettings settings) : HelpProvider(settings)
{
    /// <inheritdoc />
    public override IEnumerable<IRenderable> GetExamples(ICommandModel model, ICommandInfo? command) =>
        base.GetExamples(model, command).Select(r => (IRenderable)new Unwrapped(r));

    /// <summary>Renders its content as if the console were as wide as its longest line.</summary>
    private sealed class Unwrapped(IRenderable content) : Renderable
    {
        private const int UnlimitedWidth = 100_000;

        protected override Measurement Measure(RenderOptions options, int maxWidth) => content.Measure(options, UnlimitedWidth);

        protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => content.Render(options, UnlimitedWidth);
    }
}
