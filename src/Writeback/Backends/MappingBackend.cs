namespace Writeback.Backends;

/// <summary>
/// Everything operating-system specific behind <see cref="MappedFile"/> and
/// <see cref="DirectoryStorage"/>: the platform-neutral front does argument checks, poisoning,
/// spans, metrics and group commit, and calls only this. One class with one partial file per
/// system, as dotnet/runtime splits <c>X.cs</c> from <c>X.Linux.cs</c> (only
/// <c>MappingBackend.Linux.cs</c> so far; elsewhere <see cref="UnsupportedBackend"/> overrides
/// every call to throw). Every call returns 0 or the system's positive error number and never
/// throws; <see cref="NameOf"/> names each call for error messages. The process's
/// <see cref="DurabilityEngine"/> belongs to the backend (<see cref="Engine"/>). Stateless and
/// thread-safe. The members are virtual for the test assembly's fault injector, which derives
/// from this class and calls the real system through <c>base</c>.
/// </summary>
internal partial class MappingBackend
{
    /// <summary>For the system's backend and for derived test backends.</summary>
    protected internal MappingBackend()
    {
    }

    /// <summary>This system's backend: <see cref="MappingBackend"/> on Linux; elsewhere one whose every call throws <see cref="PlatformNotSupportedException"/>.</summary>
    public static MappingBackend Current { get; } = OperatingSystem.IsLinux() ? new MappingBackend() : new UnsupportedBackend();

    /// <summary>The exception for a system without a backend.</summary>
    public static PlatformNotSupportedException NotSupported() =>
        new($"Writeback's MappedFile is implemented for Linux only; {System.Runtime.InteropServices.RuntimeInformation.OSDescription} is not supported yet. " +
            "See docs/semantics.md for what the equivalent calls would guarantee on each system.");
}
