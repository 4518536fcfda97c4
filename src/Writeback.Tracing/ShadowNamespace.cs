namespace Writeback.Tracing;

/// <summary>
/// The names under the traced directory as one side believes them to be: files by path (relative
/// to the directory, <c>/</c> between components) and directories. The recorder keeps one with its
/// shadow files, the replay one with the storage's open files, and the set of every path a file has
/// is computed with one too; renames (a directory carries everything under it, a file replaces its
/// target) are worked out here and nowhere else.
/// </summary>
/// <typeparam name="TFile">What each side keeps per file.</typeparam>
internal sealed class ShadowNamespace<TFile>
    where TFile : class
{
    /// <summary>The files, by path.</summary>
    private readonly Dictionary<string, TFile> _files = new(StringComparer.Ordinal);

    /// <summary>The directories, by path; "." is the traced directory itself.</summary>
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "." };

    /// <summary>Called with a file and its new path when a rename moves it, and with null when a rename replaces it.</summary>
    public Action<TFile, string?>? Moved { get; init; }

    /// <summary>The files, by path.</summary>
    public IReadOnlyDictionary<string, TFile> Files => _files;

    /// <summary>The directories below the traced directory (without "."), in no particular order.</summary>
    public IEnumerable<string> Subdirectories => _directories.Where(d => d != ".");

    /// <summary>Whether <paramref name="path"/> names a directory ("." is the traced directory).</summary>
    public bool IsDirectory(string path) => _directories.Contains(path);

    /// <summary>The file at <paramref name="path"/>, or null.</summary>
    public TFile? File(string path) => _files.GetValueOrDefault(path);

    /// <summary>Adds a file (a create), replacing nothing: the caller knows the name was free.</summary>
    public void AddFile(string path, TFile file) => _files.Add(path, file);

    /// <summary>Removes the file at <paramref name="path"/> (an unlink), returning it, or null when there was none.</summary>
    public TFile? RemoveFile(string path) => _files.Remove(path, out TFile? file) ? file : null;

    /// <summary>Another path of the same file (a hard link), or null when it has none.</summary>
    public string? PathOf(TFile file) => _files.FirstOrDefault(pair => ReferenceEquals(pair.Value, file)).Key;

    /// <summary>Adds a directory (mkdir).</summary>
    public void AddDirectory(string path) => _directories.Add(path);

    /// <summary>Removes a directory (rmdir); false when it was not known.</summary>
    public bool RemoveDirectory(string path) => path != "." && _directories.Remove(path);

    /// <summary>
    /// rename(source, target): a file at the target is replaced (<see cref="Moved"/> with null), an
    /// empty directory at the target is replaced, and the file or directory at the source moves with
    /// everything under it.
    /// </summary>
    public void Rename(string source, string target)
    {
        if (_files.Remove(target, out TFile? replaced))
        {
            Moved?.Invoke(replaced, null);
        }
        _directories.Remove(target);
        foreach (string path in Under(_files.Keys, source))
        {
            _files.Remove(path, out TFile? moved);
            string newPath = target + path[source.Length..];
            _files[newPath] = moved!;
            Moved?.Invoke(moved!, newPath);
        }
        foreach (string path in Under(_directories, source))
        {
            _directories.Remove(path);
            _directories.Add(target + path[source.Length..]);
        }
    }

    /// <summary>The path itself and every path below it, as a list (the collection changes while it is used).</summary>
    private static List<string> Under(IEnumerable<string> paths, string path) =>
        [.. paths.Where(p => p == path || p.StartsWith(path + "/", StringComparison.Ordinal))];
}
