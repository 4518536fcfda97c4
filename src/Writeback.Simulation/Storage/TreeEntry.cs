namespace Writeback.Simulation.Storage;

/// <summary>
/// One name in one directory of a directory state with subdirectories: the directory it is in
/// (0 is the root), its name there, and the file or the directory it names. Durability is per
/// directory, and a renamed directory keeps its id, so crash images are assembled from these.
/// </summary>
/// <param name="Parent">The id of the directory holding the name.</param>
/// <param name="Name">The name within that directory (no '/').</param>
/// <param name="InodeId">The file's id, or <see cref="MemoryStorage.DirectoryEntryId"/> for a directory.</param>
/// <param name="DirectoryId">The directory's id, or -1 for a file.</param>
internal readonly record struct TreeEntry(int Parent, string Name, int InodeId, int DirectoryId);
