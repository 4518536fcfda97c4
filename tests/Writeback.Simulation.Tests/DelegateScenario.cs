namespace Writeback.Simulation.Tests;

/// <summary>A scenario made of two delegates, for tests.</summary>
internal sealed class DelegateScenario(string name, Action<IMappedStorage, Acknowledgements> run,
                                       Func<IMappedStorage, CrashContext, CheckResult>? check = null,
                                       bool verdictDependsOnCrashPoint = false) : ICrashScenario
{
    public string Name => name;

    public bool VerdictDependsOnCrashPoint => verdictDependsOnCrashPoint;

    public void Run(IMappedStorage storage, Acknowledgements acknowledged) => run(storage, acknowledged);

    public CheckResult Check(IMappedStorage recovered, CrashContext context) => check?.Invoke(recovered, context) ?? CheckResult.Ok;
}
