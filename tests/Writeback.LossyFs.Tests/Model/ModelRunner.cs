using System.Runtime.InteropServices;
using System.Text;
using Writeback.LossyFs.Tests.Mounted;

namespace Writeback.LossyFs.Tests.Model;

/// <summary>
/// Runs one sequence of operations on a real LossyFs mount and, in lockstep, on the oracle; checks
/// the backing directory after every crash and clean unmount (and the mount's visible tree after
/// every remount). Operations the oracle finds invalid in the current state are skipped, so any
/// subsequence of a sequence is again a runnable sequence (which is what shrinking needs).
/// </summary>
internal sealed class ModelRunner : IDisposable
{
    private readonly string _root;
    private readonly string _backing;
    private readonly string _mountpoint;
    private readonly NamespaceOracle _oracle = new();
    private LossyFileSystem? _fileSystem;

    public ModelRunner()
    {
        _root = Directory.CreateTempSubdirectory("lossyfs-model-").FullName;
        _backing = Directory.CreateDirectory(Path.Combine(_root, "backing")).FullName;
        _mountpoint = Directory.CreateDirectory(Path.Combine(_root, "mnt")).FullName;
        Mount();
    }

    public NamespaceOracle Oracle => _oracle;

    /// <summary>Runs the operations, then a final clean unmount; returns null or what went wrong, and the index of the failing step.</summary>
    public static (string? Failure, int Index) Run(IReadOnlyList<ModelOperation> operations)
    {
        using var runner = new ModelRunner();
        for (int index = 0; index < operations.Count; index++)
        {
            string? failure = runner.Step(operations[index]);
            if (failure is not null)
            {
                return (failure, index);
            }
        }
        return (runner.Step(new ModelOperation(ModelOperationKind.UnmountAndRemount, "")), operations.Count);
    }

    /// <summary>Applies one operation to the oracle and the mount; returns null or the failure.</summary>
    public string? Step(ModelOperation operation)
    {
        switch (operation.Kind)
        {
            case ModelOperationKind.CrashKeepNone:
            case ModelOperationKind.CrashKeepRandom:
                return CrashAndRemount(operation);
            case ModelOperationKind.UnmountAndRemount:
                return UnmountAndRemount();
        }
        if (!ModelSemantics.Apply(_oracle, operation))
        {
            return null; // not valid in this state: skipped on both sides
        }
        if (_oracle.RuleViolation is { } violation)
        {
            return $"after '{operation}': the oracle broke the durability rule: {violation}";
        }
        int errno = Execute(operation);
        return errno == 0 ? null : $"'{operation}' failed on the mount with errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}); the oracle expected success";
    }

    private int Execute(ModelOperation operation)
    {
        string path = Path.Combine(_mountpoint, operation.Path);
        string path2 = Path.Combine(_mountpoint, operation.Path2);
        int result = operation.Kind switch
        {
            ModelOperationKind.Create => WithFd(path, Native.O_CREAT | Native.O_EXCL | Native.O_RDWR, _ => 0),
            ModelOperationKind.Write => WithFd(path, Native.O_WRONLY, fd =>
            {
                byte[] data = ModelSemantics.Fill(operation);
                return Native.pwrite(fd, data, (nuint)data.Length, operation.OffsetBytes) == data.Length ? 0 : -1;
            }),
            ModelOperationKind.Truncate => WithFd(path, Native.O_WRONLY, fd => Native.ftruncate(fd, operation.OffsetBytes)),
            ModelOperationKind.Fsync => WithFd(path, Native.O_RDONLY, Native.fsync),
            ModelOperationKind.Fdatasync => WithFd(path, Native.O_RDONLY, Native.fdatasync),
            ModelOperationKind.FsyncDirectory => WithFd(path, Native.O_RDONLY | Native.O_DIRECTORY, Native.fsync),
            ModelOperationKind.Mkdir => Native.mkdir(path, 0x1ED),
            ModelOperationKind.Rmdir => Native.rmdir(path),
            ModelOperationKind.Rename => Native.renameat2(Native.AT_FDCWD, path, Native.AT_FDCWD, path2, 0),
            ModelOperationKind.Exchange => Native.renameat2(Native.AT_FDCWD, path, Native.AT_FDCWD, path2, Native.RENAME_EXCHANGE),
            ModelOperationKind.Link => Native.link(path, path2),
            ModelOperationKind.Unlink => Native.unlink(path),
            ModelOperationKind.Symlink => Native.symlink(operation.Path2, path),
            _ => 0,
        };
        return result == 0 ? 0 : Interop.LastErrno;
    }

    private static int WithFd(string path, int flags, Func<int, int> action)
    {
        int fd = Native.open(path, flags, 0x1A4);
        if (fd < 0)
        {
            return -1;
        }
        int result = action(fd);
        int errno = Interop.LastErrno;
        Native.close(fd);
        Marshal.SetLastPInvokeError(errno);
        return result;
    }

    private string? CrashAndRemount(ModelOperation operation)
    {
        bool random = operation.Kind == ModelOperationKind.CrashKeepRandom;
        _fileSystem!.Crash(new CrashOptions { Keep = random ? CrashKeep.Random : CrashKeep.None, Seed = operation.Seed, AtomicWriteBytes = 512 });
        _fileSystem.Dispose();
        _fileSystem = null;
        SortedDictionary<string, ExpectedEntry> expected = _oracle.DurableImage();
        SortedDictionary<string, (char Kind, byte[] Content)> actual = ImageReader.Read(_backing);
        string? failure = random ? ImageComparer.CompareTorn(expected, actual) : ImageComparer.CompareExact(expected, actual);
        if (failure is not null)
        {
            return $"after '{operation}': backing directory is not the durable image: {failure}";
        }
        _oracle.AdoptDurable(file => actual.TryGetValue(PathOf(expected, file), out (char Kind, byte[] Content) entry) ? entry.Content : file.DurableContent);
        return Remount(operation);
    }

