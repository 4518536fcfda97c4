namespace Writeback.Backends;

/// <summary>What a request handed to the durability engine does.</summary>
internal enum AsyncOperation
{
    /// <summary>Start writeback of the range's dirty pages; wait for nothing (sync_file_range(SYNC_FILE_RANGE_WRITE)).</summary>
    StartWriteback,

    /// <summary>Make the range's data durable, as msync(MS_SYNC) does (a range data sync).</summary>
    SyncRange,

    /// <summary>Make all of the file's data and metadata durable (fsync).</summary>
    SyncFile,
}
