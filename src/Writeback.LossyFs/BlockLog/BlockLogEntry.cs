namespace Writeback.LossyFs.BlockLog;

/// <summary>What one block-log record says happened.</summary>
public enum BlockLogEntryKind : byte
{
    /// <summary>A write of <see cref="BlockLogEntry.LengthBytes"/> bytes at <see cref="BlockLogEntry.OffsetBytes"/>; its bytes are in the log.</summary>
    Write = 1,

    /// <summary>A range that now reads as zeros (a discard or write-zeroes, arriving as fallocate(PUNCH_HOLE or ZERO_RANGE)).</summary>
    Zero = 2,

    /// <summary>A device cache flush (the loop driver's REQ_PREFLUSH, arriving as fsync or fdatasync of the image file).</summary>
    Flush = 3,

    /// <summary>Bytes the program under test wrote to standard output at this point (its acknowledgements).</summary>
    Output = 4,

    /// <summary>A point the runner marked, e.g. the start of the program under test.</summary>
    Marker = 5,
}

/// <summary>One record of a block log, in arrival order.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="OffsetBytes">Device offset of a write or zeroed range; 0 otherwise.</param>
/// <param name="LengthBytes">Bytes written or zeroed, or the length of an output chunk; 0 for a flush or marker.</param>
/// <param name="DataPosition">Where the record's bytes start in the log file (writes and outputs), else -1.</param>
public readonly record struct BlockLogEntry(BlockLogEntryKind Kind, long OffsetBytes, long LengthBytes, long DataPosition)
{
    /// <summary>Whether the record changes the device's contents (a write or a zeroed range).</summary>
    public bool ChangesData => Kind is BlockLogEntryKind.Write or BlockLogEntryKind.Zero;
}
