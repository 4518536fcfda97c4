using System.Buffers.Binary;
using System.Globalization;

namespace Writeback.Simulation.Examples;

/// <summary>
/// An append-only log of fixed-size checksummed records in a preallocated file: the shape of a
/// write-ahead log. Each record is written, committed (<see cref="LogCommit"/>), then acknowledged.
/// Recovery scans records until the first zero or corrupt one; every acknowledged record must be
/// among the recovered ones.
/// </summary>
/// <remarks>
/// Record layout, 32 bytes: <c>u32 payloadLength (16)</c>, <c>u32 sequence</c> (1-based),
/// <c>u64 checksum</c> of sequence and payload, 16 bytes of payload.
/// </remarks>
public sealed class ChecksummedLogScenario : ICrashScenario
{
    /// <summary>The size of one record in bytes.</summary>
    public const int RecordBytes = 32;
    private const int PayloadBytes = 16;
    private const int HeaderBytes = 16;

    /// <summary>Creates the scenario.</summary>
    /// <param name="name">The scenario's name.</param>
    /// <param name="fileName">The log's file name.</param>
    /// <param name="recordCount">How many records to append.</param>
    /// <param name="commit">How each record is committed before it is acknowledged.</param>
    /// <param name="flushDirectoryAfterCreate">Whether the new file's name is made durable with <see cref="IMappedStorage.FlushDirectory"/>.</param>
    public ChecksummedLogScenario(string name, string fileName, int recordCount, LogCommit commit, bool flushDirectoryAfterCreate)
        : this(name, fileName, recordCount, commit, flushDirectoryAfterCreate, FlushFailureHandling.Stop)
    {
    }

    /// <summary>Creates the scenario with a way of handling failed durability calls.</summary>
    /// <param name="name">The scenario's name.</param>
    /// <param name="fileName">The log's file name.</param>
    /// <param name="recordCount">How many records to append.</param>
    /// <param name="commit">How each record is committed before it is acknowledged.</param>
    /// <param name="flushDirectoryAfterCreate">Whether the new file's name is made durable with <see cref="IMappedStorage.FlushDirectory"/>.</param>
    /// <param name="onFlushFailure">What the program does when a durability call throws <see cref="WritebackException"/>.</param>
    public ChecksummedLogScenario(string name, string fileName, int recordCount, LogCommit commit, bool flushDirectoryAfterCreate,
                                  FlushFailureHandling onFlushFailure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recordCount, 1);
        Name = name;
        FileName = fileName;
        RecordCount = recordCount;
        Commit = commit;
        FlushDirectoryAfterCreate = flushDirectoryAfterCreate;
        OnFlushFailure = onFlushFailure;
    }

    /// <summary>What the program does when a durability call fails.</summary>
    public FlushFailureHandling OnFlushFailure { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The log's file name.</summary>
    public string FileName { get; }

    /// <summary>How many records the workload appends.</summary>
    public int RecordCount { get; }

    /// <summary>How each record is committed.</summary>
    public LogCommit Commit { get; }

    /// <summary>Whether the file's name is made durable after creation.</summary>
    public bool FlushDirectoryAfterCreate { get; }

    /// <inheritdoc/>
    public void Run(IMappedStorage storage, Acknowledgements acknowledged)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(acknowledged);
        long capacityBytes = ((long)RecordCount * RecordBytes + 4095) / 4096 * 4096;
        IMappedFile file = storage.Open(FileName, new MappedFileOptions { Mode = FileMode.CreateNew, Length = capacityBytes });
        try
        {
            Durably(storage, ref file, f => f.FlushFile());  // the preallocated length is durable
            if (FlushDirectoryAfterCreate)
            {
                Durably(storage, ref file, _ => storage.FlushDirectory()); // and so is the name
            }
            byte[] record = new byte[RecordBytes];
            for (int sequence = 1; sequence <= RecordCount; sequence++)
            {
                Encode(sequence, record);
                long offsetBytes = (long)(sequence - 1) * RecordBytes;
                file.Write(offsetBytes, record);
                if (Commit == LogCommit.FlushRange)
                {
                    Durably(storage, ref file, f => f.Flush(offsetBytes, RecordBytes));
                }
                else
                {
                    file.StartWriteback(offsetBytes, RecordBytes);
                }
                acknowledged.Add(sequence);
            }
        }
        finally
        {
            file.Dispose();
        }
    }

    /// <summary>Runs a durability call; on failure stops (rethrows) or reopens the poisoned file and runs it once more.</summary>
    private void Durably(IMappedStorage storage, ref IMappedFile file, Action<IMappedFile> call)
    {
        try
        {
            call(file);
        }
        catch (WritebackException) when (OnFlushFailure == FlushFailureHandling.ReopenAndRetry)
        {
            file.Dispose();
            file = storage.Open(FileName, new MappedFileOptions { Mode = FileMode.Open });
            call(file);
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
        int recoveredCount = Recover(file.GetReadOnlySpan(0, (int)file.Length), out string? corruption);
        return corruption is not null ? CheckResult.Fail(corruption) : ScenarioCodec.RecoveredAllAcknowledged(recoveredCount, acknowledgedCount);
    }

    /// <summary>Scans records until the first empty or corrupt one; reports a valid record in the wrong slot.</summary>
    private static int Recover(ReadOnlySpan<byte> log, out string? corruption)
    {
        corruption = null;
        int count = 0;
        while ((count + 1) * RecordBytes <= log.Length)
        {
            ReadOnlySpan<byte> record = log.Slice(count * RecordBytes, RecordBytes);
            uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(record);
            uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(record[4..]);
            if (payloadLength != PayloadBytes
                || BinaryPrimitives.ReadUInt64LittleEndian(record[8..]) != ScenarioCodec.Checksum(record[HeaderBytes..], sequence))
            {
                return count; // the end of the log, or a torn tail: recovery stops here
            }
            if (sequence != count + 1)
            {
                corruption = string.Create(CultureInfo.InvariantCulture, $"slot {count} holds a valid record with sequence {sequence}");
                return count;
            }
            count++;
        }
        return count;
    }

    private static void Encode(int sequence, Span<byte> record)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record, PayloadBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)sequence);
        ScenarioCodec.FillPayload(sequence, record[HeaderBytes..]);
        BinaryPrimitives.WriteUInt64LittleEndian(record[8..], ScenarioCodec.Checksum(record[HeaderBytes..], (uint)sequence));
    }
}
