using System.Globalization;
using Writeback.LossyFs.Tests.Programs;

namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>fstat(2) on a descriptor still open after writes and fsync reports the blocks they allocated, as stat(2) does.</summary>
public sealed class OpenFileAttributeTests
{
    [SkippableFact]
    public void Fstat_on_an_open_descriptor_after_writes_and_fsync_reports_the_backing_files_blocks()
    {
        string? python = ChildProcess.FindOnPath("python3");
        Skip.If(python is null, "python3 is not installed");
        // The real interpreter once (a pyenv shim costs a start of its own per call).
        python = ChildProcess.Run(python!, ["-c", "import sys; print(sys.executable)"], 30_000).Output.Trim();
        using var mount = TestMount.Create();
        string script = """
            import os, sys
            fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR, 0o644)
            print(os.fstat(fd).st_blocks)
            os.write(fd, b"x" * 65536)
            os.fsync(fd)
            print(os.fstat(fd).st_blocks)
            os.close(fd)
            print(os.stat(sys.argv[1]).st_blocks)
            """;
        (int exitCode, string? output, string? error) = ChildProcess.Run(python, ["-c", script, mount.Path("f")], 60_000);
        Assert.True(exitCode == 0, error);
        long[] blocks = [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => long.Parse(line, CultureInfo.InvariantCulture))];
        Assert.Equal(0, blocks[0]);
        Assert.True(blocks[1] >= 128, $"fstat after 64 KiB written and fsynced reports {blocks[1]} blocks of 512 bytes");
        Assert.Equal(blocks[2], blocks[1]);
    }
}
