namespace Writeback.Simulation;

/// <summary>
/// The durability calls a <see cref="KernelModel"/> states an effect for: every call the simulator
/// replays. Library calls map onto them (<c>Flush(offset, length)</c> and <c>FlushAsync</c> are
/// <see cref="MsyncRangeSync"/>, <c>Flush()</c> <see cref="MsyncWholeSync"/>, <c>FlushFile()</c>
/// <see cref="Fsync"/>, <c>StartWriteback</c> <see cref="SyncFileRangeWrite"/>, <c>FlushDirectory</c>
/// <see cref="DirectoryFsync"/>); a traced program's calls map one to one. In a model file each is
/// the member name with a lower-case first letter (<c>msyncRangeSync</c>, <c>oDsyncWrite</c>).
/// </summary>
public enum ModelCall
{
    /// <summary><c>msync(MS_SYNC)</c> of part of a mapping.</summary>
    MsyncRangeSync,

    /// <summary><c>msync(MS_SYNC)</c> of a whole mapping.</summary>
    MsyncWholeSync,

    /// <summary><c>msync(MS_ASYNC)</c> of part of a mapping.</summary>
    MsyncRangeAsync,

    /// <summary><c>msync(MS_ASYNC)</c> of a whole mapping.</summary>
    MsyncWholeAsync,

    /// <summary><c>fsync</c> of a file.</summary>
    Fsync,

    /// <summary><c>fdatasync</c> of a file.</summary>
    Fdatasync,

    /// <summary><c>sync_file_range</c> with <c>SYNC_FILE_RANGE_WRITE</c> and without <c>SYNC_FILE_RANGE_WAIT_AFTER</c>.</summary>
    SyncFileRangeWrite,

    /// <summary><c>sync_file_range</c> with <c>SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER</c> (with or without <c>WAIT_BEFORE</c>).</summary>
    SyncFileRangeWriteAndWait,

    /// <summary><c>sync_file_range</c> with wait flags only (no <c>SYNC_FILE_RANGE_WRITE</c>).</summary>
    SyncFileRangeWait,

    /// <summary>A write on a file opened with <c>O_DSYNC</c>, or <c>pwritev2</c> with <c>RWF_DSYNC</c>: the written range.</summary>
    ODsyncWrite,

    /// <summary>A write on a file opened with <c>O_SYNC</c>, or <c>pwritev2</c> with <c>RWF_SYNC</c>: the written range.</summary>
    OSyncWrite,

    /// <summary><c>fsync</c> (or <c>fdatasync</c>) of a directory: its entries.</summary>
    DirectoryFsync,

    /// <summary><c>sync</c> or <c>syncfs</c>: every file and every directory.</summary>
    Sync,
}

/// <summary>Which data a durability call covers.</summary>
public enum CallCoverage
{
    /// <summary>The range the call was given (page-rounded). In a model file: <c>"range"</c>.</summary>
    Range,

    /// <summary>Every page of the file, whatever range the call was given. In a model file: <c>"wholeFile"</c>.</summary>
    WholeFile,
}
