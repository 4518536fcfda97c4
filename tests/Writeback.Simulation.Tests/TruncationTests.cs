namespace Writeback.Simulation.Tests;

/// <summary>
/// A shrink as the kernel does it (truncate(2)): the whole pages it cuts leave the page cache
/// without writeback, and the size change commits with the freeing of their blocks, so a crash
/// leaves the old length with the old data or the new length, never the old length with the cut
/// pages zeroed. Growth after a shrink reads zeros (holes).
/// </summary>
public sealed class TruncationTests
{
    private const int Page = 4096;

    /// <summary>A durable file of four pages filled with 1, 2, 3, 4; then <paramref name="after"/>.</summary>
    private static SimulationRecord FourDurablePages(Action<IMappedFile> after) => CrashExplorer.Record(new DelegateScenario("truncate", (storage, _) =>
    {
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 4 * Page });
        for (int pageIndex = 0; pageIndex < 4; pageIndex++)
        {
            file.Write(pageIndex * Page, Enumerable.Repeat((byte)(pageIndex + 1), Page).ToArray());
        }
        file.FlushFile();
        storage.FlushDirectory();
        after(file);
    }));

    /// <summary>Every distinct image after the last call, each as one character per page ('0'..'9', 'x' for any other content).</summary>
    private static SortedSet<string> Images(SimulationRecord record, KernelModel model, CrashKind kind)
    {
        var images = new SortedSet<string>(StringComparer.Ordinal);
        foreach (IReadOnlyDictionary<string, byte[]> image in CrashExplorer.EnumerateImages(record, model, kind, record.CallCount, new ExplorerOptions()))
        {
            byte[] content = image["f"];
            Assert.Equal(0, content.Length % Page);
            images.Add(new string([.. content.Chunk(Page).Select(page => page.All(b => b == page[0]) && page[0] < 10 ? (char)('0' + page[0]) : 'x')]));
            Assert.True(record.Allows(model, kind, record.CallCount, 4096, image, out string? reason), reason);
        }
        return images;
    }

    public static TheoryData<string, CrashKind> Models()
    {
        var data = new TheoryData<string, CrashKind>();
        foreach (KernelModel model in KernelModel.All)
        {
            data.Add(model.Name, CrashKind.KernelCrash);
            data.Add(model.Name, CrashKind.PowerLoss);
        }
        return data;
    }

    private static KernelModel ModelNamed(string name) => KernelModel.TryParse(name, out KernelModel? model) ? model : throw new ArgumentException(name);

    [Theory]
    [MemberData(nameof(Models))]
    public void A_shrink_never_flushed_leaves_the_old_length_with_the_old_data_or_the_new_length(string modelName, CrashKind kind)
    {
        SimulationRecord record = FourDurablePages(file => file.SetLength(2 * Page));
        Assert.Equal(["12", "1234"], Images(record, ModelNamed(modelName), kind));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Growth_after_a_shrink_reads_holes_and_the_length_changes_persist_in_order(string modelName, CrashKind kind)
    {
        SimulationRecord record = FourDurablePages(file =>
        {
            file.SetLength(2 * Page);
            file.SetLength(4 * Page);
        });
        Assert.Equal(["12", "1200", "1234"], Images(record, ModelNamed(modelName), kind));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Data_written_after_a_shrink_and_growth_never_appears_under_the_old_length(string modelName, CrashKind kind)
    {
        SimulationRecord record = FourDurablePages(file =>
        {
            file.SetLength(2 * Page);
            file.SetLength(4 * Page);
            file.Write(3 * Page, Enumerable.Repeat((byte)9, Page).ToArray());
        });
        Assert.Equal(["12", "1200", "1209", "1234"], Images(record, ModelNamed(modelName), kind));
    }

    [Fact]
    public void A_shrink_made_durable_by_FlushFile_leaves_only_the_new_length()
    {
        SimulationRecord record = FourDurablePages(file =>
        {
            file.SetLength(2 * Page);
            file.FlushFile();
        });
        Assert.Equal(["12"], Images(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss));
    }

    [Fact]
    public void A_cut_in_the_middle_of_a_page_zeroes_its_tail_as_a_store()
    {
        SimulationRecord record = FourDurablePages(file => file.SetLength(Page + Page / 2));
        int[] lengths = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount, new ExplorerOptions())
            .Select(image => image["f"].Length).Distinct().Order().ToArray();
        Assert.Equal([Page + Page / 2, 4 * Page], lengths);
    }

    [Fact]
    public void A_program_that_recovers_by_length_is_not_reported_failing_after_an_unflushed_shrink()
    {
        var scenario = new DelegateScenario("shrink", (storage, acknowledged) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 4 * Page });
            for (int pageIndex = 0; pageIndex < 4; pageIndex++)
            {
                file.Write(pageIndex * Page, Enumerable.Repeat((byte)(pageIndex + 1), Page).ToArray());
            }
            file.FlushFile();
            storage.FlushDirectory();
            acknowledged.Add(4);
            file.SetLength(2 * Page);
        }, (recovered, context) =>
        {
            if (!recovered.Exists("f"))
            {
                return context.Acknowledged.Count == 0 ? CheckResult.Ok : CheckResult.Fail("file lost");
            }
            using IMappedFile file = recovered.Open("f", new MappedFileOptions { Mode = FileMode.Open });
            for (int pageIndex = 0; pageIndex * Page < file.Length; pageIndex++)
            {
                ReadOnlySpan<byte> page = file.GetReadOnlySpan(pageIndex * Page, Page);
                if (context.Acknowledged.Count > 0 && page.IndexOfAnyExcept((byte)(pageIndex + 1)) >= 0)
                {
                    return CheckResult.Fail($"page {pageIndex} holds data never written there");
                }
            }
            return CheckResult.Ok;
        });
        foreach (KernelModel model in KernelModel.All)
        {
            CrashReport report = new CrashExplorer(model).Explore(scenario);
            Assert.True(report.Passed, $"{model}: {string.Join("; ", report.Failures.Select(f => $"{f.Kind} #{f.CrashPointIndex}: {f.Message}"))}");
        }
    }
}
