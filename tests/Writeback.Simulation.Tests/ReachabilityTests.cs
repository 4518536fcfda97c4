namespace Writeback.Simulation.Tests;

/// <summary>
/// Files no name reaches in any directory state of a crash point add no choices, and pages beyond a
/// file's chosen length or of a file the chosen directory state does not name are not choices of
/// that state: every generated state is a distinct image.
/// </summary>
public sealed class ReachabilityTests
{
    private const int Page = 4096;

    private static SimulationRecord ReplacedThreeTimes(bool flushDirectory) => CrashExplorer.Record(new DelegateScenario("replace", (storage, _) =>
    {
        for (int generation = 1; generation <= 3; generation++)
        {
            using (IMappedFile file = storage.Open("tmp", new MappedFileOptions { Mode = FileMode.Create, Length = 4 * Page }))
            {
                for (int pageIndex = 0; pageIndex < 4; pageIndex++)
                {
                    file.Write(pageIndex * Page, Enumerable.Repeat((byte)generation, Page).ToArray());
                }
            }
            storage.Rename("tmp", "data");
            if (flushDirectory)
            {
                storage.FlushDirectory();
            }
        }
        storage.Delete("data");
        storage.FlushDirectory();
    }));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_state_at_every_crash_point_is_a_distinct_image(bool flushDirectory)
    {
        SimulationRecord record = ReplacedThreeTimes(flushDirectory);
        for (int crashPointIndex = 0; crashPointIndex <= record.CallCount; crashPointIndex++)
        {
            var images = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, crashPointIndex, new ExplorerOptions())
                .Select(Describe).ToList();
            // Two different files can only look alike while they hold nothing but zeros (created, not yet written).
            var duplicates = images.GroupBy(i => i).Where(g => g.Count() > 1 && g.Key.Split(';').Any(file => file.Split(':')[1].Trim('0').Length > 0))
                .Select(g => $"{g.Count()}x {g.Key}").ToList();
            Assert.True(duplicates.Count == 0, $"crash point {crashPointIndex} ({record.DescribeCrashPoint(crashPointIndex)}): {string.Join(" | ", duplicates)}");
        }
    }

    [Fact]
    public void Files_replaced_and_deleted_before_a_durable_directory_add_no_choices()
    {
        SimulationRecord record = ReplacedThreeTimes(flushDirectory: true);
        // After the last FlushDirectory no name reaches any of the three files: one state, the empty directory.
        Assert.Empty(CrashExplorer.OptionCounts(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount, 4096));
        var images = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount, new ExplorerOptions()).ToList();
        Assert.Empty(Assert.Single(images));
    }

    private static string Describe(IReadOnlyDictionary<string, byte[]> image) =>
        string.Join(";", image.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value.Length}:{string.Concat(f.Value.Chunk(Page).Select(p => p[0]))}"));
}
