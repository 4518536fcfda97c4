namespace Writeback.Tracing.Corpus;

/// <summary>
/// One entry of the corpus (corpus/NAME/entry.json, the format documented in corpus/README.md): a
/// real program driven through a few acknowledged operations, how to build, set up and run it, its
/// checker, and the verdict per model and crash kind its documentation promises.
/// </summary>
public sealed record CorpusEntry
{
    /// <summary>The entry's name, equal to its folder's name.</summary>
    public required string Name { get; init; }

    /// <summary>The engine or runtime (sqlite3, lmdb, git, ...).</summary>
    public required string Engine { get; init; }

    /// <summary>One line: what the program does.</summary>
    public required string Summary { get; init; }

    /// <summary>Commands that must be on PATH to build, set up and record the entry.</summary>
    public required IReadOnlyList<string> Requires { get; init; }

    /// <summary>Commands the checker needs (a replay needs only these).</summary>
    public required IReadOnlyList<string> CheckerRequires { get; init; }

    /// <summary>The shell command that builds the program or checker into <c>${BUILD}</c>, or null.</summary>
    public string? Build { get; init; }

    /// <summary>The shell command run untraced in the empty data directory before recording, or null.</summary>
    public string? Setup { get; init; }

    /// <summary>A shell command printing the program's version (first line kept), or null.</summary>
    public string? Version { get; init; }

    /// <summary>The traced program and its arguments, with placeholders.</summary>
    public required IReadOnlyList<string> Run { get; init; }

    /// <summary>The checker command, with placeholders.</summary>
    public required string Checker { get; init; }

    /// <summary>The <c>--ignore</c> globs.</summary>
    public required IReadOnlyList<string> Ignore { get; init; }

    /// <summary>The documented durability promise, quoted.</summary>
    public required string PromiseText { get; init; }

    /// <summary>Where the promise comes from.</summary>
    public required string PromiseLink { get; init; }

    /// <summary>Model name → crash kind → expected pass (true) or fail (false); Linux3_16Range is always present.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<CrashKind, bool>> Expected { get; init; }

    /// <summary>How the documentation implies each expected verdict.</summary>
    public required string Reasoning { get; init; }

    /// <summary>The entry's folder (absolute).</summary>
    public required string Folder { get; init; }

    /// <summary>The corpus folder (absolute): the entry folder's parent.</summary>
    public string CorpusFolder => Path.GetDirectoryName(Folder)!;

    /// <summary>Expands <c>${ENTRY}</c>, <c>${CORPUS}</c>, <c>${BUILD}</c> and <c>${PYTHON}</c> in one command or argument.</summary>
    /// <param name="text">The text with placeholders.</param>
    /// <param name="buildDirectory">The entry's build directory (absolute).</param>
    /// <returns>The text with every placeholder replaced.</returns>
    public string Expand(string text, string buildDirectory)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("${ENTRY}", Folder, StringComparison.Ordinal)
                   .Replace("${CORPUS}", CorpusFolder, StringComparison.Ordinal)
                   .Replace("${BUILD}", buildDirectory, StringComparison.Ordinal)
                   .Replace("${PYTHON}", CorpusTools.Python, StringComparison.Ordinal);
    }

    /// <summary>The checker command with its placeholders expanded (its build must exist when it uses <c>${BUILD}</c>).</summary>
    /// <param name="buildDirectory">The entry's build directory (absolute).</param>
    /// <returns>The command to pass as the checker.</returns>
    public string ExpandedChecker(string buildDirectory) => Expand(Checker, buildDirectory);

    /// <summary>Whether the checker needs the entry's build (it names <c>${BUILD}</c>).</summary>
    public bool CheckerNeedsBuild => Checker.Contains("${BUILD}", StringComparison.Ordinal);
}
