namespace Writeback.Simulation.Examples;

/// <summary>The example programs shipped with the simulator, each with its documented verdicts.</summary>
/// <remarks>
/// Every scenario passes a <see cref="CrashKind.ProcessCrash"/>: the page cache survives it. The
/// other verdicts follow from what each <see cref="KernelModel"/> guarantees; each entry's
/// <see cref="BundledScenario.Why"/> says which guarantee decides.
/// </remarks>
public static class BundledScenarios
{
    /// <summary>A correct write-ahead log of checksummed records, each flushed (range) before it is acknowledged.</summary>
    public static BundledScenario WriteAheadLog { get; } = new(
        new ChecksummedLogScenario("write-ahead-log", "wal.bin", 24, LogCommit.FlushRange, flushDirectoryAfterCreate: true),
        "A write-ahead log: checksummed records appended to a preallocated file, each flushed with Flush(offset, length) before it is acknowledged.",
        "Correct wherever a range flush is durable. WindowsFlushViewOnly only starts the writes (fails kernel crash and power loss); macOS msync and FreeBSD partial-range msync reach the drive cache, not stable media (fail power loss).",
        WriteAheadLogVerdict);

    /// <summary>A log that flushes only its header page as a barrier, relying on pre-3.16 whole-file msync.</summary>
    public static BundledScenario HeaderBarrier { get; } = new(
        new HeaderBarrierScenario(),
        "A log that flushes only its header page as a \"barrier\" before and after updating the committed count, relying on msync syncing the whole file.",
        "Correct only where a range flush syncs the whole file (Linux 2.6.19-3.15). Everywhere else the header can reach the disk while the record it counts does not.",
        (model, kind, _) => kind == CrashKind.ProcessCrash || model == KernelModel.Linux2_6_19To3_15WholeFile);

    /// <summary>A log that acknowledges a record once its writeback has started.</summary>
    public static BundledScenario StartWritebackAck { get; } = new(
        new ChecksummedLogScenario("start-writeback-ack", "queue.bin", 8, LogCommit.StartWritebackOnly, flushDirectoryAfterCreate: true),
        "The write-ahead log again, but each record is acknowledged after StartWriteback (sync_file_range WRITE / MS_ASYNC that starts I/O) only.",
        "Starting I/O guarantees nothing under any model, the 2012 MS_ASYNC proposal included: an acknowledged record may be lost at a kernel crash or power loss.",
        (_, kind, _) => kind == CrashKind.ProcessCrash);

    /// <summary>A length-prefixed log without checksums.</summary>
    public static BundledScenario LengthPrefixedLog { get; } = new(
        new LengthPrefixedLogScenario(),
        "A log of length-prefixed records without checksums, each flushed before it is acknowledged; records never cross a page.",
        "Whole pages are written atomically with a 4096-byte unit, so recovery never sees half a record; with 512-byte sectors a page tears between a record's length and its payload at power loss and recovery accepts bytes never written. Otherwise it fails where a range flush is not durable, as the write-ahead log does.",
        (model, kind, atomicWriteBytes) => kind switch
        {
            CrashKind.ProcessCrash => true,
            CrashKind.KernelCrash => model != KernelModel.WindowsFlushViewOnly,
            _ => atomicWriteBytes >= 4096
                 && !IsAnyOf(model, KernelModel.WindowsFlushViewOnly, KernelModel.MacOsMsyncWithoutFullFsync, KernelModel.FreeBsd),
        });

    /// <summary>An LMDB-like pair of checksummed meta pages over copy-on-write data pages.</summary>
    public static BundledScenario DualMetaPages { get; } = new(
        new DualMetaPagesScenario(),
        "An LMDB-like store: copy-on-write data pages made durable with FlushFile, then the older of two checksummed meta pages, then FlushFile again.",
        "Correct everywhere: FlushFile is durable under every model, and a torn or lost meta page is rejected by its checksum while the other still names durable data.",
        (_, _, _) => true);

    /// <summary>A file whose creation is never made durable.</summary>
    public static BundledScenario MissingDirectoryFlush { get; } = new(
        new ChecksummedLogScenario("missing-directory-flush", "fresh.bin", 8, LogCommit.FlushRange, flushDirectoryAfterCreate: false),
        "The write-ahead log, creating its file without FlushDirectory: every record is flushed, the file's name never is.",
        "A new name is durable only after the directory is flushed (strict POSIX; ALICE's most common finding): after a kernel crash or power loss the whole file, with every acknowledged record, can be gone.",
        (_, kind, _) => kind == CrashKind.ProcessCrash);

