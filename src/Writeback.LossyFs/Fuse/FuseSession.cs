using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.Volatile;

namespace Writeback.LossyFs.Fuse;

/// <summary>
/// Serves one LossyFs FUSE connection: the reader threads of <see cref="FuseConnection"/> hand each
/// request to <see cref="Dispatch"/>, which serves it through a table indexed by opcode.
/// </summary>
internal sealed partial class FuseSession : FuseConnection
{
    private readonly LossyTree _tree;
    private readonly FaultTable _faults;
    private readonly Action<string> _log;
    private readonly ConcurrentDictionary<ulong, List<DirectoryEntry>> _directoryHandles = new();
    private long _nextHandle;

    /// <summary>Creates a session on an opened, mounted /dev/fuse descriptor.</summary>
    public FuseSession(SafeFileHandle device, LossyTree tree, FaultTable faults, Action<string> log)
        : base(device, log, "lossyfs")
    {
        _tree = tree;
        _faults = faults;
        _log = log;
    }

    /// <summary>The negotiated protocol minor version (after INIT).</summary>
    public uint ProtocolMinor { get; private set; }
}
