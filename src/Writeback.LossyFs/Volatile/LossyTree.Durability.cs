using static Interop.Libc;

namespace Writeback.LossyFs.Volatile;

/// <summary>
/// The durable namespace: how visible name changes reach the backing directory. One rule governs
/// every step (docs/lossyfs.md, "The rule"): when an fsync makes an entry durable, every object that
/// had a durable name keeps one, its old name or its new one with the new directory chain made
/// durable as a journal would commit it, for files and directories at any depth.
/// </summary>
internal sealed partial class LossyTree
{
    // Longest chain of directories walked (a guard: the trees are acyclic).
    private const int MaxDepth = 4096;

    private int SyncPair(Node first, Node second)
    {
        int errno = SyncNames(first);
        return errno != 0 || first == second ? errno : SyncNames(second);
    }

    /// <summary>Applies a directory's visible entries to the backing directory. Caller holds the tree lock.</summary>
    private int SyncNames(Node directory)
    {
        if (!directory.Loaded)
        {
            return 0;
        }
        int errno = EnsureFd(directory);
        if (errno != 0)
        {
            return errno;
        }
        foreach ((string? name, Node? node) in directory.Durable!.ToList())
        {
            // Removing one entry can move others (RemoveDurable keeps visible objects reachable), so each is checked afresh.
            bool stillDurable = directory.Durable!.TryGetValue(name, out Node? current) && current == node;
            if (stillDurable && !(directory.Visible!.TryGetValue(name, out Node? visible) && visible == node))
            {
                errno = RemoveDurable(directory, name, node);
                if (errno != 0)
                {
                    return errno;
                }
            }
        }
        foreach ((string? name, Node? node) in directory.Visible!.ToList())
        {
            if (!(directory.Durable!.TryGetValue(name, out Node? durable) && durable == node))
            {
                errno = AddDurable(directory, name, node);
                if (errno != 0)
                {
                    return errno;
                }
            }
        }
        return 0;
    }

    /// <summary>
    /// A directory just removed from the visible namespace that has no durable place (created since
    /// the last fsync of its parent, or already durably removed) drops its durable entries at once,
    /// so no durable name stays behind in a directory no crash image can contain.
    /// </summary>
    private int DropDurableEntriesOfUnplacedDirectory(Node node) =>
        node.Kind == NodeKind.Directory && node.VisibleLinks == 0 && node.DurableLinks == 0 && node.Loaded
            ? RemoveAllDurable(node)
            : 0;

    /// <summary>
    /// Removes every durable entry of a directory that is visible nowhere (removed, or being
    /// released), each through <see cref="RemoveDurable"/>. Caller holds the tree lock.
    /// </summary>
    private int RemoveAllDurable(Node directory)
    {
        foreach ((string? name, Node? node) in directory.Durable!.ToList())
        {
            if (directory.Durable!.TryGetValue(name, out Node? current) && current == node)
            {
                int errno = RemoveDurable(directory, name, node);
                if (errno != 0)
                {
                    return errno;
                }
            }
        }
        return 0;
    }

