namespace Writeback.LossyFs.Tests.Model;

/// <summary>POSIX preconditions and visible effects of each operation, applied to the oracle.</summary>
internal static class ModelSemantics
{
    /// <summary>The bytes a write operation writes (deterministic from its seed).</summary>
    public static byte[] Fill(ModelOperation operation)
    {
        byte[] data = new byte[operation.LengthBytes];
        byte value = (byte)(1 + operation.Seed % 251);
        for (int index = 0; index < data.Length; index++)
        {
            data[index] = (byte)(value + index / 512);
        }
        return data;
    }

    /// <summary>Applies the operation when it is valid in the oracle's state; false when it must be skipped.</summary>
    public static bool Apply(NamespaceOracle oracle, ModelOperation operation)
    {
        OracleObject? node = oracle.Resolve(operation.Path);
        (string? parentPath, string? name) = NamespaceOracle.ParentOf(operation.Path);
        var parent = oracle.Resolve(parentPath) as OracleDirectory;
        switch (operation.Kind)
        {
            case ModelOperationKind.Create:
            case ModelOperationKind.Mkdir:
            case ModelOperationKind.Symlink:
                if (parent is null || node is not null || operation.Path.Length == 0)
                {
                    return false;
                }
                oracle.AddVisible(parent, name, operation.Kind switch
                {
                    ModelOperationKind.Create => new OracleFile([]),
                    ModelOperationKind.Mkdir => new OracleDirectory(),
                    _ => new OracleSymlink(operation.Path2),
                });
                return true;
            case ModelOperationKind.Write when node is OracleFile file:
                Write(file, operation);
                return true;
            case ModelOperationKind.Truncate when node is OracleFile file:
                Resize(file, (int)operation.OffsetBytes);
                file.VersionsSinceSync.Add([.. file.Content]);
                return true;
            case ModelOperationKind.Fsync or ModelOperationKind.Fdatasync when node is OracleFile file:
                NamespaceOracle.SyncFile(file);
                return true;
            case ModelOperationKind.FsyncDirectory when node is OracleDirectory directory:
                oracle.SyncDirectory(directory);
                return true;
            case ModelOperationKind.Rmdir when node is OracleDirectory { Visible.Count: 0 } && parent is not null && operation.Path.Length > 0:
                oracle.RemoveVisible(parent, name);
                return true;
            case ModelOperationKind.Unlink when node is OracleFile or OracleSymlink:
                oracle.RemoveVisible(parent!, name);
                return true;
            case ModelOperationKind.Link when node is OracleFile:
                return LinkTo(oracle, node, operation.Path2);
            case ModelOperationKind.Rename when node is not null && operation.Path.Length > 0:
                return Rename(oracle, parent!, name, node, operation.Path2);
            case ModelOperationKind.Exchange when node is not null && operation.Path.Length > 0:
                return Exchange(oracle, parent!, name, node, operation.Path2);
            default:
                return false;
        }
    }

    private static void Write(OracleFile file, ModelOperation operation)
    {
        byte[] data = Fill(operation);
        int end = (int)operation.OffsetBytes + data.Length;
        if (file.Content.Count < end)
        {
            Resize(file, end);
        }
        for (int index = 0; index < data.Length; index++)
        {
            file.Content[(int)operation.OffsetBytes + index] = data[index];
        }
        file.VersionsSinceSync.Add([.. file.Content]);
    }

    private static void Resize(OracleFile file, int lengthBytes)
    {
        if (file.Content.Count > lengthBytes)
        {
            file.Content.RemoveRange(lengthBytes, file.Content.Count - lengthBytes);
        }
        else
        {
            file.Content.AddRange(new byte[lengthBytes - file.Content.Count]);
        }
    }

    private static bool LinkTo(NamespaceOracle oracle, OracleObject node, string path)
    {
        (string? parentPath, string? name) = NamespaceOracle.ParentOf(path);
        if (oracle.Resolve(parentPath) is not OracleDirectory parent || parent.Visible.ContainsKey(name))
        {
            return false;
        }
        oracle.AddVisible(parent, name, node);
        return true;
    }

    /// <summary>renameat2(RENAME_EXCHANGE): both must exist, and neither may contain the other's parent.</summary>
    private static bool Exchange(NamespaceOracle oracle, OracleDirectory oldParent, string oldName, OracleObject source, string path)
    {
        (string? parentPath, string? newName) = NamespaceOracle.ParentOf(path);
        if (path.Length == 0 || oracle.Resolve(parentPath) is not OracleDirectory newParent
            || !newParent.Visible.TryGetValue(newName, out OracleObject? target) || target == source
            || NamespaceOracle.IsAncestorOrSelf(source, newParent) || NamespaceOracle.IsAncestorOrSelf(target, oldParent))
        {
            return false;
        }
        oracle.Exchange(oldParent, oldName, newParent, newName);
        return true;
    }

    private static bool Rename(NamespaceOracle oracle, OracleDirectory oldParent, string oldName, OracleObject source, string path)
    {
        (string? parentPath, string? newName) = NamespaceOracle.ParentOf(path);
        if (path.Length == 0 || oracle.Resolve(parentPath) is not OracleDirectory newParent
            || (source is OracleDirectory && NamespaceOracle.IsAncestorOrSelf(source, newParent)))
        {
            return false;
        }
        if (newParent.Visible.TryGetValue(newName, out OracleObject? target) && target != source)
        {
            bool allowed = source is OracleDirectory
                ? target is OracleDirectory { Visible.Count: 0 }
                : target is not OracleDirectory;
            if (!allowed)
            {
                return false;
            }
        }
        oracle.Rename(oldParent, oldName, newParent, newName);
        return true;
    }
}
