using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs.Volatile;

/// <summary>What a node is.</summary>
internal enum NodeKind
{
    /// <summary>A regular file.</summary>
    File,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A symbolic link.</summary>
    Symlink,
}

/// <summary>
/// One inode as LossyFs sees it. Every node always has a backing object: a file or symbolic link
/// has one or more hard links in the backing directory (its durable names, plus a link under the
/// hidden volatile area when it needs one), a directory has exactly one place (a durable name or the
/// hidden area). Namespace fields are guarded by the tree lock; <see cref="Overlay"/> by this
/// object's own lock.
/// </summary>
internal sealed class Node
{
    /// <summary>Creates a node.</summary>
    public Node(ulong nodeId, NodeKind kind)
    {
        NodeId = nodeId;
        Kind = kind;
        if (kind == NodeKind.Directory)
        {
            Visible = new Dictionary<string, Node>(StringComparer.Ordinal);
            Durable = new Dictionary<string, Node>(StringComparer.Ordinal);
        }
    }

    /// <summary>The FUSE node id (also reported as the inode number).</summary>
    public ulong NodeId { get; }

    /// <summary>File, directory or symbolic link.</summary>
    public NodeKind Kind { get; }

    /// <summary>The kernel's lookup count (FUSE_FORGET lowers it).</summary>
    public ulong LookupCount { get; set; }

    /// <summary>Names programs see, for a directory (after <see cref="Loaded"/>).</summary>
    public Dictionary<string, Node>? Visible { get; }

    /// <summary>Names the backing directory holds for a directory: what survives a crash.</summary>
    public Dictionary<string, Node>? Durable { get; }

    /// <summary>Whether a directory's entries were read from the backing directory.</summary>
    public bool Loaded { get; set; }

    /// <summary>Number of visible names of this node.</summary>
    public int VisibleLinks { get; set; }

    /// <summary>Number of durable names of this node.</summary>
    public int DurableLinks { get; set; }

    /// <summary>A visible parent and name (the most recent), for status paths, faults and "..".</summary>
    public Node? VisibleParent { get; set; }

    /// <summary>The name under <see cref="VisibleParent"/>.</summary>
    public string? VisibleName { get; set; }

    /// <summary>
    /// The node's other visible names (hard links), oldest first; null while it has none. Together
    /// with <see cref="VisibleParent"/>/<see cref="VisibleName"/> they are every visible name, so the
    /// tree can make them durable before the last durable name of a still-visible file goes.
    /// </summary>
    public List<(Node Parent, string Name)>? OtherVisibleNames { get; set; }

    /// <summary>For a file or symbolic link: its durable names (directory and name); null while it has none.</summary>
    public List<(Node Parent, string Name)>? DurableNames { get; set; }

    /// <summary>
    /// The descriptor of the backing object (file: O_RDWR, directory: O_RDONLY|O_DIRECTORY, link:
    /// O_PATH). Opened lazily for nodes read from the backing directory, through
    /// <see cref="OpenVia"/>/<see cref="OpenViaName"/>, which stay valid while that durable entry exists.
    /// </summary>
    public SafeFileHandle? Fd { get; set; }

    /// <summary>A directory whose durable entry <see cref="OpenViaName"/> names this node, to open <see cref="Fd"/> from.</summary>
    public Node? OpenVia { get; set; }

    /// <summary>See <see cref="OpenVia"/>.</summary>
    public string? OpenViaName { get; set; }

    /// <summary>Whether a hard link to this file exists in the hidden area (named by <see cref="NodeId"/>).</summary>
    public bool HasHiddenLink { get; set; }

    /// <summary>For a directory: the durable parent holding it, or null when it sits in the hidden area (or is the root).</summary>
    public Node? PlacedIn { get; set; }

    /// <summary>For a directory: its name in <see cref="PlacedIn"/>.</summary>
    public string? PlacedName { get; set; }

    /// <summary>
    /// For a directory: the group it passes on when it is set-group-ID, null when it is not;
    /// valid while <see cref="SetGidKnown"/> (read once, dropped by a mode or owner change).
    /// </summary>
    public uint? SetGidGroup { get; set; }

    /// <summary>Whether <see cref="SetGidGroup"/> is valid.</summary>
    public bool SetGidKnown { get; set; }

    /// <summary>The volatile data of a regular file, created on first data access.</summary>
    public FileOverlay? Overlay { get; set; }

    /// <summary>Whether the node was released (no names, no kernel references): its descriptors are closed.</summary>
    public bool Released { get; set; }

    /// <summary>FUSE handles open on this file (OPEN and CREATE add one, RELEASE removes it). Guarded by the tree lock.</summary>
    public int OpenHandles { get; set; }

    /// <summary>Whether the node is in the tree's queue of idle descriptors. Guarded by the tree lock.</summary>
    public bool IdleListed { get; set; }

    private int _fdPins;

    /// <summary>Whether a request is using <see cref="Fd"/> now (it must not be closed).</summary>
    public bool IsPinned => System.Threading.Volatile.Read(ref _fdPins) > 0;

    /// <summary>Marks <see cref="Fd"/> in use; called under the tree lock, which is what trimming holds.</summary>
    public void Pin() => Interlocked.Increment(ref _fdPins);

    /// <summary>Ends what <see cref="Pin"/> began (any thread).</summary>
    public void Unpin() => Interlocked.Decrement(ref _fdPins);

    /// <summary>Lock guarding <see cref="Overlay"/> and data I/O.</summary>
    public Lock DataLock { get; } = new();
}
