using System.Text.RegularExpressions;

namespace Writeback.Cli.Commands.Trace;

/// <summary>
/// The traced program runs in DIR, not where <c>trace</c> was started: a relative argument such as
/// <c>app.py</c> is read there. Before anything runs, an argument that looks like a file, is not in
/// DIR but is in the current directory is an error (the program would not find it); one that is in
/// neither gets a note (the program may create it).
/// </summary>
internal static partial class ProgramArguments
{
    /// <summary>A word with a file extension (<c>app.py</c>, <c>data.db</c>), not a number such as <c>1.5</c>.</summary>
    [GeneratedRegex(@"^[^=:]*[A-Za-z_][^=:]*\.[A-Za-z][A-Za-z0-9]{0,5}$")]
    private static partial Regex FileName();

    /// <summary>Checks the program's relative arguments against <paramref name="directory"/>.</summary>
    /// <param name="directory">DIR, where the program runs.</param>
    /// <param name="program">The program and its arguments, as given after <c>--</c>.</param>
    /// <param name="currentDirectory">Where <c>trace</c> was started (the checker runs there).</param>
    /// <param name="note">Receives a note line for an argument found in neither directory.</param>
    /// <exception cref="UsageException">An argument is in the current directory but not in DIR.</exception>
    public static void Check(string directory, IReadOnlyList<string> program, string currentDirectory, Action<string> note)
    {
        string dir = Path.GetFullPath(directory, currentDirectory);
        foreach (string argument in program.Skip(1))
        {
            if (!LooksLikeFile(argument) || Path.Exists(Path.Combine(dir, argument)))
            {
                continue;
            }
            string here = Path.GetFullPath(argument, currentDirectory);
            if (Path.Exists(here))
            {
                throw new UsageException($"trace: '{argument}' is not in {dir}, where the program runs and reads relative arguments; "
                                         + $"it is in the current directory: give its full path ({here}) or copy it into {dir}.");
            }
            note($"trace: note: '{argument}' does not exist in {dir}, where the program runs (fine if the program creates it).");
        }
    }

    /// <summary>A relative argument that names a file: it has a directory part or a file extension, and is no option.</summary>
    internal static bool LooksLikeFile(string argument) =>
        argument.Length > 0 && !argument.StartsWith('-') && !Path.IsPathRooted(argument) && !argument.Contains(' ', StringComparison.Ordinal) && !argument.Contains(':', StringComparison.Ordinal)
        && (argument.Contains('/', StringComparison.Ordinal) || FileName().IsMatch(argument));
}
