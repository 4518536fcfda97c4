namespace Writeback.LossyFs.Tests.Model;

/// <summary>
/// The oracle of the randomized model test: what programs see (visible) and what must survive a
/// crash (durable), by the rules of docs/lossyfs.md written down independently of LossyTree: a
/// file's data and length become durable at fsync; a directory's entries at fsync of the directory;
/// an object still visible never loses its last durable name without its visible names becoming
/// durable in the same step; a directory visible nowhere loses its durable entries before it goes;
/// a directory has one durable place. The rule over all of these: when an fsync makes an entry
/// durable, every object that had a durable name keeps one, its old name or its new one with the
/// new directory chain made durable (checked after every directory fsync, see RuleViolation).
/// </summary>
internal sealed class NamespaceOracle
{
    public NamespaceOracle() => Root = new OracleDirectory();

    public OracleDirectory Root { get; private set; }

    // ---- visible namespace ----

    public OracleObject? Resolve(string path)
    {
        OracleObject current = Root;
        foreach (string part in Split(path))
        {
            if (current is not OracleDirectory directory || !directory.Visible.TryGetValue(part, out OracleObject? next))
            {
                return null;
            }
            current = next;
        }
        return current;
    }

    public static (string Parent, string Name) ParentOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? ("", path) : (path[..slash], path[(slash + 1)..]);
    }

    public void AddVisible(OracleDirectory parent, string name, OracleObject node)
    {
        parent.Visible[name] = node;
        node.Names.Add((parent, name));
    }

    public void RemoveVisible(OracleDirectory parent, string name)
    {
        OracleObject node = parent.Visible[name];
        parent.Visible.Remove(name);
        node.Names.Remove((parent, name));
        if (node is OracleDirectory { PlacedIn: null } removed && removed != Root && removed.Names.Count == 0)
        {
            foreach ((string? childName, OracleObject? child) in removed.Durable.ToList())
            {
                if (removed.Durable.GetValueOrDefault(childName) == child)
                {
                    RemoveDurable(removed, childName, child);
                }
            }
        }
    }

    /// <summary>rename(2) on the visible namespace (the caller checked it is allowed).</summary>
    public void Rename(OracleDirectory oldParent, string oldName, OracleDirectory newParent, string newName)
    {
        OracleObject source = oldParent.Visible[oldName];
        if (newParent.Visible.TryGetValue(newName, out OracleObject? target))
        {
            if (target == source)
            {
                return;
            }
            RemoveVisible(newParent, newName);
        }
        oldParent.Visible.Remove(oldName);
        source.Names.Remove((oldParent, oldName));
        AddVisible(newParent, newName, source);
    }

    /// <summary>renameat2(RENAME_EXCHANGE) on the visible namespace (the caller checked it is allowed).</summary>
    public void Exchange(OracleDirectory oldParent, string oldName, OracleDirectory newParent, string newName)
    {
        OracleObject source = oldParent.Visible[oldName];
        OracleObject target = newParent.Visible[newName];
        oldParent.Visible[oldName] = target;
        newParent.Visible[newName] = source;
        target.Names.Remove((newParent, newName));
        source.Names.Remove((oldParent, oldName));
        target.Names.Add((oldParent, oldName));
        source.Names.Add((newParent, newName));
    }

    public static bool IsAncestorOrSelf(OracleObject candidate, OracleDirectory directory)
    {
        for (OracleObject? current = directory; current is not null; current = current.Names.Count > 0 ? current.Names[^1].Parent : null)
        {
            if (current == candidate)
            {
                return true;
            }
        }
        return false;
    }

    // ---- durability ----

    public static void SyncFile(OracleFile file)
    {
        file.DurableContent = file.Content.ToArray();
        file.VersionsSinceSync.Clear();
    }

    /// <summary>
    /// FSYNCDIR, then a check of the rule itself, independent of how the steps above reach it: every
    /// object that had a durable name (one reached from the root through durable entries) and is
    /// still visible has one afterwards. A violation is kept in <see cref="RuleViolation"/>.
    /// </summary>
    public void SyncDirectory(OracleDirectory directory)
    {
        HashSet<OracleObject> before = DurablyReachable();
        SyncEntries(directory);
        HashSet<OracleObject> after = DurablyReachable();
        var lost = before.Where(node => node.Names.Count > 0 && !after.Contains(node)).ToList();
        if (lost.Count > 0 && RuleViolation is null)
        {
            RuleViolation = $"fsync of a directory left {lost.Count} visible object(s) that had a durable name with none (first: {lost[0].GetType().Name} visible as {string.Join(", ", lost[0].Names.Select(name => name.Name))})";
        }
    }

    /// <summary>The first violation of the rule seen by <see cref="SyncDirectory"/>, or null.</summary>
    public string? RuleViolation { get; private set; }

    /// <summary>Every object a crash now keeps: reached from the root through durable entries.</summary>
    private HashSet<OracleObject> DurablyReachable()
    {
        var reached = new HashSet<OracleObject> { Root };
        var pending = new Stack<OracleDirectory>();
        pending.Push(Root);
        while (pending.Count > 0)
        {
            foreach (OracleObject child in pending.Pop().Durable.Values)
            {
                if (reached.Add(child) && child is OracleDirectory directory)
                {
                    pending.Push(directory);
                }
            }
        }
        return reached;
    }

    private bool IsAnchored(OracleDirectory directory)
    {
        for (OracleDirectory? current = directory; current is not null; current = current.PlacedIn)
        {
            if (current == Root)
            {
                return true;
            }
        }
        return false;
    }

    private bool HasAnchoredNameBesides(OracleObject node, OracleDirectory directory, string name) =>
        node is not OracleDirectory && AllDirectories().Any(other => IsAnchored(other)
            && other.Durable.Any(entry => entry.Value == node && !(other == directory && entry.Key == name)));

    /// <summary>Makes a visible directory's path durable from its nearest durable ancestor down.</summary>
    private void AnchorChain(OracleDirectory directory)
    {
        var chain = new List<OracleDirectory>();
        for (OracleDirectory current = directory; !IsAnchored(current); current = current.Names[^1].Parent)
        {
            if (current.Names.Count == 0)
            {
                return;
            }
            chain.Add(current);
        }
        for (int index = chain.Count - 1; index >= 0; index--)
        {
            (OracleDirectory? parent, string? name) = chain[index].Names[^1];
            if (parent.Durable.GetValueOrDefault(name) != chain[index])
            {
                AddDurable(parent, name, chain[index]);
            }
        }
    }

    private void SyncEntries(OracleDirectory directory)
    {
        foreach ((string? name, OracleObject? node) in directory.Durable.ToList())
        {
            if (directory.Durable.GetValueOrDefault(name) == node && directory.Visible.GetValueOrDefault(name) != node)
            {
                RemoveDurable(directory, name, node);
            }
        }
        foreach ((string? name, OracleObject? node) in directory.Visible.ToList())
        {
            if (directory.Durable.GetValueOrDefault(name) != node)
            {
                AddDurable(directory, name, node);
            }
        }
    }

    private int DurableLinks(OracleObject node) => node is OracleDirectory directory
        ? (directory.PlacedIn is null ? 0 : 1)
        : AllDirectories().Sum(directory => directory.Durable.Values.Count(value => value == node));

    // Objects whose visible names are being made durable further up the stack: a cycle of
    // swapped names ends there (the caller adds the name after the inner steps).
    private readonly HashSet<OracleObject> _keepingReachable = [];

    private void RemoveDurable(OracleDirectory directory, string name, OracleObject node)
    {
        bool lastDurableName = IsAnchored(directory) && !HasAnchoredNameBesides(node, directory, name);
        if (node.Names.Count > 0 && (node is OracleDirectory || DurableLinks(node) == 1 || lastDurableName) && _keepingReachable.Add(node))
        {
            foreach ((OracleDirectory? parent, string? visibleName) in VisibleNamesInOrder(node))
            {
                if (lastDurableName)
                {
                    AnchorChain(parent);
                }
                if (parent.Durable.GetValueOrDefault(visibleName) != node)
                {
                    AddDurable(parent, visibleName, node);
                }
            }
            _keepingReachable.Remove(node);
            if (directory.Durable.GetValueOrDefault(name) != node)
            {
                return;
            }
        }
        if (node is OracleDirectory removed)
        {
            if (removed.Names.Count == 0)
            {
                foreach ((string? childName, OracleObject? child) in removed.Durable.ToList())
                {
                    if (removed.Durable.GetValueOrDefault(childName) == child)
                    {
                        RemoveDurable(removed, childName, child);
                    }
                }
                if (directory.Durable.GetValueOrDefault(name) != node)
                {
                    return;
                }
            }
            removed.PlacedIn = null;
        }
        directory.Durable.Remove(name);
        Forgotten.Add(node);
    }

    private void AddDurable(OracleDirectory directory, string name, OracleObject node)
    {
        if (directory.Durable.TryGetValue(name, out OracleObject? replaced) && replaced != node)
        {
            RemoveDurable(directory, name, replaced);
        }
        if (node is OracleDirectory moved)
        {
            if (moved.PlacedIn is { } placed && IsAnchored(placed) && !IsAnchored(directory))
            {
                AnchorChain(directory);
                if (directory.Durable.GetValueOrDefault(name) == node)
                {
                    return;
                }
            }
            while (FindChildOnDurablePath(directory, moved) is { } child)
            {
                foreach ((OracleDirectory? parent, string? visibleName) in VisibleNamesInOrder(child))
                {
                    AddDurable(parent, visibleName, child);
                }
            }
            if (moved.PlacedIn is { } oldPlace)
            {
                oldPlace.Durable.Remove(moved.PlacedName!);
            }
            (moved.PlacedIn, moved.PlacedName) = (directory, name);
        }
        directory.Durable[name] = node;
    }

    private static OracleDirectory? FindChildOnDurablePath(OracleDirectory directory, OracleDirectory node)
    {
        for (OracleDirectory? current = directory; current is not null; current = current.PlacedIn)
        {
            if (current.PlacedIn == node)
            {
                return current;
            }
        }
        return null;
    }

    // LossyTree's order: the newest name first, then the others oldest first.
    private static List<(OracleDirectory Parent, string Name)> VisibleNamesInOrder(OracleObject node) =>
        node.Names.Count == 0 ? [] : [node.Names[^1], .. node.Names.Take(node.Names.Count - 1)];

    /// <summary>Objects whose durable names were removed at some point (reachable ones are found by walking).</summary>
    private HashSet<OracleObject> Forgotten { get; } = [];

    private IEnumerable<OracleDirectory> AllDirectories()
    {
        var seen = new HashSet<OracleDirectory>();
        var pending = new Stack<OracleDirectory>();
        pending.Push(Root);
        foreach (OracleDirectory node in Forgotten.OfType<OracleDirectory>())
        {
            pending.Push(node);
        }
        while (pending.Count > 0)
        {
            OracleDirectory directory = pending.Pop();
            if (!seen.Add(directory))
            {
                continue;
            }
            foreach (OracleDirectory child in directory.Visible.Values.Concat(directory.Durable.Values).OfType<OracleDirectory>())
            {
                pending.Push(child);
            }
        }
        return seen;
    }

    // ---- crash, unmount, expected images ----

    /// <summary>The image a crash must leave (names), each file with its durable content.</summary>
    public SortedDictionary<string, ExpectedEntry> DurableImage()
    {
        var image = new SortedDictionary<string, ExpectedEntry>(StringComparer.Ordinal);
        Walk(Root, "", durable: true, image);
        return image;
    }

    /// <summary>What programs see now (and what a clean unmount must leave).</summary>
    public SortedDictionary<string, ExpectedEntry> VisibleImage()
    {
        var image = new SortedDictionary<string, ExpectedEntry>(StringComparer.Ordinal);
        Walk(Root, "", durable: false, image);
        return image;
    }

    private static void Walk(OracleDirectory directory, string prefix, bool durable, SortedDictionary<string, ExpectedEntry> image)
    {
        foreach ((string? name, OracleObject? node) in durable ? directory.Durable : directory.Visible)
        {
            string path = prefix + "/" + name;
            image[path] = node switch
            {
                OracleFile file => new ExpectedEntry('f', durable ? file.DurableContent : file.Content.ToArray(), file),
                OracleSymlink link => new ExpectedEntry('l', System.Text.Encoding.UTF8.GetBytes(link.Target), link),
                _ => new ExpectedEntry('d', [], node),
            };
            if (node is OracleDirectory child)
            {
                Walk(child, path, durable, image);
            }
        }
    }

    /// <summary>After a crash and remount: only the durable tree remains, and it is what programs see.</summary>
    public void AdoptDurable(Func<OracleFile, byte[]>? actualContent = null)
    {
        var newRoot = new OracleDirectory();
        var copies = new Dictionary<OracleObject, OracleObject>();
        Rebuild(Root, newRoot, durable: true, copies, actualContent);
        Root = newRoot;
        Forgotten.Clear();
    }

    /// <summary>After a clean unmount and remount: everything visible is durable.</summary>
    public void AdoptVisible()
    {
        var newRoot = new OracleDirectory();
        Rebuild(Root, newRoot, durable: false, new Dictionary<OracleObject, OracleObject>(), null);
        Root = newRoot;
        Forgotten.Clear();
    }

    private void Rebuild(OracleDirectory from, OracleDirectory to, bool durable, Dictionary<OracleObject, OracleObject> copies, Func<OracleFile, byte[]>? actualContent)
    {
        foreach ((string? name, OracleObject? node) in durable ? from.Durable : from.Visible)
        {
            if (!copies.TryGetValue(node, out OracleObject? copy))
            {
                copy = node switch
                {
                    OracleFile file => new OracleFile(actualContent?.Invoke(file) ?? (durable ? file.DurableContent : file.Content.ToArray())),
                    OracleSymlink link => new OracleSymlink(link.Target),
                    _ => new OracleDirectory(),
                };
                copies[node] = copy;
                if (copy is OracleDirectory copiedDirectory)
                {
                    Rebuild((OracleDirectory)node, copiedDirectory, durable, copies, actualContent);
                }
            }
            AddVisible(to, name, copy);
            to.Durable[name] = copy;
            if (copy is OracleDirectory placed)
            {
                (placed.PlacedIn, placed.PlacedName) = (to, name);
            }
        }
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>One path of an expected image: kind ('f', 'd', 'l'), content or link target.</summary>
internal sealed record ExpectedEntry(char Kind, byte[] Content, OracleObject Node);

/// <summary>An object of the oracle.</summary>
internal abstract class OracleObject
{
    /// <summary>Visible names, oldest first.</summary>
    public List<(OracleDirectory Parent, string Name)> Names { get; } = [];
}

internal sealed class OracleFile(byte[] content) : OracleObject
{
    public List<byte> Content { get; } = [.. content];

    public byte[] DurableContent { get; set; } = content;

    /// <summary>Every visible content since the last fsync: with --keep random a byte may come from any of them.</summary>
    public List<byte[]> VersionsSinceSync { get; } = [];
}

internal sealed class OracleSymlink(string target) : OracleObject
{
    public string Target { get; } = target;
}

internal sealed class OracleDirectory : OracleObject
{
    public Dictionary<string, OracleObject> Visible { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, OracleObject> Durable { get; } = new(StringComparer.Ordinal);

    public OracleDirectory? PlacedIn { get; set; }

    public string? PlacedName { get; set; }
}
