using Spectre.Console.Cli;

namespace Writeback.Cli.Commands.LossyFs;

/// <summary>Registers <c>writeback lossyfs mount|unmount|status|crash|fault</c>.</summary>
public static class LossyFsCommands
{
    /// <summary>Exit code: success.</summary>
    internal const int Ok = 0;

    /// <summary>Adds the <c>lossyfs</c> branch to the command line.</summary>
    public static void AddTo(IConfigurator config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.AddBranch<CommandSettings>("lossyfs", lossyfs =>
        {
            lossyfs.SetDescription("A FUSE file system that loses exactly the data not yet made durable (fsync/fsyncdir), for crash-testing any program on the real kernel.");
            lossyfs.AddCommand<LossyFsMountCommand>("mount")
                .WithDescription("Mount LossyFs over a backing directory; runs until unmounted (or detaches with --daemon).")
                .WithExample("lossyfs", "mount", "--backing", "/data/backing", "/mnt/lossy", "--daemon");
            lossyfs.AddCommand<LossyFsUnmountCommand>("unmount")
                .WithDescription("Unmount cleanly: everything held becomes durable, as at a shutdown.")
                .WithExample("lossyfs", "unmount", "/mnt/lossy");
            lossyfs.AddCommand<LossyFsStatusCommand>("status")
                .WithDescription("Show which files, byte ranges and names are not yet durable, and the memory held.")
                .WithExample("lossyfs", "status", "/mnt/lossy", "--json");
            lossyfs.AddCommand<LossyFsCrashCommand>("crash")
                .WithDescription("Simulate a power cut: drop what is not durable, abort the FUSE connection, unmount. The backing directory is then the post-crash image.")
                .WithExample("lossyfs", "crash", "/mnt/lossy", "--keep", "random", "--seed", "7", "--atomic-write-bytes", "512");
            lossyfs.AddCommand<LossyFsFaultCommand>("fault")
                .WithDescription("Make writes or fsyncs of one file fail with EIO or ENOSPC.")
                .WithExample("lossyfs", "fault", "/mnt/lossy", "--path", "/db/data.mdb", "--op", "write", "--errno", "EIO", "--count", "1");
        });
    }
}
