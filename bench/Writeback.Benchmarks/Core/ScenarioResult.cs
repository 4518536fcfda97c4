namespace Writeback.Benchmarks.Core;

/// <summary>What one scenario produced.</summary>
internal sealed record ScenarioResult(IReadOnlyList<Measurement> Measurements, IReadOnlyList<TargetCheck> Targets,
                                      IReadOnlyList<string> Notes);
