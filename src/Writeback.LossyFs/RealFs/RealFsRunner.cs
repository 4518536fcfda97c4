using System.Diagnostics;
using System.Globalization;
using Writeback.LossyFs.BlockLog;

namespace Writeback.LossyFs.RealFs;

/// <summary>
/// Runs a program on a real file system whose device is logged, then checks the crash images the
/// log allows: makes the file system on an image file, serves a copy of it through
/// <see cref="BlockLogFileSystem"/>, attaches a loop device to it, mounts it, runs the setup and the
/// program in its root (its standard output is logged in line with the device's writes), unmounts
/// it; then for each <see cref="CrashState"/> builds the image, attaches and mounts it (the journal
/// is replayed for real), runs the checker, unmounts it and runs fsck. Every loop device, mount and
/// file it made is removed again, also when it fails or is cancelled.
/// </summary>
public sealed partial class RealFsRunner : IDisposable
{
    private readonly RealFsOptions _options;
    private readonly CancellationToken _cancellation;
    private readonly Stack<(string What, Action Undo)> _cleanup = new();
    private readonly string _work;
    private readonly Action<string> _progress;

    /// <summary>Prepares a run; nothing is made until <see cref="Run"/>.</summary>
    public RealFsRunner(RealFsOptions options, CancellationToken cancellation = default, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _cancellation = cancellation;
        _progress = progress ?? (_ => { });
        string root = options.WorkDirectory ?? (Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath());
        _work = Path.Combine(root, $"writeback-realfs-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
    }

    /// <summary>Records the program's run and checks its crash images.</summary>
    /// <exception cref="RealFsException">A tool, the program or the checker failed (one line saying which).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; everything made so far is removed.</exception>
    public RealFsReport Run()
    {
        if (FileSystemTools.MissingReason(_options.FileSystem) is { } reason)
        {
            throw new RealFsException($"realfs: cannot run on {FileSystemTools.Name(_options.FileSystem)}: {reason}");
        }
        try
        {
            Directory.CreateDirectory(_work);
            _cleanup.Push(("remove " + _work, () => Directory.Delete(_work, recursive: true)));
            string basePath = Path.Combine(_work, "base.img");
            MakeFileSystem(basePath);
            string livePath = Path.Combine(_work, "live.img");
            File.Copy(basePath, livePath);
            using var log = new BlockLog.BlockLog(Path.Combine(_work, "block.log"));
            (int marker, string? output) = Record(livePath, log);
            File.Delete(livePath);
            IReadOnlyList<BlockLogEntry> entries = log.Entries;
            return Check(basePath, log, entries, marker, output);
        }
        finally
        {
            CleanUp();
        }
    }

    /// <summary>Removes whatever is still there (idempotent).</summary>
    public void Dispose() => CleanUp();

    private void MakeFileSystem(string imagePath)
    {
        using (FileStream image = File.Create(imagePath))
        {
            image.SetLength((long)_options.EffectiveSizeMiB << 20);
        }
        FileSystemKind kind = _options.FileSystem;
        ExternalCommand.RunChecked(FileSystemTools.MkfsProgram(kind), FileSystemTools.MkfsArguments(kind, _options.MkfsOptions, imagePath), TimeSpan.FromMinutes(2));
    }

    private string MountOptions => FileSystemTools.MountOptions(_options.FileSystem, _options.MountOptions);

    private string FsType => FileSystemTools.Name(_options.FileSystem);

    /// <summary>Pushes an undo step; it runs (newest first) in <see cref="CleanUp"/>.</summary>
    private void OnCleanup(string what, Action undo) => _cleanup.Push((what, undo));

    /// <summary>Runs and pops the newest undo step (the one pushed for the thing just torn down).</summary>
    private void Undo()
    {
        if (_cleanup.TryPop(out (string What, Action Undo) step))
        {
            RunStep(step);
        }
    }

    private void CleanUp()
    {
        while (_cleanup.TryPop(out (string What, Action Undo) step))
        {
            RunStep(step);
        }
    }

    private static void RunStep((string What, Action Undo) step)
    {
        try
        {
            step.Undo();
        }
#pragma warning disable CA1031 // Cleanup must go on with the next step whatever this one threw.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"realfs: cleanup step '{step.What}' failed: {e.Message}");
        }
    }

    private string MakeDirectory(string name)
    {
        string path = Path.Combine(_work, name);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Seconds(Stopwatch watch) => watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
}
