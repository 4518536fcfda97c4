using Writeback.Prng;

namespace Writeback.LossyFs.Volatile;

internal sealed partial class LossyTree
{
    private readonly ReaderWriterLockSlim _crashGate = new(LockRecursionPolicy.NoRecursion);

    /// <summary>
    /// Runs one request's handler unless the file system has crashed: requests and a crash never
    /// overlap, so a crash sees a consistent state and nothing touches the backing directory after it.
    /// </summary>
    public bool TryEnterRequest()
    {
        _crashGate.EnterReadLock();
        if (Crashed)
        {
            _crashGate.ExitReadLock();
            return false;
        }
        return true;
    }

    /// <summary>Ends what <see cref="TryEnterRequest"/> began.</summary>
    public void ExitRequest() => _crashGate.ExitReadLock();

    /// <summary>
    /// Drops the volatile state (keeping a seeded subset with <see cref="CrashKeep.Random"/>);
    /// from then on every request fails with EIO and the backing directory is not touched.
    /// </summary>
    public CrashResult Crash(CrashOptions options)
    {
        _crashGate.EnterWriteLock();
        try
        {
            lock (_tree)
            {
                Crashed = true;
                long droppedBytes = 0, keptBytes = 0;
                int fileCount = 0;
                foreach (Node node in _nodes.Values)
                {
                    if (options.Keep == CrashKeep.Random && node.Fd is null && node.Overlay is { IsDirty: true })
                    {
                        EnsureFd(node); // an idle descriptor closed to stay within the limit
                    }
                    lock (node.DataLock)
                    {
                        if (node.Overlay is not { IsDirty: true } overlay)
                        {
                            continue;
                        }
                        fileCount++;
                        long kept = 0;
                        if (options.Keep == CrashKeep.Random && node.Fd is not null)
                        {
                            ulong nodeId = node.NodeId;
                            kept = overlay.PersistSubset(node.Fd, options.AtomicWriteBytes,
                                unitIndex => SplitMix64.Coin(options.Seed, nodeId, (ulong)unitIndex));
                        }
                        keptBytes += kept;
                        droppedBytes += overlay.UnsyncedBytes - kept;
                        overlay.Clear();
                    }
                }
                return new CrashResult(droppedBytes, keptBytes, fileCount, options.Seed);
            }
        }
        finally
        {
            _crashGate.ExitWriteLock();
        }
    }

    /// <summary>
    /// A clean shutdown: makes every file's data and every directory's names durable, as the kernel's
    /// sync at unmount would on a local file system. Returns 0 or the first errno.
    /// </summary>
    public int PersistAll(byte[] scratch)
    {
        _crashGate.EnterWriteLock();
        try
        {
            lock (_tree)
            {
                if (Crashed)
                {
                    return Errno.EIO;
                }
                int firstErrno = 0;
                foreach (Node? node in _nodes.Values.Where(node => node.Kind == NodeKind.File))
                {
                    int errno = SyncFile(node, dataOnly: false, scratch);
                    firstErrno = firstErrno != 0 ? firstErrno : errno;
                }
                var pending = new Stack<Node>();
                pending.Push(Root);
                while (pending.Count > 0)
                {
                    Node directory = pending.Pop();
                    int errno = SyncNames(directory);
                    firstErrno = firstErrno != 0 ? firstErrno : errno;
                    foreach (Node? child in directory.Visible!.Values.Where(child => child.Kind == NodeKind.Directory && child.Loaded))
                    {
                        pending.Push(child);
                    }
                }
                Crashed = true; // nothing more may reach the backing directory
                return firstErrno;
            }
        }
        finally
        {
            _crashGate.ExitWriteLock();
        }
    }

