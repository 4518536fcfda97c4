using System.Runtime.InteropServices;
using Writeback.Backends;
using Writeback.Native;

namespace Writeback;

/// <summary>
/// An <see cref="IMappedStorage"/> over a real directory: names are files in it, opened as
/// <see cref="MappedFile"/>. Linux only, like <see cref="MappedFile"/>.
/// </summary>
/// <remarks>All members may be called concurrently; the file system orders concurrent name changes.</remarks>
public sealed class DirectoryStorage : IMappedStorage
{
    private readonly MappingBackend _backend;

    /// <summary>Uses the existing directory <paramref name="directory"/>.</summary>
    /// <param name="directory">The directory's path.</param>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public DirectoryStorage(string directory) : this(directory, MappingBackend.Current)
    {
    }

    /// <summary>Through <paramref name="backend"/>: the test seam (a fault-injecting decorator).</summary>
    internal DirectoryStorage(string directory, MappingBackend backend)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!OperatingSystem.IsLinux())
        {
            throw MappingBackend.NotSupported();
        }
        DirectoryPath = System.IO.Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(DirectoryPath))
        {
            throw new DirectoryNotFoundException($"The storage directory '{DirectoryPath}' does not exist.");
        }
        _backend = backend;
    }

    /// <summary>The directory's full path.</summary>
    public string DirectoryPath { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, ".", "..", or contains '/' or a NUL character.</exception>
    public IMappedFile Open(string name, MappedFileOptions? options = null) => MappedFile.Open(PathOf(name), options, _backend);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, ".", "..", or contains '/' or a NUL character.</exception>
    public bool Exists(string name) => System.IO.Path.Exists(PathOf(name));

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, ".", "..", or contains '/' or a NUL character.</exception>
    /// <exception cref="FileNotFoundException">No such name.</exception>
    /// <exception cref="WritebackException">unlink(2) failed otherwise.</exception>
    public void Delete(string name)
    {
        string path = PathOf(name);
        Errors.ThrowIfFailed<WritebackException>(_backend.Unlink(path), _backend.NameOf(NativeCall.Unlink), path, resolvesPath: true);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A name is empty, ".", "..", or contains '/' or a NUL character.</exception>
    /// <exception cref="FileNotFoundException"><paramref name="sourceName"/> does not exist.</exception>
    /// <exception cref="WritebackException">rename(2) failed otherwise.</exception>
    public void Rename(string sourceName, string targetName)
    {
        string sourcePath = PathOf(sourceName, nameof(sourceName));
        string targetPath = PathOf(targetName, nameof(targetName));
        Errors.ThrowIfFailed<WritebackException>(_backend.Rename(sourcePath, targetPath), _backend.NameOf(NativeCall.Rename),
                             $"{sourcePath}' -> '{targetPath}", resolvesPath: true);
    }

    /// <inheritdoc/>
    /// <remarks>open(O_RDONLY|O_DIRECTORY), fsync(2), close.</remarks>
    /// <exception cref="WritebackException">open or fsync of the directory failed.</exception>
    public void FlushDirectory()
    {
        int errno = _backend.OpenDirectory(DirectoryPath, out SafeHandle? directory);
        Errors.ThrowIfFailed<WritebackException>(errno, _backend.NameOf(NativeCall.Open), DirectoryPath, resolvesPath: true);
        using (directory)
        {
            long timestamp = WritebackMetrics.StartTiming();
            Errors.ThrowIfFailed<WritebackException>(_backend.SyncFile(directory), _backend.NameOf(NativeCall.SyncFile), DirectoryPath);
            WritebackMetrics.RecordFlush("fsync_directory", 0, timestamp);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => DirectoryPath;

    private string PathOf(string name, string parameterName = "name")
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        if (name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{name}' is not a file name: a name in '{DirectoryPath}' must be non-empty, not '.' or '..', and contain no '/' or NUL character.",
                parameterName);
        }
        return System.IO.Path.Join(DirectoryPath, name);
    }
}
