using System.Buffers.Binary;
using System.Globalization;
using Writeback.Formatting;

namespace Writeback.Simulation.Examples;

/// <summary>
/// A log whose header page (page 0) holds the committed record count. To commit a record the
/// program writes it to the data pages, flushes ONLY the header page as a "barrier" (before Linux
/// 3.16 <c>msync</c> of any range synced the whole file, so this pushed the record out), then writes
/// the new count into the header and flushes the header page again. Correct on Linux 2.6.19 to
/// 3.15; since 3.16 (range-only msync) the header can reach the disk without the record it counts.
/// </summary>
public sealed class HeaderBarrierScenario : ICrashScenario
{
    private const int RecordBytes = 512;
    private const string FileName = "barrier.bin";
    private const int PageBytes = 4096;

    /// <summary>Creates the scenario.</summary>
    /// <param name="recordCount">How many records to commit.</param>
    public HeaderBarrierScenario(int recordCount = 12)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recordCount, 1);
        RecordCount = recordCount;
    }

    /// <summary>How many records the workload commits.</summary>
    public int RecordCount { get; }

    /// <inheritdoc/>
    public string Name => "header-barrier";

    /// <inheritdoc/>
    public void Run(IMappedStorage storage, Acknowledgements acknowledged)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(acknowledged);
        long dataBytes = ((long)RecordCount * RecordBytes + PageBytes - 1) / PageBytes * PageBytes;
        using IMappedFile file = storage.Open(FileName, new MappedFileOptions { Mode = FileMode.CreateNew, Length = PageBytes + dataBytes });
        file.FlushFile();
        storage.FlushDirectory();
        Span<byte> record = stackalloc byte[RecordBytes];
        Span<byte> header = stackalloc byte[16];
        for (int sequence = 1; sequence <= RecordCount; sequence++)
        {
            EncodeRecord(sequence, record);
            file.Write(PageBytes + (long)(sequence - 1) * RecordBytes, record);
            file.Flush(0, PageBytes);                  // the "barrier": whole-file before 3.16, header page only since
            BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)sequence);
            BinaryPrimitives.WriteUInt64LittleEndian(header[8..], ScenarioCodec.Checksum(header[..8], 0x4844));
            file.Write(0, header);
            file.Flush(0, PageBytes);                  // commit: the header now counts the record
            acknowledged.Add(sequence);
        }
    }

    /// <inheritdoc/>
    public CheckResult Check(IMappedStorage recovered, CrashContext context)
    {
        if (ScenarioCodec.OpenSurvivor(recovered, context, FileName, "record", out IMappedFile? survivor, out long acknowledgedCount) is { } verdict)
        {
            return verdict;
        }
        using IMappedFile file = survivor!;
        if (file.Length < PageBytes)
        {
            // Created but its length never became durable: recovery starts an empty log.
            return acknowledgedCount == 0 ? CheckResult.Ok
                : CheckResult.Fail(string.Create(CultureInfo.InvariantCulture, $"{FileName} is {Counted.Of(file.Length, "byte")} long, but {Counted.Of(acknowledgedCount, "record")} {(acknowledgedCount == 1 ? "was" : "were")} acknowledged"));
        }
        ReadOnlySpan<byte> header = file.GetReadOnlySpan(0, 16);
        long count = (long)BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (count != 0 && BinaryPrimitives.ReadUInt64LittleEndian(header[8..]) != ScenarioCodec.Checksum(header[..8], 0x4844))
        {
            return CheckResult.Fail("the header page is corrupt");
        }
        Span<byte> expected = stackalloc byte[RecordBytes];
        for (int sequence = 1; sequence <= count; sequence++)
        {
            long offsetBytes = PageBytes + (long)(sequence - 1) * RecordBytes;
            EncodeRecord(sequence, expected);
            if (offsetBytes + RecordBytes > file.Length || !file.GetReadOnlySpan(offsetBytes, RecordBytes).SequenceEqual(expected))
            {
                return CheckResult.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"the header commits {Counted.Of(count, "record")} but record {sequence} (page {offsetBytes / PageBytes}) is not on disk"));
            }
        }
        return count >= acknowledgedCount ? CheckResult.Ok
            : CheckResult.Fail(string.Create(CultureInfo.InvariantCulture, $"{Counted.Of(acknowledgedCount, "record")} {(acknowledgedCount == 1 ? "was" : "were")} acknowledged but the header commits {count}"));
    }

    private static void EncodeRecord(int sequence, Span<byte> record)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)sequence);
        ScenarioCodec.FillPayload(sequence, record[4..]);
    }
}
