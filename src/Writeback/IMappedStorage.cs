namespace Writeback;

/// <summary>
/// A directory in which named memory-mapped files live. The same workload runs unchanged against
/// <c>DirectoryStorage</c> (real files) and against the crash simulator's storage.
/// </summary>
/// <remarks>
/// Names are metadata: on POSIX systems a created, deleted or renamed name is durable only after
/// <see cref="FlushDirectory"/> returns (fsync(2) of the directory).
/// </remarks>
public interface IMappedStorage
{
    /// <summary>Opens (or creates, as <paramref name="options"/> says) the file called <paramref name="name"/> and maps it.</summary>
    /// <param name="name">A file name inside this storage; not a path.</param>
    /// <param name="options">How to open and map it; <see langword="null"/> means the defaults.</param>
    /// <returns>The mapped file; the caller disposes it.</returns>
    IMappedFile Open(string name, MappedFileOptions? options = null);

    /// <summary>Returns whether a file called <paramref name="name"/> exists in this storage.</summary>
    /// <param name="name">A file name inside this storage.</param>
    /// <returns><see langword="true"/> when the name exists.</returns>
    bool Exists(string name);

    /// <summary>Removes the name <paramref name="name"/>. The removal is durable only after <see cref="FlushDirectory"/>.</summary>
    /// <param name="name">A file name inside this storage.</param>
    void Delete(string name);

    /// <summary>
    /// Atomically replaces <paramref name="targetName"/> by <paramref name="sourceName"/>, as rename(2).
    /// The new name is durable only after <see cref="FlushDirectory"/>.
    /// </summary>
    /// <param name="sourceName">The existing name.</param>
    /// <param name="targetName">The name it gets; an existing file of that name is replaced.</param>
    void Rename(string sourceName, string targetName);

    /// <summary>
    /// When this method returns without throwing, every name created, deleted or renamed in this
    /// storage before the call is durable (fsync(2) of the directory). It does not make any file's
    /// data durable.
    /// </summary>
    void FlushDirectory();
}
