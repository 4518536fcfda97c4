namespace Writeback.Backends;

/// <summary>The one place where the backend for this operating system is chosen.</summary>
internal static class MappingBackend
{
    /// <summary>The Linux backend on Linux; elsewhere a backend whose every call throws <see cref="PlatformNotSupportedException"/>.</summary>
    public static IMappingBackend Current { get; } =
        OperatingSystem.IsLinux() ? new Linux.LinuxBackend() : new UnsupportedBackend();

    /// <summary>The exception for a system without a backend.</summary>
    public static PlatformNotSupportedException NotSupported() =>
        new($"Writeback's MappedFile is implemented for Linux only; {System.Runtime.InteropServices.RuntimeInformation.OSDescription} is not supported yet. " +
            "See docs/semantics.md for what the equivalent calls would guarantee on each system.");
}