    private static string PathOf(SortedDictionary<string, ExpectedEntry> image, OracleFile file) =>
        image.First(entry => entry.Value.Node == file).Key;

    private string? UnmountAndRemount()
    {
        var operation = new ModelOperation(ModelOperationKind.UnmountAndRemount, "");
        try
        {
            _fileSystem!.Unmount();
        }
        catch (Exception exception) when (exception is IOException or TimeoutException)
        {
            return $"unmount failed: {exception.Message}";
        }
        _fileSystem.Dispose();
        _fileSystem = null;
        string? failure = ImageComparer.CompareExact(_oracle.VisibleImage(), ImageReader.Read(_backing));
        if (failure is not null)
        {
            return $"after a clean unmount: backing directory is not the visible tree: {failure}";
        }
        _oracle.AdoptVisible();
        return Remount(operation);
    }

    private string? Remount(ModelOperation operation)
    {
        Mount();
        string? failure = ImageComparer.CompareExact(_oracle.VisibleImage(), ImageReader.Read(_mountpoint));
        return failure is null ? null : $"after '{operation}': the remounted tree differs from the oracle: {failure}";
    }

    private void Mount() => _fileSystem = LossyFileSystem.Mount(new LossyFsOptions
    {
        BackingDirectory = _backing,
        Mountpoint = _mountpoint,
        ControlChannel = false,
        Log = _ => { },
    });

    public void Dispose()
    {
        _fileSystem?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A detached mount still draining: leave the temporary directory.
        }
    }
}

/// <summary>Reads a directory tree as path -> (kind, content or link target), without following links.</summary>
internal static class ImageReader
{
    public static SortedDictionary<string, (char Kind, byte[] Content)> Read(string root)
    {
        var image = new SortedDictionary<string, (char Kind, byte[] Content)>(StringComparer.Ordinal);
        Walk(new DirectoryInfo(root), "", image);
        return image;
    }

    private static void Walk(DirectoryInfo directory, string prefix, SortedDictionary<string, (char Kind, byte[] Content)> image)
    {
        foreach (FileSystemInfo entry in directory.EnumerateFileSystemInfos())
        {
            string path = prefix + "/" + entry.Name;
            if (entry.LinkTarget is { } target)
            {
                image[path] = ('l', Encoding.UTF8.GetBytes(target));
            }
            else if (entry is DirectoryInfo child)
            {
                image[path] = ('d', []);
                Walk(child, path, image);
            }
            else
            {
                image[path] = ('f', File.ReadAllBytes(entry.FullName));
            }
        }
    }
}

/// <summary>Compares an expected image with a real one; returns null or the first differences.</summary>
internal static class ImageComparer
{
    public static string? CompareExact(SortedDictionary<string, ExpectedEntry> expected, SortedDictionary<string, (char Kind, byte[] Content)> actual) =>
        Compare(expected, actual, (entry, real) => entry.Content.AsSpan().SequenceEqual(real)
            ? null
            : $"content differs (expected {entry.Content.Length} bytes, found {real.Length})");

    /// <summary>As exact, but a file's bytes may each come from its durable content or any version written since its last fsync.</summary>
    public static string? CompareTorn(SortedDictionary<string, ExpectedEntry> expected, SortedDictionary<string, (char Kind, byte[] Content)> actual) =>
        Compare(expected, actual, (entry, real) =>
        {
            if (real.Length != entry.Content.Length)
            {
                return $"length {real.Length}, expected the durable length {entry.Content.Length}";
            }
            List<byte[]> versions = ((OracleFile)entry.Node).VersionsSinceSync;
            for (int index = 0; index < real.Length; index++)
            {
                byte value = real[index];
                if (value != entry.Content[index] && value != 0 && !versions.Any(version => index < version.Length && version[index] == value))
                {
                    return $"byte {index} is {value}, which no durable or written version had there";
                }
            }
            return null;
        });

    private static string? Compare(SortedDictionary<string, ExpectedEntry> expected, SortedDictionary<string, (char Kind, byte[] Content)> actual, Func<ExpectedEntry, byte[], string?> compareFile)
    {
        var problems = new List<string>();
        foreach ((string? path, ExpectedEntry? entry) in expected)
        {
            if (!actual.TryGetValue(path, out (char Kind, byte[] Content) real))
            {
                problems.Add($"{path} ({entry.Kind}) missing");
            }
            else if (real.Kind != entry.Kind)
            {
                problems.Add($"{path} is '{real.Kind}', expected '{entry.Kind}'");
            }
            else if (entry.Kind == 'l' && !entry.Content.AsSpan().SequenceEqual(real.Content))
            {
                problems.Add($"{path}: link target differs");
            }
            else if (entry.Kind == 'f' && compareFile(entry, real.Content) is { } difference)
            {
                problems.Add($"{path}: {difference}");
            }
        }
        problems.AddRange(actual.Keys.Where(path => !expected.ContainsKey(path)).Select(path => $"{path} unexpected"));
        return problems.Count == 0 ? null : string.Join("; ", problems.Take(6));
    }
}
