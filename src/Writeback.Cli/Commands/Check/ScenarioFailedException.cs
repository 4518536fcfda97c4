using System.Diagnostics;

namespace Writeback.Cli.Commands.Check;

/// <summary>
/// A scenario's own code (its workload or its checker outside a check) threw: the user's program
/// failed, not writeback. Reported as one line naming the scenario, with exit code 1.
/// </summary>
internal sealed class ScenarioFailedException : Exception
{
    private ScenarioFailedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>
    /// Wraps <paramref name="exception"/> when a method of <paramref name="scenario"/>'s assembly is
    /// on its stack; returns null when the exception came from elsewhere (writeback's own bug).
    /// </summary>
    /// <param name="scenario">The scenario that was running.</param>
    /// <param name="exception">What it threw.</param>
    /// <returns>The wrapped exception, or null.</returns>
    public static ScenarioFailedException? From(ICrashScenario scenario, Exception exception)
    {
        if (exception is ScenarioRunException { InnerException: { } thrown } run)
        {
            // The simulator says which recorded call the workload had reached.
            return new ScenarioFailedException(
                $"check: scenario '{scenario.Name}' ({scenario.GetType().FullName}) threw {thrown.GetType().Name} after {run.CallIndex} recorded calls: {thrown.Message}",
                thrown);
        }

        // A frame of the scenario's type (or a type nested in it), or of its assembly when that is
        // not the simulator's own (the bundled examples live in the simulator's assembly, so there
        // only their own types count).
        Type scenarioType = scenario.GetType();
        bool userAssembly = scenarioType.Assembly != typeof(CrashExplorer).Assembly;
        bool fromScenario = new StackTrace(exception).GetFrames().Any(frame =>
            frame.GetMethod()?.DeclaringType is { } type
            && ((userAssembly && type.Assembly == scenarioType.Assembly) || IsOrIsNestedIn(type, scenarioType)));
        return fromScenario
            ? new ScenarioFailedException(
                $"check: scenario '{scenario.Name}' ({scenario.GetType().FullName}) threw {exception.GetType().Name}: {exception.Message}",
                exception)
            : null;
    }

    private static bool IsOrIsNestedIn(Type type, Type outer)
    {
        for (Type? t = type; t is not null; t = t.DeclaringType)
        {
            if (t == outer)
            {
                return true;
            }
        }

        return false;
    }
}
