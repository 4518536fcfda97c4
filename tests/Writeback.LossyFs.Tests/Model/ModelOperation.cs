using System.Globalization;

namespace Writeback.LossyFs.Tests.Model;

/// <summary>What one step of a randomized sequence does.</summary>
internal enum ModelOperationKind
{
    Create, Write, Truncate, Fsync, Fdatasync, Mkdir, Rmdir, Rename, Link, Unlink, Symlink, FsyncDirectory,
    CrashKeepNone, CrashKeepRandom, UnmountAndRemount,

    /// <summary>renameat2(RENAME_EXCHANGE) of two existing paths.</summary>
    Exchange,

    /// <summary>Generator only: mkdir of 1-3 new nested directories, a move of an existing object into them, then fsyncs of some of the directories involved (emitted as those primitive steps).</summary>
    MoveIntoNewDirectories,
}

/// <summary>One step: paths are relative to the mount root ("" is the root).</summary>
internal sealed record ModelOperation(ModelOperationKind Kind, string Path, string Path2 = "", long OffsetBytes = 0, int LengthBytes = 0, ulong Seed = 0)
{
    public override string ToString() => Kind switch
    {
        ModelOperationKind.Write => Invariant($"pwrite {Show(Path)} offset={OffsetBytes} length={LengthBytes} fill={Seed % 251}"),
        ModelOperationKind.Truncate => Invariant($"truncate {Show(Path)} {OffsetBytes}"),
        ModelOperationKind.Rename => $"mv {Show(Path)} {Show(Path2)}",
        ModelOperationKind.Exchange => $"exchange {Show(Path)} {Show(Path2)}",
        ModelOperationKind.Link => $"ln {Show(Path)} {Show(Path2)}",
        ModelOperationKind.Symlink => $"ln -s {Path2} {Show(Path)}",
        ModelOperationKind.CrashKeepRandom => Invariant($"crash --keep random --seed {Seed} --atomic-write-bytes 512; remount"),
        ModelOperationKind.CrashKeepNone => "crash --keep none; remount",
        ModelOperationKind.UnmountAndRemount => "unmount; remount",
        _ => $"{Kind.ToString().ToLowerInvariant()} {Show(Path)}",
    };

    private static string Show(string path) => "/" + path;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
