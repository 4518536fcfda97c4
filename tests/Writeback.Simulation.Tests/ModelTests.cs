using Writeback.Simulation.Examples;

namespace Writeback.Simulation.Tests;

/// <summary>
/// What survives each call under each kernel model and crash kind (research 7.5), observed through
/// the images the explorer produces at the crash point right after the call. The expectations are
/// written out per model here, independently of <see cref="KernelModel"/>'s internals.
/// </summary>
public sealed class ModelTests
{
    private const int Page = 4096;
    private static readonly byte[] Old = Filled(0x11);
    private static readonly byte[] New = Filled(0x22);

    /// <summary>Two pages, both durable with content <see cref="Old"/>; then page 0 and page 1 are rewritten with <see cref="New"/> and <paramref name="call"/> runs.</summary>
    private static SimulationRecord TwoRewrittenPages(Action<IMappedFile> call) => CrashExplorer.Record(new DelegateScenario("model", (storage, _) =>
    {
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 2 * Page });
        file.Write(0, Old);
        file.Write(Page, Old);
        file.FlushFile();
        storage.FlushDirectory();
        file.Write(0, New);
        file.Write(Page, New);
        call(file);
    }));

    /// <summary>The distinct contents of page <paramref name="pageIndex"/> over every image after the last call.</summary>
    private static HashSet<byte> PageContents(SimulationRecord record, KernelModel model, CrashKind kind, int pageIndex, int atomicWriteBytes = 4096)
    {
        var contents = new HashSet<byte>();
        foreach (IReadOnlyDictionary<string, byte[]> image in CrashExplorer.EnumerateImages(record, model, kind, record.CallCount, new ExplorerOptions { AtomicWriteBytes = atomicWriteBytes }))
        {
            Span<byte> page = image["f"].AsSpan(pageIndex * Page, Page);
            Assert.True(page.IndexOfAnyExcept(page[0]) < 0, "a whole-page-atomic image mixed two versions in one page");
            contents.Add(page[0]);
        }
        return contents;
    }

    private static byte[] Filled(byte value) => Enumerable.Repeat(value, Page).ToArray();

    private static readonly HashSet<byte> OnlyNew = [0x22];
    private static readonly HashSet<byte> Either = [0x11, 0x22];

    public static TheoryData<string> Models() => [.. KernelModel.All.Select(m => m.Name)];

    private static KernelModel ModelNamed(string name) => KernelModel.TryParse(name, out KernelModel? model) ? model : throw new ArgumentException(name);

    [Theory]
    [MemberData(nameof(Models))]
    public void Stores_only_survive_a_process_crash_and_are_any_subset_otherwise(string modelName)
    {
        KernelModel model = ModelNamed(modelName);
        SimulationRecord record = TwoRewrittenPages(_ => { });
        Assert.Equal(OnlyNew, PageContents(record, model, CrashKind.ProcessCrash, 0));
        Assert.Equal(Either, PageContents(record, model, CrashKind.KernelCrash, 0));
        Assert.Equal(Either, PageContents(record, model, CrashKind.PowerLoss, 1));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void StartWriteback_guarantees_nothing(string modelName)
    {
        KernelModel model = ModelNamed(modelName);
        SimulationRecord record = TwoRewrittenPages(file => file.StartWriteback(0, 2 * Page));
        Assert.Equal(OnlyNew, PageContents(record, model, CrashKind.ProcessCrash, 0));
        Assert.Equal(Either, PageContents(record, model, CrashKind.KernelCrash, 0));
        Assert.Equal(Either, PageContents(record, model, CrashKind.PowerLoss, 0));
    }

    // Flush(range) of page 0 only: (in range, kernel crash), (in range, power loss), (outside range, kernel crash), (outside range, power loss).
    [Theory]
    [InlineData(nameof(KernelModel.Linux2_6_19To3_15WholeFile), true, true, true, true)]
    [InlineData(nameof(KernelModel.Linux3_16Range), true, true, false, false)]
    [InlineData(nameof(KernelModel.MsAsyncStartsIo), true, true, false, false)]
    [InlineData(nameof(KernelModel.WindowsFlushViewOnly), false, false, false, false)]
    [InlineData(nameof(KernelModel.WindowsFlushViewAndBuffers), true, true, false, false)]
    [InlineData(nameof(KernelModel.MacOsMsyncWithoutFullFsync), true, false, false, false)]
    [InlineData(nameof(KernelModel.FreeBsd), true, false, false, false)]
    public void Range_flush_guarantees_what_the_model_says(string modelName, bool inRangeKernel, bool inRangePower, bool outsideKernel, bool outsidePower)
    {
        KernelModel model = ModelNamed(modelName);
        // FlushAsync's completed task guarantees what Flush(offset, length) does.
        foreach (SimulationRecord? record in new[] { TwoRewrittenPages(file => file.Flush(0, Page)), TwoRewrittenPages(file => file.FlushAsync(0, Page).Wait()) })
        {
            Assert.Equal(inRangeKernel ? OnlyNew : Either, PageContents(record, model, CrashKind.KernelCrash, 0));
            Assert.Equal(inRangePower ? OnlyNew : Either, PageContents(record, model, CrashKind.PowerLoss, 0));
            Assert.Equal(outsideKernel ? OnlyNew : Either, PageContents(record, model, CrashKind.KernelCrash, 1));
            Assert.Equal(outsidePower ? OnlyNew : Either, PageContents(record, model, CrashKind.PowerLoss, 1));
            Assert.Equal(OnlyNew, PageContents(record, model, CrashKind.ProcessCrash, 1));
        }
    }

    [Theory]
    [InlineData(nameof(KernelModel.Linux2_6_19To3_15WholeFile), true, true)]
    [InlineData(nameof(KernelModel.Linux3_16Range), true, true)]
    [InlineData(nameof(KernelModel.MsAsyncStartsIo), true, true)]
    [InlineData(nameof(KernelModel.WindowsFlushViewOnly), false, false)]
    [InlineData(nameof(KernelModel.WindowsFlushViewAndBuffers), true, true)]
    [InlineData(nameof(KernelModel.MacOsMsyncWithoutFullFsync), true, false)]
    [InlineData(nameof(KernelModel.FreeBsd), true, true)]
    public void Whole_mapping_flush_guarantees_what_the_model_says(string modelName, bool kernel, bool power)
    {
        KernelModel model = ModelNamed(modelName);
        SimulationRecord record = TwoRewrittenPages(file => file.Flush());
        Assert.Equal(kernel ? OnlyNew : Either, PageContents(record, model, CrashKind.KernelCrash, 1));
        Assert.Equal(power ? OnlyNew : Either, PageContents(record, model, CrashKind.PowerLoss, 1));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void FlushFile_guarantees_all_data_under_every_model(string modelName)
    {
        KernelModel model = ModelNamed(modelName);
        SimulationRecord record = TwoRewrittenPages(file => file.FlushFile());
        foreach (CrashKind kind in Enum.GetValues<CrashKind>())
        {
            Assert.Equal(OnlyNew, PageContents(record, model, kind, 0));
            Assert.Equal(OnlyNew, PageContents(record, model, kind, 1));
        }
    }

    [Fact]
    public void WholeFile_semantics_turn_a_range_flush_into_FlushFile()
    {
        SimulationRecord record = CrashExplorer.Record(new DelegateScenario("whole", (storage, _) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 2 * Page, Semantics = FlushSemantics.WholeFile });
            file.FlushFile();
            storage.FlushDirectory();
            file.Write(0, New);
            file.Write(Page, New);
            file.Flush(0, Page);
        }));
        Assert.Equal(OnlyNew, PageContents(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, 1));
    }

    [Fact]
    public void A_crash_point_precedes_its_call()
    {
        SimulationRecord record = TwoRewrittenPages(file => file.FlushFile());
        var before = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount - 1, new ExplorerOptions())
            .Select(image => image["f"][0]).ToHashSet();
        Assert.Equal(Either, before);
        Assert.Equal("FlushFile(f)", record.DescribeCall(record.CallCount - 1));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_created_name_is_durable_only_after_FlushDirectory(string modelName)
    {
        KernelModel model = ModelNamed(modelName);
        SimulationRecord record = CrashExplorer.Record(new DelegateScenario("names", (storage, _) =>
        {
            using IMappedFile file = storage.Open("a", new MappedFileOptions { Length = Page });
            file.FlushFile();
            storage.Rename("a", "b");
        }));
        HashSet<string> NameSets(CrashKind kind, int crashPointIndex) => CrashExplorer
            .EnumerateImages(record, model, kind, crashPointIndex, new ExplorerOptions())
            .Select(image => string.Join(",", image.Keys.Order())).ToHashSet();
        Assert.Equal(["", "a", "b"], NameSets(CrashKind.PowerLoss, record.CallCount).Order());
        Assert.Equal(["", "a", "b"], NameSets(CrashKind.KernelCrash, record.CallCount).Order());
        Assert.Equal(["b"], NameSets(CrashKind.ProcessCrash, record.CallCount));

        SimulationRecord flushed = CrashExplorer.Record(new DelegateScenario("names", (storage, _) =>
        {
            using IMappedFile file = storage.Open("a", new MappedFileOptions { Length = Page });
            file.FlushFile();
            storage.Rename("a", "b");
            storage.FlushDirectory();
        }));
        var after = CrashExplorer.EnumerateImages(flushed, model, CrashKind.PowerLoss, flushed.CallCount, new ExplorerOptions())
            .Select(image => string.Join(",", image.Keys.Order())).ToHashSet();
        Assert.Equal(["b"], after);
    }

    [Fact]
    public void A_deletion_is_durable_only_after_FlushDirectory_and_the_data_stays_with_the_name()
    {
        SimulationRecord record = CrashExplorer.Record(new DelegateScenario("delete", (storage, _) =>
        {
            using (IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Page }))
            {
                file.Write(0, New);
                file.FlushFile();
            }
            storage.FlushDirectory();
            storage.Delete("f");
        }));
        var images = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount, new ExplorerOptions()).ToList();
        Assert.Contains(images, image => image.Count == 0);
        Assert.Contains(images, image => image.TryGetValue("f", out byte[]? content) && content.SequenceEqual(New));
        Assert.Empty(CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.ProcessCrash, record.CallCount, new ExplorerOptions()).Single());
    }

    [Fact]
    public void A_new_length_is_durable_only_after_a_flush_that_covers_it()
    {
        SimulationRecord record = CrashExplorer.Record(new DelegateScenario("length", (storage, _) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Page });
            file.FlushFile();
            storage.FlushDirectory();
            file.SetLength(3 * Page);
        }));
        var lengths = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount, new ExplorerOptions())
            .Select(image => image["f"].Length).ToHashSet();
        Assert.Equal([Page, 3 * Page], lengths.Order());
    }

    [Theory]
    [InlineData(nameof(KernelModel.Linux2_6_19To3_15WholeFile), true)]
    [InlineData(nameof(KernelModel.Linux3_16Range), true)]
    [InlineData(nameof(KernelModel.WindowsFlushViewOnly), false)]
    [InlineData(nameof(KernelModel.WindowsFlushViewAndBuffers), true)]
    [InlineData(nameof(KernelModel.MacOsMsyncWithoutFullFsync), false)]
    [InlineData(nameof(KernelModel.FreeBsd), false)]
    public void A_range_flush_makes_a_new_length_durable_where_it_covers_metadata(string modelName, bool lengthDurable)
    {
        KernelModel model = ModelNamed(modelName);
        SimulationRecord record = CrashExplorer.Record(new DelegateScenario("grow", (storage, _) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Page });
            file.FlushFile();
            storage.FlushDirectory();
            file.SetLength(2 * Page);
            file.Write(Page, New);
            file.Flush(Page, Page);
        }));
        var lengths = CrashExplorer.EnumerateImages(record, model, CrashKind.KernelCrash, record.CallCount, new ExplorerOptions())
            .Select(image => image["f"].Length).ToHashSet();
        Assert.Equal(lengthDurable ? [2 * Page] : [Page, 2 * Page], lengths.Order());
    }

    [Fact]
    public void Power_loss_tears_pages_at_512_bytes_but_a_kernel_crash_does_not()
    {
        SimulationRecord record = TwoRewrittenPages(_ => { });
        var images = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount,
            new ExplorerOptions { AtomicWriteBytes = 512 }).ToList();
        static bool IsTorn(byte[] page) => page.AsSpan(0, Page).IndexOfAnyExcept(page[0]) >= 0;
        Assert.Contains(images, image => IsTorn(image["f"]));
        foreach (IReadOnlyDictionary<string, byte[]>? image in images)
        {
            for (int sector = 0; sector < 2 * Page / 512; sector++)
            {
                Span<byte> bytes = image["f"].AsSpan(sector * 512, 512);
                Assert.True(bytes.IndexOfAnyExcept(bytes[0]) < 0, "a 512-byte sector must be old or new, never mixed");
            }
        }
        Assert.Equal(Either, PageContents(record, KernelModel.Linux3_16Range, CrashKind.KernelCrash, 0, atomicWriteBytes: 512));
    }

    [Fact]
    public void Stores_through_a_span_are_seen_at_the_next_call()
    {
        SimulationRecord record = CrashExplorer.Record(new DelegateScenario("span", (storage, _) =>
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = Page });
            file.FlushFile();
            storage.FlushDirectory();
            Span<byte> span = file.GetSpan(0, Page);
            New.CopyTo(span);
            file.Flush(0, Page);
        }));
        int beforeFlush = record.CallCount - 1;
        IReadOnlyDictionary<string, byte[]> atProcessCrash = CrashExplorer.EnumerateImages(record, KernelModel.Linux3_16Range, CrashKind.ProcessCrash, beforeFlush, new ExplorerOptions()).Single();
        Assert.Equal(New, atProcessCrash["f"]);
        Assert.Equal(OnlyNew, PageContents(record, KernelModel.Linux3_16Range, CrashKind.PowerLoss, 0));
    }

    [Fact]
    public void Allows_rejects_content_that_was_never_written_and_names_the_page()
    {
        SimulationRecord record = TwoRewrittenPages(file => file.Flush(0, Page));
        var image = new Dictionary<string, byte[]> { ["f"] = [.. New, .. Filled(0x33)] };
        Assert.False(record.Allows(KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount, 4096, image, out string? reason));
        Assert.Contains("'f' page 1", reason, StringComparison.Ordinal);
        var lostInRange = new Dictionary<string, byte[]> { ["f"] = [.. Old, .. New] };
        Assert.False(record.Allows(KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount, 4096, lostInRange, out reason));
        Assert.Contains("'f' page 0", reason, StringComparison.Ordinal);
        Assert.True(record.Allows(KernelModel.Linux2_6_19To3_15WholeFile, CrashKind.PowerLoss, record.CallCount - 1, 4096, lostInRange, out _));
        var missing = new Dictionary<string, byte[]>();
        Assert.False(record.Allows(KernelModel.Linux3_16Range, CrashKind.PowerLoss, record.CallCount, 4096, missing, out reason));
        Assert.Contains("no directory state", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_names_parse_case_insensitively_and_are_all_distinct()
    {
        Assert.Equal(7, KernelModel.All.Select(m => m.Name).Distinct().Count());
        Assert.True(KernelModel.TryParse("linux3_16range", out KernelModel? model));
        Assert.Same(KernelModel.Linux3_16Range, model);
        Assert.False(KernelModel.TryParse("Linux4", out _));
        Assert.All(KernelModel.All, m => Assert.False(string.IsNullOrWhiteSpace(m.Description)));
        Assert.NotEmpty(BundledScenarios.All);
    }
}
