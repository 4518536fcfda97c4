using System.Buffers.Binary;
using System.Globalization;

namespace Writeback.Simulation.Examples;

/// <summary>
/// A log of variable-length records, each a <c>u32</c> length followed by the payload, with no
/// checksum. Records never cross a page boundary (a record that does not fit starts the next page;
/// recovery skips a zero length that is not at a page start). Each record is flushed, then
/// acknowledged. With whole pages atomic it is correct wherever range flushes are durable; with
/// 512-byte sectors a page can tear between a record's length and its payload, and recovery, having
/// no checksum, accepts bytes the program never wrote.
/// </summary>
public sealed class LengthPrefixedLogScenario : ICrashScenario
{
    private const string FileName = "records.log";
    private const int PageBytes = 4096;

    /// <summary>Creates the scenario.</summary>
    /// <param name="recordCount">How many records to append.</param>
    public LengthPrefixedLogScenario(int recordCount = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recordCount, 1);
        RecordCount = recordCount;
    }

    /// <summary>How many records the workload appends.</summary>
    public int RecordCount { get; }

    /// <inheritdoc/>
    public string Name => "length-prefixed-log";

    /// <summary>The payload length of record <paramref name="sequence"/>: 150 to 349 bytes, a multiple of 4.</summary>
    private static int PayloadBytes(int sequence) => 150 + (sequence * 53 % 200) / 4 * 4 + 2;

    /// <inheritdoc/>
    public void Run(IMappedStorage storage, Acknowledgements acknowledged)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(acknowledged);
        using IMappedFile file = storage.Open(FileName, new MappedFileOptions { Mode = FileMode.CreateNew, Length = CapacityBytes() });
        file.FlushFile();
        storage.FlushDirectory();
        long offsetBytes = 0L;
        byte[] record = new byte[4 + 400];
        for (int sequence = 1; sequence <= RecordCount; sequence++)
        {
            int recordBytes = Encode(sequence, record);
            offsetBytes = Place(offsetBytes, recordBytes);
            file.Write(offsetBytes, record.AsSpan(0, recordBytes));
            file.Flush(offsetBytes, recordBytes);
            acknowledged.Add(sequence);
            offsetBytes += recordBytes;
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
        byte[] expected = new byte[4 + 400];
        long offsetBytes = 0L;
        int count = 0;
        while (offsetBytes + 4 <= file.Length)
        {
            long payloadBytes = (long)BinaryPrimitives.ReadUInt32LittleEndian(file.GetReadOnlySpan(offsetBytes, 4));
            if (payloadBytes == 0)
            {
                if (offsetBytes % PageBytes == 0)
                {
                    break;                                    // end of the log
                }
                offsetBytes = (offsetBytes / PageBytes + 1) * PageBytes;   // the rest of this page is padding
                continue;
            }
            if (offsetBytes + 4 + payloadBytes > file.Length)
            {
                break;
            }
            count++;
            int expectedBytes = count <= RecordCount ? Encode(count, expected) : 0;
            if (expectedBytes != 4 + payloadBytes || !file.GetReadOnlySpan(offsetBytes, expectedBytes).SequenceEqual(expected.AsSpan(0, expectedBytes)))
            {
                return CheckResult.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"recovery accepted record {count} at offset {offsetBytes} ({payloadBytes} bytes) that the program never wrote: no checksum rejects a torn record"));
            }
            offsetBytes += 4 + payloadBytes;
        }
        return ScenarioCodec.RecoveredAllAcknowledged(count, acknowledgedCount);
    }

    private long CapacityBytes()
    {
        long offsetBytes = 0L;
        for (int sequence = 1; sequence <= RecordCount; sequence++)
        {
            offsetBytes = Place(offsetBytes, 4 + PayloadBytes(sequence)) + 4 + PayloadBytes(sequence);
        }
        return (offsetBytes / PageBytes + 1) * PageBytes;
    }

    /// <summary>Where a record of <paramref name="recordBytes"/> goes: at <paramref name="offsetBytes"/>, or at the next page if it would cross one.</summary>
    private static long Place(long offsetBytes, int recordBytes) =>
        offsetBytes % PageBytes + recordBytes > PageBytes ? (offsetBytes / PageBytes + 1) * PageBytes : offsetBytes;

    private static int Encode(int sequence, Span<byte> record)
    {
        int payloadBytes = PayloadBytes(sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payloadBytes);
        ScenarioCodec.FillPayload(sequence, record.Slice(4, payloadBytes));
        return 4 + payloadBytes;
    }
}
