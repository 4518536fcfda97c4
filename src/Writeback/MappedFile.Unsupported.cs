namespace Writeback;

// Windows, macOS and FreeBSD backends slot in here (MappedFile.Windows.cs, MappedFile.OSX.cs);
// until then Open refuses clearly instead of guessing at guarantees it cannot give.
public sealed partial class MappedFile
{
    internal static PlatformNotSupportedException NotSupportedOnThisSystem() => new(
        $"Writeback's MappedFile is implemented for Linux only; {System.Runtime.InteropServices.RuntimeInformation.OSDescription} is not supported yet. " +
        "See docs/semantics.md for what the equivalent calls would guarantee on each system.");
}