    /// <summary>
    /// Removes one durable entry. The durable tree must stay an image a crash could leave, so an
    /// object still visible somewhere never loses its last durable name first: its visible names
    /// become durable in the same step (as a journalling file system commits a rename, link or
    /// move out of a directory before that directory's removal), and a directory that is visible
    /// nowhere first loses its own durable entries the same way. Caller holds the tree lock.
    /// </summary>
    private int RemoveDurable(Node directory, string name, Node node)
    {
        int errno = EnsureFd(node);
        if (errno != 0)
        {
            return errno;
        }
        // The rule: an object losing its last durable name (one that survives a crash) while it is
        // still visible gets its visible names made durable first, with their directory chains.
        bool lastDurableName = IsAnchored(directory) && !HasAnchoredNameBesides(node, directory, name);
        if (node.VisibleLinks > 0 && (node.Kind == NodeKind.Directory || node.DurableLinks == 1 || lastDurableName) && _keepingReachable.Add(node))
        {
            // A node already here further up the stack is in a cycle of swapped names: its caller
            // adds its visible name once the inner steps are done, so the recursion ends.
            errno = AddVisibleNamesDurably(node, anchor: lastDurableName);
            _keepingReachable.Remove(node);
            if (errno != 0 || !(directory.Durable!.TryGetValue(name, out Node? current) && current == node))
            {
                return errno; // a directory was moved straight to its visible place
            }
        }
        if (node.Kind == NodeKind.Directory)
        {
            if (node.VisibleLinks == 0 && node.Loaded)
            {
                errno = RemoveAllDurable(node);
                if (errno != 0 || !(directory.Durable!.TryGetValue(name, out Node? stillThere) && stillThere == node))
                {
                    return errno; // an inner step already removed this entry (and reused the name)
                }
            }
            // The directory keeps what it still holds in the hidden area until it gets a durable name again.
            errno = BackingIo.Check(Interop.Libc.renameat2(directory.Fd!, name, _hidden, HiddenName(node), 0));
            if (errno != 0)
            {
                return errno;
            }
            node.PlacedIn = null;
            node.PlacedName = null;
        }
        else
        {
            bool stillNeeded = node.VisibleLinks > 0 || node.LookupCount > 0 || node.DurableLinks > 1;
            if (stillNeeded && !node.HasHiddenLink)
            {
                // The data must stay reachable by a name: linkat cannot bring back a file with no links.
                errno = BackingIo.Check(Interop.Libc.linkat(node.Fd!, "", _hidden, HiddenName(node), AT_EMPTY_PATH));
                if (errno != 0)
                {
                    return errno;
                }
                node.HasHiddenLink = true;
            }
            errno = BackingIo.Check(Interop.Libc.unlinkat(directory.Fd!, name, 0));
            if (errno != 0)
            {
                return errno;
            }
        }
        if (node.OpenVia == directory && node.OpenViaName == name)
        {
            node.OpenVia = null;
            node.OpenViaName = null;
        }
        RemoveDurableEntry(directory, name, node);
        TryRelease(node);
        return 0;
    }

    /// <summary>
    /// Makes every visible name of a node durable in its directory; with <paramref name="anchor"/>,
    /// each of those directories is first made durable up to the root (<see cref="AnchorChain"/>).
    /// Caller holds the tree lock.
    /// </summary>
    private int AddVisibleNamesDurably(Node node, bool anchor)
    {
        foreach ((Node? parent, string? name) in VisibleNamesOf(node))
        {
            int errno = anchor ? AnchorChain(parent) : 0;
            if (errno != 0)
            {
                return errno;
            }
            if (!(parent.Durable!.TryGetValue(name, out Node? durable) && durable == node))
            {
                errno = AddDurable(parent, name, node);
                if (errno != 0)
                {
                    return errno;
                }
            }
        }
        return 0;
    }

    private int AddDurable(Node directory, string name, Node node)
    {
        int errno = EnsureFd(directory);
        if (errno == 0 && directory.Durable!.TryGetValue(name, out Node? replaced) && replaced != node)
        {
            errno = RemoveDurable(directory, name, replaced);
        }
        if (errno == 0)
        {
            errno = EnsureFd(node);
        }
        if (errno != 0)
        {
            return errno;
        }
        if (node.Kind == NodeKind.Directory)
        {
            // The rule: a directory that has a durable place never moves to one a crash would lose.
            errno = node.PlacedIn is { } placed && IsAnchored(placed) && !IsAnchored(directory) ? AnchorChain(directory) : 0;
            if (errno != 0 || (directory.Durable!.TryGetValue(name, out Node? already) && already == node))
            {
                return errno;
            }
            errno = MoveOutOfDurableSubtree(directory, node);
            if (errno != 0)
            {
                return errno;
            }
            if (node.PlacedIn is { } oldPlace)
            {
                errno = EnsureFd(oldPlace);
                if (errno == 0)
                {
                    errno = BackingIo.Check(Interop.Libc.renameat2(oldPlace.Fd!, node.PlacedName!, directory.Fd!, name, 0));
                }
                if (errno != 0)
                {
                    return errno;
                }
                RemoveDurableEntry(oldPlace, node.PlacedName!, node);
                if (node.OpenVia == oldPlace)
                {
                    node.OpenVia = null;
                    node.OpenViaName = null;
                }
            }
            else
            {
                errno = BackingIo.Check(Interop.Libc.renameat2(_hidden, HiddenName(node), directory.Fd!, name, 0));
                if (errno != 0)
                {
                    return errno;
                }
            }
            node.PlacedIn = directory;
            node.PlacedName = name;
        }
        else
        {
            errno = BackingIo.Check(Interop.Libc.linkat(node.Fd!, "", directory.Fd!, name, AT_EMPTY_PATH));
            if (errno != 0)
            {
                return errno;
            }
        }
        AddDurableEntry(directory, name, node);
        return 0;
    }

