namespace Writeback.Cli;

/// <summary>
/// A mistake on the command line found while a command runs (a file that does not exist, an
/// unknown model name). Reported as one line on stderr with exit code <see cref="ExitCodes.Usage"/>.
/// </summary>
internal sealed class UsageException : Exception
{
    /// <summary>Creates the exception with the line the user will read.</summary>
    /// <param name="message">What was wrong and, where it helps, what is accepted.</param>
    public UsageException(string message) : base(message)
    {
    }
}
