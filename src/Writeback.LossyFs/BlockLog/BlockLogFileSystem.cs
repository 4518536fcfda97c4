using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.Fuse;

namespace Writeback.LossyFs.BlockLog;

/// <summary>
/// A small FUSE file system that serves one device image, <c>MOUNT/disk.img</c>, backed by a real
/// file, and logs every write, zeroed range and flush that reaches it (<see cref="BlockLog"/>).
/// Put a loop device on <see cref="ImagePath"/> and a real file system (ext4, XFS, btrfs) on the
/// loop device: the loop driver turns each block write into a write of the image and each cache
/// flush (REQ_PREFLUSH, and FUA, which the loop driver's queue does not advertise, so the block
/// layer turns it into a flush) into an fsync of it. Shares LossyFs's FUSE protocol code.
/// </summary>
public sealed class BlockLogFileSystem : IDisposable
{
    private const int TimedOutErrno = 110; // ETIMEDOUT
    private static readonly TimeSpan s_initTimeout = TimeSpan.FromSeconds(10);
    private readonly SafeFileHandle _device;
    private readonly SafeFileHandle _image;
    private readonly BlockLogSession _session;
    private readonly uint? _connectionId;
    private bool _disposed;

    private BlockLogFileSystem(string mountpoint, SafeFileHandle device, SafeFileHandle image, BlockLogSession session)
    {
        Mountpoint = mountpoint;
        _device = device;
        _image = image;
        _session = session;
        _connectionId = FuseMount.ConnectionId(mountpoint);
    }

    /// <summary>The mount point (absolute).</summary>
    public string Mountpoint { get; }

    /// <summary>The device image inside the mount: give this path to losetup.</summary>
    public string ImagePath => Path.Combine(Mountpoint, BlockLogSession.ImageName);

    /// <summary>
    /// Mounts the file system on <paramref name="mountpoint"/> (an empty directory), serving
    /// <paramref name="backingImage"/> (an existing file whose size is the device's size; it is
    /// updated in place) and logging into <paramref name="log"/>.
    /// </summary>
    /// <exception cref="LossyFsException">A system call failed (the message names it and the path).</exception>
    public static BlockLogFileSystem Mount(string mountpoint, string backingImage, BlockLog log, Action<string>? report = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        mountpoint = Path.GetFullPath(mountpoint).TrimEnd('/');
        SafeFileHandle image = File.OpenHandle(backingImage, FileMode.Open, FileAccess.ReadWrite);
        long sizeBytes = RandomAccess.GetLength(image);
        if (sizeBytes <= 0)
        {
            image.Dispose();
            throw new ArgumentException($"block log: the backing image '{backingImage}' is empty; give it the device's size first", nameof(backingImage));
        }
        SafeFileHandle device;
        try
        {
            device = FuseMount.Mount(mountpoint);
        }
        catch
        {
            image.Dispose();
            throw;
        }
        var session = new BlockLogSession(device, image, sizeBytes, log, report ?? (message => Console.Error.WriteLine($"blocklog: {message}")));
        session.Start();
        var fileSystem = new BlockLogFileSystem(mountpoint, device, image, session);
        // The kernel sends INIT on the first access; stat the mount to trigger it and wait.
        _ = File.Exists(fileSystem.ImagePath);
        if (!session.WaitInitialized(s_initTimeout))
        {
            fileSystem.Dispose();
            throw new LossyFsException("FUSE_INIT (block log)", mountpoint, TimedOutErrno);
        }
        return fileSystem;
    }

    /// <summary>Unmounts (lazily, aborting the connection if it is stuck) and closes the image. Never throws.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (FuseMount.Unmount(Mountpoint, detach: false) != 0)
        {
            if (_connectionId is { } id)
            {
                FuseMount.Abort(id);
            }
            FuseMount.Unmount(Mountpoint, detach: true);
        }
        _session.Ended.Wait(TimeSpan.FromSeconds(10));
        _device.Dispose();
        _image.Dispose();
    }
}
