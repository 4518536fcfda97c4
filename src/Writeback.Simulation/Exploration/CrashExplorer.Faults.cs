namespace Writeback.Simulation;

public sealed partial class CrashExplorer
{
    /// <summary>
    /// <see cref="StorageFaults.EachInTurn"/>: explores the fault-free run, then one run per durability
    /// call of it with that call failing. A faulty run is the fault-free one up to the failed call, so
    /// only its failures from that call on are its own; the report gathers them, each naming its fault.
    /// </summary>
    private CrashReport ExploreEachFault(ICrashScenario scenario, StorageFaults faults)
    {
        SimulationRecord record = Record(scenario, 4096, faults: null);
        CrashReport report = Explore(record, scenario);
        var failures = new List<CrashFailure>(report.Failures);
        long checkedStates = report.StatesChecked;
        long generatedStates = report.StatesGenerated;
        for (int durabilityCall = 0; durabilityCall < record.DurabilityCallCount; durabilityCall++)
        {
            StorageFaults single = faults with { EachInTurn = false, FailingCalls = [durabilityCall] };
            SimulationRecord faulty = Record(scenario, 4096, single);
            int firstFailed = faulty.FirstFailedCall();
            if (firstFailed < 0)
            {
                continue; // The call threw before the fault could apply (bad arguments): nothing differs.
            }
            CrashReport faultyReport = Explore(faulty, scenario);
            failures.AddRange(faultyReport.Failures.Where(f => f.CrashPointIndex > firstFailed));
            checkedStates += faultyReport.StatesChecked;
            generatedStates += faultyReport.StatesGenerated;
        }
        return report with
        {
            StorageFaults = faults.ToString(),
            Runs = record.DurabilityCallCount + 1,
            StatesChecked = checkedStates,
            StatesGenerated = generatedStates,
            Failures = failures,
        };
    }
}
