namespace Writeback.Simulation;

/// <summary>
/// An <see cref="IMappedStorage"/> whose names may lie in subdirectories: names are '/'-separated
/// paths relative to the storage's root, without '.', '..' or empty parts, and each directory's
/// entries become durable only when that directory is flushed (strict POSIX). The simulator's
/// storages implement it (<see cref="SimulatedStorage"/> while recording, and the storage a
/// checker receives for a post-crash image); a scenario that needs directories casts to it.
/// </summary>
public interface ISubdirectoryStorage : IMappedStorage
{
    /// <summary>mkdir(2): creates an empty directory whose parent exists.</summary>
    /// <param name="path">The new directory's path.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not a valid path.</exception>
    /// <exception cref="WritebackException">The parent does not exist (ENOENT), or the name is taken (EEXIST).</exception>
    void CreateDirectory(string path);

    /// <summary>rmdir(2): removes an empty directory.</summary>
    /// <param name="path">The directory's path.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not a valid path.</exception>
    /// <exception cref="WritebackException">No such directory (ENOENT), or it is not empty (ENOTEMPTY).</exception>
    void RemoveDirectory(string path);

    /// <summary>
    /// fsync(2) of one directory: makes durable the entries in it (names created, removed or renamed
    /// there), not those of its subdirectories, nor its own name in its parent.
    /// </summary>
    /// <param name="path">The directory's path; "" is the root (as <see cref="IMappedStorage.FlushDirectory()"/>).</param>
    /// <exception cref="WritebackException">No such directory (ENOENT), or an injected fault.</exception>
    void FlushDirectory(string path);

    /// <summary>Whether <paramref name="path"/> names a directory ("" is the root).</summary>
    /// <param name="path">The path.</param>
    /// <returns>True for a directory.</returns>
    bool DirectoryExists(string path);

    /// <summary>The entries of a directory: the names (last path component) of its files and subdirectories, in ordinal order.</summary>
    /// <param name="path">The directory's path; "" is the root.</param>
    /// <returns>The entry names.</returns>
    /// <exception cref="WritebackException">No such directory (ENOENT).</exception>
    IReadOnlyList<string> ListDirectory(string path);
}
