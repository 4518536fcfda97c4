namespace Writeback.Cli.Commands.Check;

/// <summary>A scenario to check, with its documented verdicts when it is a bundled example.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Summary">One line saying what it demonstrates, or null.</param>
/// <param name="Why">Why it passes or fails where it does (bundled examples), or null.</param>
/// <param name="ExpectedToPass">For bundled examples, the documented verdict per model, crash kind and atomic write unit; null for a user's scenario.</param>
/// <param name="Faults">For bundled examples documented under storage faults, those faults (used unless the command line gives its own).</param>
internal sealed record CheckTarget(ICrashScenario Scenario, string? Summary, string? Why, Func<KernelModel, CrashKind, int, bool>? ExpectedToPass,
                                   StorageFaults? Faults = null);
