using System.Globalization;

namespace Writeback.LossyFs.Control;

/// <summary>
/// What a fault or crash request must satisfy, exactly as the CLI's options do (<c>lossyfs fault</c>,
/// <c>lossyfs crash</c>): one rule set for the CLI, the control socket and the in-process API. Each
/// check returns null or a one-line error naming the field.
/// </summary>
internal static class RequestValidation
{
    /// <summary>The errnos a fault may inject: EIO and ENOSPC (what the CLI's --errno accepts).</summary>
    public static readonly int[] FaultErrnos = [5, 28];

    /// <summary>Null when <paramref name="fault"/> is valid; otherwise what is wrong, naming the field.</summary>
    public static string? CheckFault(FaultSpec? fault)
    {
        if (fault is null)
        {
            return "field 'fault' is missing";
        }
        if (string.IsNullOrEmpty(fault.Path))
        {
            return "field 'fault.path' is missing or empty";
        }
        if (!Enum.IsDefined(fault.Operation))
        {
            return Invariant($"field 'fault.operation' must be write or fsync, not {(int)fault.Operation}");
        }
        if (Array.IndexOf(FaultErrnos, fault.Errno) < 0)
        {
            return Invariant($"field 'fault.errno' must be 5 (EIO) or 28 (ENOSPC), not {fault.Errno}");
        }
        if (fault.Count is < 1)
        {
            return Invariant($"field 'fault.count' must be at least 1, not {fault.Count}");
        }
        if ((fault.StartOffsetBytes is null) != (fault.EndOffsetBytes is null))
        {
            return "fields 'fault.startOffsetBytes' and 'fault.endOffsetBytes' must be given together";
        }
        if (fault.StartOffsetBytes is { } start && fault.EndOffsetBytes is { } end && !(start >= 0 && start < end))
        {
            return Invariant($"fields 'fault.startOffsetBytes' ({start}) and 'fault.endOffsetBytes' ({end}) must satisfy 0 <= start < end");
        }
        return null;
    }

    /// <summary>Null when <paramref name="options"/> is valid (null means the defaults); otherwise what is wrong, naming the field.</summary>
    public static string? CheckCrash(CrashOptions? options)
    {
        if (options is null)
        {
            return null;
        }
        if (!Enum.IsDefined(options.Keep))
        {
            return Invariant($"field 'crash.keep' must be none or random, not {(int)options.Keep}");
        }
        return options.AtomicWriteBytes <= 0 || options.AtomicWriteBytes % 512 != 0
            ? Invariant($"field 'crash.atomicWriteBytes' must be a positive multiple of 512, not {options.AtomicWriteBytes}")
            : null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
