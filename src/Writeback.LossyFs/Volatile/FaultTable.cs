namespace Writeback.LossyFs.Volatile;

/// <summary>Armed faults, matched against WRITE and FSYNC requests by the file's visible path.</summary>
internal sealed class FaultTable
{
    private readonly Lock _lock = new();
    private readonly List<Armed> _faults = [];

    /// <summary>Whether any fault is armed (a cheap check before computing paths).</summary>
    public bool IsEmpty { get; private set; } = true;

    /// <summary>Arms a fault.</summary>
    public void Add(FaultSpec spec)
    {
        lock (_lock)
        {
            _faults.Add(new Armed(spec with { Path = Normalize(spec.Path) }, spec.Count));
            IsEmpty = false;
        }
    }

    /// <summary>Disarms every fault.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _faults.Clear();
            IsEmpty = true;
        }
    }

    /// <summary>The faults still armed, with their remaining counts.</summary>
    public List<FaultSpec> Snapshot()
    {
        lock (_lock)
        {
            return _faults.Select(fault => fault.Spec with { Count = fault.Remaining }).ToList();
        }
    }

    /// <summary>Returns the errno of the first armed fault matching the request (and spends one use), or 0.</summary>
    public int Match(string? path, FaultOperation operation, long offsetBytes, long lengthBytes)
    {
        if (path is null)
        {
            return 0;
        }
        lock (_lock)
        {
            foreach (Armed fault in _faults)
            {
                FaultSpec spec = fault.Spec;
                if (spec.Operation != operation || spec.Path != path || fault.Remaining == 0)
                {
                    continue;
                }
                if (operation == FaultOperation.Write
                    && (offsetBytes + lengthBytes <= (spec.StartOffsetBytes ?? 0) || offsetBytes >= (spec.EndOffsetBytes ?? long.MaxValue)))
                {
                    continue;
                }
                if (fault.Remaining is { } remaining)
                {
                    fault.Remaining = remaining - 1;
                }
                return spec.Errno;
            }
            return 0;
        }
    }

    /// <summary>"a/b", "/a/b/" and "/a//b" all become "/a/b".</summary>
    public static string Normalize(string path) =>
        "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries));

    private sealed class Armed(FaultSpec spec, int? remaining)
    {
        public FaultSpec Spec { get; } = spec;
        public int? Remaining { get; set; } = remaining;
    }
}
