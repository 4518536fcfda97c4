namespace Writeback.Benchmarks.Core;

/// <summary>
/// The directory the data files live in. Each file is created once per run, on first use, with
/// written and fsynced data (see <see cref="BenchFiles.Create"/>), and deleted at the end.
/// </summary>
internal sealed class BenchWorkspace(string directory, int writeBytes) : IDisposable
{
    private readonly Dictionary<string, string> _paths = [];

    public string Directory { get; } = directory;

    /// <summary>The path of <paramref name="name"/>, created with <paramref name="lengthBytes"/> bytes the first time.</summary>
    public string GetFile(string name, long lengthBytes)
    {
        if (!_paths.TryGetValue(name, out string? path))
        {
            path = BenchFiles.Create(Directory, name, lengthBytes, writeBytes);
            _paths.Add(name, path);
        }
        else if (new FileInfo(path).Length != lengthBytes)
        {
            throw new InvalidOperationException($"'{path}' was created with another length than {lengthBytes} bytes");
        }
        return path;
    }

    public void Dispose()
    {
        foreach (string path in _paths.Values)
        {
            File.Delete(path);
        }
        _paths.Clear();
    }
}