    /// <summary>The write-ahead log, explored with each durability call failing in turn; it stops at the first failure.</summary>
    public static BundledScenario FlushFailureStop { get; } = new(
        new ChecksummedLogScenario("flush-failure-stop", "stop.bin", 4, LogCommit.FlushRange, flushDirectoryAfterCreate: true, FlushFailureHandling.Stop),
        "The write-ahead log under storage faults (each durability call in turn fails with EIO): on a failed flush it acknowledges nothing more and stops.",
        "Fail-stop is correct: nothing is acknowledged that a failed flush was to make durable, so the verdicts are the write-ahead log's.",
        WriteAheadLogVerdict,
        new StorageFaults { EachInTurn = true, Errno = InjectedErrno.EIO });

    /// <summary>The write-ahead log, explored with each durability call failing in turn; it reopens the file, flushes again and acknowledges.</summary>
    public static BundledScenario FlushFailureRetry { get; } = new(
        new ChecksummedLogScenario("flush-failure-retry", "retry.bin", 4, LogCommit.FlushRange, flushDirectoryAfterCreate: true, FlushFailureHandling.ReopenAndRetry),
        "The write-ahead log under storage faults (each durability call in turn fails with EIO): on a failed flush it reopens the poisoned file, flushes again and, that succeeding, acknowledges.",
        "PostgreSQL's fsyncgate: after a failed writeback the kernel marks the pages clean, so the retry succeeds without writing them and the acknowledged record can be lost at a kernel crash or power loss, under every model.",
        (_, kind, _) => kind == CrashKind.ProcessCrash,
        new StorageFaults { EachInTurn = true, Errno = InjectedErrno.EIO });

    /// <summary>Every bundled scenario, in the order above.</summary>
    public static IReadOnlyList<BundledScenario> All { get; } =
        [WriteAheadLog, HeaderBarrier, StartWritebackAck, LengthPrefixedLog, DualMetaPages, MissingDirectoryFlush, FlushFailureStop, FlushFailureRetry];

    /// <summary>
    /// The documented verdicts of every bundled scenario as Markdown: one table per scenario, one
    /// row per model, one column per crash kind (power loss with 4096- and 512-byte atomic units).
    /// <c>docs/crash-testing.md</c> embeds this text; a test keeps the two equal.
    /// </summary>
    /// <returns>Markdown text ending with a newline.</returns>
    public static string VerdictMatrixMarkdown()
    {
        var text = new System.Text.StringBuilder();
        foreach (BundledScenario bundled in All)
        {
            text.Append("### `").Append(bundled.Scenario.Name).Append("`\n\n")
                .Append(bundled.Summary).Append("\n\n");
            if (bundled.Faults is { } faults)
            {
                text.Append("Explored with storage faults: ").Append(faults).Append(" (`--fail-each-durability-call`).\n\n");
            }
            text
                .Append(bundled.Why).Append("\n\n")
                .Append("| model | ProcessCrash | KernelCrash | PowerLoss, 4096-byte unit | PowerLoss, 512-byte unit |\n")
                .Append("|---|---|---|---|---|\n");
            foreach (KernelModel model in KernelModel.All)
            {
                text.Append("| `").Append(model.Name).Append("` | ")
                    .Append(Verdict(bundled, model, CrashKind.ProcessCrash, 4096)).Append(" | ")
                    .Append(Verdict(bundled, model, CrashKind.KernelCrash, 4096)).Append(" | ")
                    .Append(Verdict(bundled, model, CrashKind.PowerLoss, 4096)).Append(" | ")
                    .Append(Verdict(bundled, model, CrashKind.PowerLoss, 512)).Append(" |\n");
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Verdict(BundledScenario bundled, KernelModel model, CrashKind kind, int atomicWriteBytes) =>
        bundled.ExpectedToPass(model, kind, atomicWriteBytes) ? "pass" : "**fails**";

    /// <summary>Where a correctly flushed log passes: wherever a range flush is durable.</summary>
    private static bool WriteAheadLogVerdict(KernelModel model, CrashKind kind, int atomicWriteBytes) => kind switch
    {
        CrashKind.ProcessCrash => true,
        CrashKind.KernelCrash => model != KernelModel.WindowsFlushViewOnly,
        _ => !IsAnyOf(model, KernelModel.WindowsFlushViewOnly, KernelModel.MacOsMsyncWithoutFullFsync, KernelModel.FreeBsd),
    };

    private static bool IsAnyOf(KernelModel model, params ReadOnlySpan<KernelModel> models) => models.Contains(model);
}
