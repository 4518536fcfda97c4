using System.Reflection;
using Writeback.Simulation.Examples;

namespace Writeback.Cli.Commands.Check;

/// <summary>Finds the scenarios to check: the bundled examples, or the ICrashScenario types of a user's assembly.</summary>
internal static class ScenarioSource
{
    /// <summary>The bundled example scenarios with their documented verdicts.</summary>
    /// <returns>The targets.</returns>
    public static IReadOnlyList<CheckTarget> Bundled() =>
        [.. BundledScenarios.All.Select(b => new CheckTarget(b.Scenario, b.Summary, b.Why, b.ExpectedToPass, b.Faults))];

    /// <summary>Loads <paramref name="assemblyPath"/> into <paramref name="context"/> and instantiates its scenario types.</summary>
    /// <param name="assemblyPath">The user's assembly.</param>
    /// <param name="context">The load context (the caller unloads it).</param>
    /// <returns>The targets, in type-name order.</returns>
    public static IReadOnlyList<CheckTarget> FromAssembly(string assemblyPath, ScenarioLoadContext context)
    {
        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(assemblyPath);
        }
        catch (BadImageFormatException e)
        {
            throw new UsageException($"check: '{assemblyPath}' is not a .NET assembly ({e.Message}).");
        }

        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            string first = e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message;
            throw new UsageException($"check: cannot load the types of '{assemblyPath}': {first}");
        }

        Type[] scenarioTypes = [.. types
            .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && typeof(ICrashScenario).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)];
        if (scenarioTypes.Length == 0)
        {
            bool referencesOtherCopy = types.Any(t => t.GetInterfaces().Any(i => i.FullName == typeof(ICrashScenario).FullName));
            throw new UsageException(referencesOtherCopy
                ? $"check: the scenarios in '{assemblyPath}' implement a different copy of ICrashScenario than writeback's ({typeof(ICrashScenario).Assembly.GetName().Version})."
                : $"check: '{assemblyPath}' has no public class implementing {typeof(ICrashScenario).FullName}.");
        }

        var targets = new List<CheckTarget>();
        foreach (Type type in scenarioTypes)
        {
            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new UsageException($"check: scenario type {type.FullName} in '{assemblyPath}' needs a public parameterless constructor.");
            }

            var scenario = (ICrashScenario)Activator.CreateInstance(type)!;
            targets.Add(new CheckTarget(scenario, null, null, null));
        }

        return targets;
    }

    /// <summary>Keeps the targets named in <paramref name="names"/> (all when empty).</summary>
    /// <param name="targets">The candidates.</param>
    /// <param name="names">Requested names, case-insensitive.</param>
    /// <returns>The selection, in the candidates' order.</returns>
    public static IReadOnlyList<CheckTarget> Select(IReadOnlyList<CheckTarget> targets, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return targets;
        }

        string[] unknown = [.. names.Where(n => !targets.Any(t => string.Equals(t.Scenario.Name, n, StringComparison.OrdinalIgnoreCase)))];
        if (unknown.Length > 0)
        {
            throw new UsageException($"check: no scenario named {string.Join(", ", unknown.Select(n => $"'{n}'"))}; "
                                     + $"the scenarios are: {string.Join(", ", targets.Select(t => t.Scenario.Name))}.");
        }

        return [.. targets.Where(t => names.Any(n => string.Equals(t.Scenario.Name, n, StringComparison.OrdinalIgnoreCase)))];
    }
}
