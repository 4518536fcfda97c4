using Writeback.LossyFs.RealFs;

namespace Writeback.LossyFs.Tests.RealFs;

/// <summary>
/// End to end on a real ext4 over a logged loop device (root, loop devices, e2fsprogs; skipped
/// otherwise). Small programs keep each run to a few seconds.
/// </summary>
public class RealFsRunnerTests
{
    // The checker: after "ack" the file must hold "new". Prints what it saw either way.
    private const string Checker = "f=$(cat \"$WRITEBACK_IMAGE/f\" 2>/dev/null || echo absent); echo \"f=$f\"; "
                                   + "grep -q ack \"$WRITEBACK_OUTPUT\" || exit 0; [ \"$f\" = new ]";

    private static void SkipUnlessAvailable(FileSystemKind kind)
    {
        string? reason = FileSystemTools.MissingReason(kind);
        Skip.If(reason is not null, $"realfs cannot run here: {reason}");
    }

    private static RealFsOptions Options(string script, FileSystemKind kind = FileSystemKind.Ext4) => new()
    {
        FileSystem = kind,
        Checker = Checker,
        Program = "/bin/sh",
        Arguments = ["-c", script],
        Crashes = 150,
    };

    [SkippableFact]
    public void AWriteAcknowledgedWithoutFsyncIsLostInSomeCrashImage()
    {
        SkipUnlessAvailable(FileSystemKind.Ext4);
        RealFsReport report = new RealFsRunner(Options("echo new > f; echo ack")).Run();
        Assert.True(report.Images.Count > 0);
        Assert.Contains(report.Images, i => !i.Passed);
        Assert.All(report.Images, i => Assert.False(i.MountFailed));
        Assert.All(report.Images, i => Assert.True(i.FsckClean, i.FsckMessage));
        AssertNothingLeft();
    }

    [SkippableFact]
    public void AWriteFsyncedBeforeItsAcknowledgementSurvivesEveryCrashImage()
    {
        SkipUnlessAvailable(FileSystemKind.Ext4);
        // fsync of the file (coreutils sync FILE) and of the directory: durable under any model.
        RealFsReport report = new RealFsRunner(Options("echo new > f; sync f; sync .; echo ack")).Run();
        Assert.True(report.Flushes > 0, "the loop driver's flushes reach the block log as fsync");
        Assert.True(report.Images.Count >= 5, $"only {report.Images.Count} crash images");
        Assert.All(report.Images, i => Assert.True(i.Passed, $"{i.CrashPoint}: {i.Outcome}"));
        // Both outcomes of the unacknowledged prefix are seen: the write is not yet there, then it is.
        Assert.Contains(report.Images, i => i.Outcome == "f=absent");
        Assert.Contains(report.Images, i => i.Outcome == "f=new");
        AssertNothingLeft();
    }

    [SkippableFact]
    public void AHangingCheckerIsKilledAndEverythingIsCleanedUp()
    {
        SkipUnlessAvailable(FileSystemKind.Ext4);
        RealFsOptions options = Options("echo new > f; sync f") with { Checker = "sleep 30", CheckerTimeout = TimeSpan.FromSeconds(1), Fsck = false };
        RealFsException error = Assert.Throws<RealFsException>(() => new RealFsRunner(options).Run());
        Assert.Contains("ran past its timeout", error.Message, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [SkippableFact]
    public void AFailingProgramIsReportedInOneLineAndCleanedUp()
    {
        SkipUnlessAvailable(FileSystemKind.Ext4);
        RealFsException error = Assert.Throws<RealFsException>(() => new RealFsRunner(Options("echo broken >&2; exit 3")).Run());
        Assert.Contains("exited with 3: broken", error.Message, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [SkippableFact]
    public void CancellingStopsTheRunAndCleansUp()
    {
        SkipUnlessAvailable(FileSystemKind.Ext4);
        using var cancellation = new CancellationTokenSource();
        RealFsOptions options = Options("echo new > f; sync f; echo ack") with { Checker = "sleep 0.2" };
        var runner = new RealFsRunner(options, cancellation.Token, _ => cancellation.CancelAfter(300));
        Assert.ThrowsAny<OperationCanceledException>(() => runner.Run());
        AssertNothingLeft();
    }

    /// <summary>No loop device, mount or work directory of a realfs run of this process remains.</summary>
    private static void AssertNothingLeft()
    {
        string tag = $"writeback-realfs-{Environment.ProcessId}-";
        Assert.DoesNotContain(tag, File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
        string loops = ExternalCommand.Run("losetup", ["-a"], TimeSpan.FromSeconds(30)).Output;
        Assert.DoesNotContain(tag, loops, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories("/dev/shm", tag + "*"));
    }
}
