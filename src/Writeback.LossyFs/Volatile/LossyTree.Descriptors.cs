using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs.Volatile;

/// <summary>
/// Backing descriptors of files and symbolic links are bounded: a node keeps its descriptor while
/// a FUSE handle is open on it or a request is using it (pinned); otherwise it is idle, and at most
/// <see cref="MaxIdleDescriptors"/> idle descriptors stay open (the least recently released are
/// closed first; a node reopens its descriptor on demand). Opening beyond the process's own limit
/// (RLIMIT_NOFILE, less a reserve for the runtime, directories and the control socket) is refused
/// with EMFILE, so a program gets EMFILE and the server never runs out of descriptors itself.
/// </summary>
internal sealed partial class LossyTree
{
    /// <summary>Most idle file descriptors kept open.</summary>
    public const int MaxIdleDescriptors = 256;

    // Descriptors left to the runtime, directories, /dev/fuse and the control socket.
    private const int ReservedDescriptors = 96;

    private readonly Queue<Node> _idleDescriptors = new();
    private readonly int _descriptorBudget = ReadDescriptorBudget();
    private int _fileDescriptorCount;

    /// <summary>Backing descriptors of files and symbolic links open now.</summary>
    public int FileDescriptorCount => System.Threading.Volatile.Read(ref _fileDescriptorCount);

    /// <summary>FUSE_OPEN or FUSE_CREATE of a file: its descriptor stays open until the handle is released. Returns 0 or errno (EMFILE at the limit).</summary>
    public int OpenHandle(Node node)
    {
        lock (_tree)
        {
            node.OpenHandles++;
            int errno = EnsureFd(node);
            if (errno != 0)
            {
                node.OpenHandles--;
            }
            return errno;
        }
    }

    /// <summary>FUSE_RELEASE of a file: when its last handle goes, its descriptor becomes idle.</summary>
    public void ReleaseHandle(Node node)
    {
        lock (_tree)
        {
            node.OpenHandles = Math.Max(0, node.OpenHandles - 1);
            if (node.OpenHandles == 0)
            {
                MarkIdle(node);
                TrimIdleDescriptors(0);
            }
        }
    }

    /// <summary>
    /// Opens the node's descriptor if needed and pins it, so no trimming closes it until
    /// <see cref="Node.Unpin"/>; the caller then uses <see cref="Node.Fd"/> under the node's data lock.
    /// </summary>
    private int PinFd(Node node)
    {
        lock (_tree)
        {
            int errno = EnsureFd(node);
            if (errno == 0)
            {
                node.Pin();
            }
            return errno;
        }
    }

    /// <summary>Whether one more file descriptor may be opened; trims idle ones first when at the budget. Caller holds the tree lock.</summary>
    private int ReserveFileDescriptor()
    {
        if (_fileDescriptorCount < _descriptorBudget)
        {
            return 0;
        }
        TrimIdleDescriptors(1);
        return _fileDescriptorCount < _descriptorBudget ? 0 : Errno.EMFILE;
    }

    /// <summary>Records a new file or link descriptor. Caller holds the tree lock.</summary>
    private void AdoptFileDescriptor(Node node, SafeFileHandle handle)
    {
        node.Fd = handle;
        _fileDescriptorCount++;
        if (node.OpenHandles == 0)
        {
            MarkIdle(node);
        }
    }

    /// <summary>Closes a file or link descriptor (a clean overlay goes with it). Caller holds the tree lock.</summary>
    private void CloseFileDescriptor(Node node)
    {
        lock (node.DataLock)
        {
            if (node.Fd is null)
            {
                return;
            }
            node.Fd.Dispose();
            node.Fd = null;
            if (node.Overlay is { IsDirty: false })
            {
                node.Overlay = null;
            }
        }
        _fileDescriptorCount--;
    }

    private void MarkIdle(Node node)
    {
        if (node.Kind != NodeKind.Directory && node.Fd is not null && !node.IdleListed)
        {
            node.IdleListed = true;
            _idleDescriptors.Enqueue(node);
        }
    }

    /// <summary>
    /// Closes idle descriptors, oldest first, while more than <see cref="MaxIdleDescriptors"/> are
    /// listed or <paramref name="neededCount"/> more would exceed the budget. Caller holds the tree lock.
    /// </summary>
    private void TrimIdleDescriptors(int neededCount)
    {
        for (int scanned = _idleDescriptors.Count; scanned > 0; scanned--)
        {
            if (_idleDescriptors.Count <= MaxIdleDescriptors && _fileDescriptorCount + neededCount <= _descriptorBudget)
            {
                return;
            }
            Node node = _idleDescriptors.Dequeue();
            node.IdleListed = false;
            // Busy nodes are listed again when their last handle is released.
            if (node.OpenHandles == 0 && !node.IsPinned && !node.Released && (node.HasHiddenLink || node.OpenVia is not null))
            {
                CloseFileDescriptor(node);
            }
        }
    }

    /// <summary>The soft RLIMIT_NOFILE (from /proc/self/limits) less the reserve; a large budget when unknown.</summary>
    private static int ReadDescriptorBudget()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    string soft = line["Max open files".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return soft == "unlimited" ? int.MaxValue : Math.Max(16, (int)Math.Min(int.MaxValue, long.Parse(soft, System.Globalization.CultureInfo.InvariantCulture)) - ReservedDescriptors);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or FormatException or OverflowException)
        {
            // Unknown: no budget of our own; openat's EMFILE still reaches the program.
        }
        return int.MaxValue;
    }
}
