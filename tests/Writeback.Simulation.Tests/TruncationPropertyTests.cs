using CsCheck;

namespace Writeback.Simulation.Tests;

/// <summary>
/// Random workloads of stores, length changes and flushes on one file: every image the explorer
/// produces is one <see cref="SimulationRecord.Allows"/> accepts (cut pages and their epochs
/// included), and every image of a crash point before a call that guarantees nothing new is also an
/// image the next crash point allows (what lets the explorer check only the extremes of such a crash point).
/// </summary>
public sealed class TruncationPropertyTests
{
    private const int Page = 4096;

    /// <summary>0 Write, 1 SetLength, 2 Flush(range), 3 FlushFile, 4 StartWriteback.</summary>
    private readonly record struct Op(int Kind, int Page, int LengthBytes, byte Value);

    private static readonly Gen<Op[]> Workloads = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 3], Gen.Int[0, 4 * Page], Gen.Byte[1, 255],
        (kind, page, lengthBytes, value) => new Op(kind, page, lengthBytes, value)).Array[1, 8];

    [Theory]
    [InlineData(nameof(KernelModel.Linux3_16Range))]
    [InlineData(nameof(KernelModel.FreeBsd))]
    [InlineData(nameof(KernelModel.Linux2_6_19To3_15WholeFile))]
    public void Explored_images_are_allowed_and_a_crash_point_before_a_call_without_effect_allows_nothing_the_next_does_not(string modelName)
    {
        Assert.True(KernelModel.TryParse(modelName, out KernelModel? model));
        var options = new ExplorerOptions { MaxStatesPerCrashPoint = 256, RandomSamplesPerCrashPoint = 8, Seed = 5 };
        Workloads.Sample(ops =>
        {
            SimulationRecord record = CrashExplorer.Record(new DelegateScenario("truncate-random", (storage, _) => Run(storage, ops)));
            foreach (CrashKind kind in new[] { CrashKind.KernelCrash, CrashKind.PowerLoss })
            {
                for (int crashPointIndex = 0; crashPointIndex < record.CrashPointCount; crashPointIndex++)
                {
                    bool withoutEffect = crashPointIndex < record.CallCount
                        && record.DescribeCall(crashPointIndex).StartsWith("Write", StringComparison.Ordinal)
                        || crashPointIndex < record.CallCount && record.DescribeCall(crashPointIndex).StartsWith("SetLength", StringComparison.Ordinal);
                    foreach (IReadOnlyDictionary<string, byte[]> image in CrashExplorer.EnumerateImages(record, model, kind, crashPointIndex, options))
                    {
                        if (!record.Allows(model, kind, crashPointIndex, 4096, image, out string? reason))
                        {
                            throw new InvalidOperationException($"{Describe(ops)}: crash point {crashPointIndex} {kind}: {reason}");
                        }
                        if (withoutEffect && !record.Allows(model, kind, crashPointIndex + 1, 4096, image, out reason))
                        {
                            throw new InvalidOperationException($"{Describe(ops)}: an image of crash point {crashPointIndex} {kind} is not allowed at {crashPointIndex + 1}: {reason}");
                        }
                    }
                }
            }
        }, iter: 60);
    }

    private static void Run(IMappedStorage storage, Op[] ops)
    {
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 4 * Page });
        file.FlushFile();
        storage.FlushDirectory();
        foreach (Op op in ops)
        {
            long offsetBytes = (long)op.Page * Page;
            switch (op.Kind)
            {
                case 0 when offsetBytes + 16 <= file.Length:
                    file.Write(offsetBytes, Enumerable.Repeat(op.Value, 16).ToArray());
                    break;
                case 1:
                    file.SetLength(op.LengthBytes);
                    break;
                case 2 when offsetBytes < file.Length:
                    file.Flush(offsetBytes, Math.Min(Page, file.Length - offsetBytes));
                    break;
                case 3:
                    file.FlushFile();
                    break;
                case 4 when offsetBytes < file.Length:
                    file.StartWriteback(offsetBytes, 1);
                    break;
            }
        }
    }

    private static string Describe(Op[] ops) => string.Join(", ", ops.Select(op => op.ToString()));
}
