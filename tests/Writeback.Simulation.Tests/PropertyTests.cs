using CsCheck;

namespace Writeback.Simulation.Tests;

/// <summary>
/// Random workloads on one four-page file. Every image the explorer produces must be one the model
/// allows (<see cref="SimulationRecord.Allows"/>, decided independently of the enumeration), and
/// every page a naive oracle says is guaranteed must hold the content it had in memory.
/// </summary>
public sealed class PropertyTests
{
    private const int Page = 4096;
    private const int Pages = 4;

    /// <summary>0 Write, 1 Flush(range), 2 Flush(), 3 FlushFile, 4 StartWriteback, 5 store through a span (not a call).</summary>
    private readonly record struct Op(int Kind, int PageIndex, int OffsetBytes, int LengthBytes, byte Value);

    private static readonly Gen<Op[]> Workloads = Gen.Select(Gen.Int[0, 5], Gen.Int[0, Pages - 1], Gen.Int[0, Page - 1], Gen.Int[1, 700], Gen.Byte[1, 255],
        (kind, pageIndex, offsetBytes, lengthBytes, value) => new Op(kind, pageIndex, offsetBytes, lengthBytes, value)).Array[1, 10];

    [Theory]
    [InlineData(nameof(KernelModel.Linux3_16Range), false)]
    [InlineData(nameof(KernelModel.Linux2_6_19To3_15WholeFile), true)]
    public void Every_explored_image_is_allowed_and_holds_every_guaranteed_page(string modelName, bool flushIsWholeFile)
    {
        Assert.True(KernelModel.TryParse(modelName, out KernelModel? model));
        var options = new ExplorerOptions { MaxStatesPerCrashPoint = 64, RandomSamplesPerCrashPoint = 8, Seed = 11 };
        Workloads.Sample(ops =>
        {
            SimulationRecord record = CrashExplorer.Record(new DelegateWorkload(ops).Scenario);
            List<(byte[] Memory, bool[] Guaranteed)> oracle = Oracle(ops, flushIsWholeFile);
            Assert.Equal(oracle.Count, record.CrashPointCount);
            for (int crashPointIndex = 0; crashPointIndex < record.CrashPointCount; crashPointIndex++)
            {
                (byte[]? memory, bool[]? guaranteed) = oracle[crashPointIndex];
                foreach (CrashKind kind in Enum.GetValues<CrashKind>())
                {
                    foreach (int atomicWriteBytes in new[] { 512, 4096 })
                    {
                        foreach (IReadOnlyDictionary<string, byte[]> image in CrashExplorer.EnumerateImages(record, model, kind, crashPointIndex, options with { AtomicWriteBytes = atomicWriteBytes }))
                        {
                            if (!record.Allows(model, kind, crashPointIndex, atomicWriteBytes, image, out string? reason))
                            {
                                throw new InvalidOperationException($"crash point {crashPointIndex} {kind} {atomicWriteBytes}: {reason}");
                            }
                            if (!image.TryGetValue("f", out byte[]? file) || crashPointIndex < 3)
                            {
                                // Before FlushDirectory (call 2) returns, the name and length may not be durable yet.
                                Assert.True(crashPointIndex < 3 || kind == CrashKind.ProcessCrash && crashPointIndex == 0, $"'f' missing at crash point {crashPointIndex}");
                                continue;
                            }
                            for (int pageIndex = 0; pageIndex < Pages; pageIndex++)
                            {
                                if ((guaranteed[pageIndex] || kind == CrashKind.ProcessCrash)
                                    && !file.AsSpan(pageIndex * Page, Page).SequenceEqual(memory.AsSpan(pageIndex * Page, Page)))
                                {
                                    throw new InvalidOperationException($"crash point {crashPointIndex} {kind}: guaranteed page {pageIndex} does not hold its content");
                                }
                            }
                        }
                    }
                }
            }
        }, iter: 60);
    }

    /// <summary>
    /// The naive model, crash point by crash point: memory, and which pages are guaranteed (not
    /// changed since a flush covered them). Three setup calls (Open, FlushFile, FlushDirectory) come first.
    /// </summary>
    private static List<(byte[] Memory, bool[] Guaranteed)> Oracle(Op[] ops, bool flushIsWholeFile)
    {
        byte[] memory = new byte[Pages * Page];
        bool[] changed = new bool[Pages];
        var states = new List<(byte[], bool[])>();
        void Snapshot() => states.Add(((byte[])memory.Clone(), changed.Select(c => !c).ToArray()));
        Snapshot(); Snapshot(); Snapshot();          // before Open, FlushFile, FlushDirectory: the file is all zeros
        foreach (Op op in ops)
        {
            (int offsetBytes, int lengthBytes) = Range(op);
            if (op.Kind == 5)
            {
                Store(memory, changed, offsetBytes, lengthBytes, op.Value);
                continue;
            }
            Snapshot();
            switch (op.Kind)
            {
                case 0:
                    Store(memory, changed, offsetBytes, lengthBytes, op.Value);
                    break;
                case 1 when !flushIsWholeFile:
                    for (int pageIndex = offsetBytes / Page; pageIndex <= (offsetBytes + lengthBytes - 1) / Page; pageIndex++)
                    {
                        changed[pageIndex] = false;
                    }
                    break;
                case 1 or 2 or 3:
                    Array.Clear(changed);
                    break;
            }
        }
        Snapshot();
        return states;
    }

    private static void Store(byte[] memory, bool[] changed, int offsetBytes, int lengthBytes, byte value)
    {
        for (int index = offsetBytes; index < offsetBytes + lengthBytes; index++)
        {
            if (memory[index] != value)
            {
                memory[index] = value;
                changed[index / Page] = true;
            }
        }
    }

    private static (int OffsetBytes, int LengthBytes) Range(Op op)
    {
        int offsetBytes = op.PageIndex * Page + op.OffsetBytes;
        return (offsetBytes, Math.Min(op.LengthBytes, Pages * Page - offsetBytes));
    }

    /// <summary>The workload that runs <see cref="Op"/>s on a simulated (or any) storage.</summary>
    private sealed class DelegateWorkload(Op[] ops)
    {
        public ICrashScenario Scenario => new DelegateScenario("random", (storage, _) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Pages * Page });
            file.FlushFile();
            storage.FlushDirectory();
            foreach (Op op in ops)
            {
                (int offsetBytes, int lengthBytes) = Range(op);
                switch (op.Kind)
                {
                    case 0:
                        file.Write(offsetBytes, Enumerable.Repeat(op.Value, lengthBytes).ToArray());
                        break;
                    case 1:
                        file.Flush(offsetBytes, lengthBytes);
                        break;
                    case 2:
                        file.Flush();
                        break;
                    case 3:
                        file.FlushFile();
                        break;
                    case 4:
                        file.StartWriteback(offsetBytes, lengthBytes);
                        break;
                    default:
                        file.GetSpan(offsetBytes, lengthBytes).Fill(op.Value);
                        break;
                }
            }
        });
    }
}
