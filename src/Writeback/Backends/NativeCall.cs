namespace Writeback.Backends;

/// <summary>The calls of <see cref="MappingBackend"/>, for error messages and fault injection.</summary>
internal enum NativeCall
{
    Open,
    SetFileLength,
    GetFileLength,
    Reserve,
    Map,
    SyncRange,
    SyncFile,
    QueryPageCache,
    Advise,
    Lock,
    Unlock,
    Unlink,
    Rename,
    StartWritebackAsync,
    SyncRangeAsync,
    SyncFileAsync,
}