    /// <summary>What is not yet durable.</summary>
    public (long UnsyncedBytes, long HeldBytes, List<UnsyncedFile> Files, List<PendingName> Names) Snapshot()
    {
        long unsyncedBytes = 0, heldBytes = 0;
        var files = new List<UnsyncedFile>();
        var names = new List<PendingName>();
        lock (_tree)
        {
            foreach (Node? node in _nodes.Values.OrderBy(node => node.NodeId))
            {
                if (node.Kind == NodeKind.Directory && node.Loaded)
                {
                    AddPendingNames(node, names);
                }
                if (node.Overlay is { IsDirty: true } && node.Fd is null)
                {
                    EnsureFd(node); // an idle descriptor closed to stay within the limit
                }
                lock (node.DataLock)
                {
                    if (node.Overlay is not { IsDirty: true } overlay)
                    {
                        continue;
                    }
                    heldBytes += (long)overlay.HeldPageCount * FileOverlay.PageSizeBytes;
                    List<ByteRange> ranges = NotDurableRanges(node.Fd, overlay);
                    if (ranges.Count == 0 && overlay.VolatileLengthBytes == overlay.DurableLengthBytes)
                    {
                        continue; // rewritten with the bytes already durable: nothing would be lost
                    }
                    unsyncedBytes += ranges.Sum(range => range.LengthBytes);
                    string path = VisiblePath(node) ?? $"(unlinked #{node.NodeId})";
                    files.Add(new UnsyncedFile(path, overlay.VolatileLengthBytes, overlay.DurableLengthBytes, ranges));
                }
            }
        }
        return (unsyncedBytes, heldBytes, files, names);
    }

    /// <summary>
    /// The written ranges whose bytes a crash would lose: those that differ from the backing file's
    /// durable bytes or lie beyond its durable length (bytes written again with the value already
    /// durable are not unsynced). Caller holds the node's data lock.
    /// </summary>
    private static List<ByteRange> NotDurableRanges(Microsoft.Win32.SafeHandles.SafeFileHandle? fd, FileOverlay overlay)
    {
        var ranges = new List<ByteRange>();
        byte[] visible = new byte[FileOverlay.PageSizeBytes];
        byte[] durable = new byte[FileOverlay.PageSizeBytes];
        foreach ((long offsetBytes, long lengthBytes) in overlay.DirtyRanges())
        {
            long start = -1;
            for (long chunk = offsetBytes; chunk < offsetBytes + lengthBytes; chunk += visible.Length)
            {
                int count = (int)Math.Min(visible.Length, offsetBytes + lengthBytes - chunk);
                long durableCount = fd is null ? 0 : Math.Max(0, Math.Min(count, overlay.DurableLengthBytes - chunk));
                if (fd is null || overlay.Read(fd, visible.AsSpan(0, count), chunk) < count
                    || BackingIo.ReadAt(fd, durable.AsSpan(0, (int)durableCount), chunk) < durableCount)
                {
                    durableCount = 0; // unreadable: count the whole chunk as not durable
                }
                for (int index = 0; index < count; index++)
                {
                    bool same = index < durableCount && visible[index] == durable[index];
                    if (!same && start < 0)
                    {
                        start = chunk + index;
                    }
                    else if (same && start >= 0)
                    {
                        ranges.Add(new ByteRange(start, chunk + index - start));
                        start = -1;
                    }
                }
            }
            if (start >= 0)
            {
                ranges.Add(new ByteRange(start, offsetBytes + lengthBytes - start));
            }
        }
        return ranges;
    }

    private void AddPendingNames(Node directory, List<PendingName> names)
    {
        string? path = null;
        foreach ((string? name, Node? node) in directory.Visible!)
        {
            if (!directory.Durable!.TryGetValue(name, out Node? durable) || durable != node)
            {
                path ??= VisiblePath(directory) ?? $"(removed #{directory.NodeId})";
                names.Add(new PendingName(path, DisplayName(name), durable is null ? NameChange.Created : NameChange.Replaced));
            }
        }
        foreach (string name in directory.Durable!.Keys)
        {
            if (!directory.Visible.ContainsKey(name))
            {
                path ??= VisiblePath(directory) ?? $"(removed #{directory.NodeId})";
                names.Add(new PendingName(path, DisplayName(name), NameChange.Removed));
            }
        }
    }
}
