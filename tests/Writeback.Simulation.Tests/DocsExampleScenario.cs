using System.Buffers.Binary;
using Writeback;
using Writeback.Simulation;

namespace MyApp;

/// <summary>
/// A log whose header page (page 0) holds the committed record count. To commit a record it writes
/// the record, flushes the header page as a "barrier", updates the count and flushes the header
/// page again. That is correct only while a range flush syncs the whole file (Linux 2.6.19 to
/// 3.15); since 3.16 the header can reach the disk while the record it counts does not.
/// Uses only the public API, so it builds against the Writeback.Simulation package as it is.
/// </summary>
public sealed class HeaderBarrierLog : ICrashScenario
{
    private const string FileName = "barrier.bin";
    private const int PageBytes = 4096;
    private const int RecordBytes = 512;
    private const int RecordCount = 12;

    /// <inheritdoc/>
    public string Name => "header-barrier-log";

    /// <inheritdoc/>
    public void Run(IMappedStorage storage, Acknowledgements acknowledged)
    {
        using IMappedFile file = storage.Open(FileName, new MappedFileOptions
        {
            Mode = FileMode.CreateNew,
            Length = PageBytes + ((RecordCount * RecordBytes) + PageBytes - 1) / PageBytes * PageBytes,
        });
        file.FlushFile();
        storage.FlushDirectory();
        for (int sequence = 1; sequence <= RecordCount; sequence++)
        {
            file.Write(RecordOffset(sequence), Record(sequence));
            file.Flush(0, PageBytes);                  // the "barrier": whole-file before 3.16, header page only since
            byte[] header = new byte[16];
            BinaryPrimitives.WriteInt64LittleEndian(header, sequence);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), Fnv1a(header.AsSpan(0, 8)));
            file.Write(0, header);
            file.Flush(0, PageBytes);                  // commit: the header now counts the record
            acknowledged.Add(sequence);
        }
    }

    /// <inheritdoc/>
    public CheckResult Check(IMappedStorage recovered, CrashContext context)
    {
        long acknowledged = context.Acknowledged.Count == 0 ? 0 : context.Acknowledged[^1];
        if (!recovered.Exists(FileName))
        {
            return acknowledged == 0 ? CheckResult.Ok : CheckResult.Fail($"{FileName} is missing, but {Records(acknowledged)} had been acknowledged");
        }

        using IMappedFile file = recovered.Open(FileName, new MappedFileOptions { Mode = FileMode.Open, Access = FileAccess.Read });
        if (file.Length < PageBytes)
        {
            // Created, but its length never became durable: recovery starts an empty log.
            return acknowledged == 0 ? CheckResult.Ok : CheckResult.Fail($"{FileName} is {file.Length} bytes long");
        }

        ReadOnlySpan<byte> header = file.GetReadOnlySpan(0, 16);
        long count = BinaryPrimitives.ReadInt64LittleEndian(header);
        if (count != 0 && BinaryPrimitives.ReadUInt64LittleEndian(header[8..]) != Fnv1a(header[..8]))
        {
            return CheckResult.Fail("the header page is corrupt");
        }

        for (int sequence = 1; sequence <= count; sequence++)
        {
            if (RecordOffset(sequence) + RecordBytes > file.Length
                || !file.GetReadOnlySpan(RecordOffset(sequence), RecordBytes).SequenceEqual(Record(sequence)))
            {
                return CheckResult.Fail($"the header commits {Records(count)} but record {sequence} is not on disk");
            }
        }

        return count >= acknowledged ? CheckResult.Ok : CheckResult.Fail($"{Records(acknowledged)} had been acknowledged but the header commits {count}");
    }

    /// <summary>"1 record", "2 records": a message's count with its noun agreeing.</summary>
    private static string Records(long count) => count == 1 ? "1 record" : $"{count} records";

    private static long RecordOffset(int sequence) => PageBytes + (long)(sequence - 1) * RecordBytes;

    /// <summary>Record <paramref name="sequence"/>: its number, then bytes derived from it (never all zeros).</summary>
    private static byte[] Record(int sequence)
    {
        byte[] record = new byte[RecordBytes];
        for (int i = 0; i < record.Length; i++)
        {
            record[i] = (byte)(((sequence * 31) + i) | 1);
        }

        BinaryPrimitives.WriteInt32LittleEndian(record, sequence);
        return record;
    }

    /// <summary>64-bit FNV-1a: enough to tell a torn or stale header from a written one.</summary>
    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return hash;
    }
}
