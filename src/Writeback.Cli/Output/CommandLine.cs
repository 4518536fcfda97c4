namespace Writeback.Cli.Output;

/// <summary>Command lines a user can paste into a POSIX shell as they stand.</summary>
internal static class CommandLine
{
    /// <summary>A word for the shell: as it is when it holds only safe characters, else in single quotes.</summary>
    /// <param name="word">The word.</param>
    /// <returns>The quoted word.</returns>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=:,+@%".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Words joined with spaces, each quoted as it needs.</summary>
    /// <param name="words">The words.</param>
    /// <returns>The command line.</returns>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));
}
