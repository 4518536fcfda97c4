namespace Writeback.Cli;

/// <summary>The process exit codes of the <c>writeback</c> command, as documented in docs/cli.md.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked and found nothing wrong.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and found failures (crash states that break a scenario, verdicts that differ from the documentation), or an operation on a file failed.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: unknown command or option, bad value, missing file.</summary>
    public const int Usage = 2;

    /// <summary>An unexpected internal error (a bug in writeback): EX_SOFTWARE from sysexits.h.</summary>
    public const int Internal = 70;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT), as shells report it.</summary>
    public const int Cancelled = 130;
}
