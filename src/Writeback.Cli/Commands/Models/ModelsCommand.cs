using System.ComponentModel;
using Spectre.Console.Cli;
using Writeback.Cli.Commands.Check;

namespace Writeback.Cli.Commands.Models;

/// <summary><c>writeback models</c>: one line per built-in model (its name and what its calls guarantee).</summary>
internal sealed class ModelsCommand(CliOutput output) : OutputCommand<EmptyCommandSettings>(output)
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, EmptyCommandSettings settings, CancellationToken cancellationToken)
    {
        int width = KernelModel.All.Max(m => m.Name.Length);
        foreach (KernelModel model in KernelModel.All)
        {
            Output.WriteWholeLine($"{model.Name.PadRight(width)}  {model.Description}");
        }

        return ExitCodes.Ok;
    }
}

/// <summary>Options of <c>writeback models show</c>.</summary>
internal sealed class ModelsShowSettings : CommandSettings
{
    /// <summary>The model to print.</summary>
    [CommandArgument(0, "<MODEL>")]
    [Description("A built-in model's name (printed as shipped), or a model file (checked, then printed with every key), or 'schema' for the JSON Schema of model files.")]
    public string Model { get; init; } = "";
}

/// <summary><c>writeback models show NAME</c>: prints a model's file, so a candidate starts from a copy.</summary>
internal sealed class ModelsShowCommand(CliOutput output) : OutputCommand<ModelsShowSettings>(output)
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, ModelsShowSettings settings, CancellationToken cancellationToken)
    {
        string text = settings.Model == "schema" ? KernelModel.Schema
            : KernelModel.BuiltInFile(settings.Model) ?? Loaded(settings.Model).ToJson();
        Output.StandardOutput.Write(text);
        Output.StandardOutput.Flush();
        return ExitCodes.Ok;
    }

    private static KernelModel Loaded(string nameOrFile)
    {
        try
        {
            return CheckCommand.ResolveModel(nameOrFile);
        }
        catch (UsageException e)
        {
            throw new UsageException("models show:" + e.Message["check:".Length..]);
        }
    }
}