    /// <summary>
    /// Before <paramref name="node"/> moves into <paramref name="directory"/>: when the directory
    /// durably sits inside the node (the two were swapped by visible renames), the node's durable
    /// child on the way is first moved to its visible place, as the kernel's rename would have
    /// required. Caller holds the tree lock.
    /// </summary>
    private int MoveOutOfDurableSubtree(Node directory, Node node)
    {
        while (true)
        {
            Node? child = null;
            for (Node? current = directory; current is not null; current = current.PlacedIn)
            {
                if (current.PlacedIn == node)
                {
                    child = current;
                    break;
                }
            }
            if (child is null)
            {
                return 0;
            }
            int errno = child.VisibleLinks > 0 ? AddVisibleNamesDurably(child, anchor: false) : Errno.EIO;
            if (errno != 0)
            {
                return errno;
            }
            if (child.PlacedIn == node)
            {
                return Errno.EIO; // no progress: never loop
            }
        }
    }

    /// <summary>
    /// Whether a directory's durable entries survive a crash: it is the root, or its durable place
    /// is in such a directory. Entries of any other directory (one still in the hidden area, or
    /// placed inside one) are durable only once the directory itself is. Caller holds the tree lock.
    /// </summary>
    private bool IsAnchored(Node directory)
    {
        int depth = 0;
        for (Node? current = directory; current is not null && depth < MaxDepth; current = current.PlacedIn, depth++)
        {
            if (current == Root)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether a file or link has a durable name that survives a crash other than <paramref name="name"/> in <paramref name="directory"/>.</summary>
    private bool HasAnchoredNameBesides(Node node, Node directory, string name)
    {
        if (node.DurableNames is not { } names)
        {
            return false;
        }
        foreach ((Node? parent, string? other) in names)
        {
            if (!(parent == directory && other == name) && IsAnchored(parent))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Makes a visible directory durable where it is seen: from the nearest ancestor that survives a
    /// crash down to <paramref name="directory"/>, each directory's visible name becomes durable (as a
    /// journal commits the mkdirs and renames that made the path, and only those). Caller holds the tree lock.
    /// </summary>
    private int AnchorChain(Node directory)
    {
        var chain = new List<Node>();
        for (Node current = directory; !IsAnchored(current); current = current.VisibleParent!)
        {
            if (current.VisibleParent is null || current.VisibleParent == current || chain.Count >= MaxDepth)
            {
                return 0; // visible nowhere: no name to make durable
            }
            chain.Add(current);
        }
        for (int index = chain.Count - 1; index >= 0; index--)
        {
            Node child = chain[index];
            Node parent = child.VisibleParent!;
            if (!(parent.Durable!.TryGetValue(child.VisibleName!, out Node? durable) && durable == child))
            {
                int errno = AddDurable(parent, child.VisibleName!, child);
                if (errno != 0)
                {
                    return errno;
                }
            }
        }
        return 0;
    }

    /// <summary>Records a durable entry (the directory's map, the node's count and its list of durable names).</summary>
    private static void AddDurableEntry(Node directory, string name, Node node)
    {
        directory.Durable![name] = node;
        node.DurableLinks++;
        if (node.Kind != NodeKind.Directory)
        {
            (node.DurableNames ??= []).Add((directory, name));
        }
    }

    /// <summary>Forgets a durable entry recorded by <see cref="AddDurableEntry"/>.</summary>
    private static void RemoveDurableEntry(Node directory, string name, Node node)
    {
        directory.Durable!.Remove(name);
        node.DurableLinks--;
        node.DurableNames?.Remove((directory, name));
        if (node.DurableNames is { Count: 0 })
        {
            node.DurableNames = null;
        }
    }
}
