namespace Writeback.Cli.Output;

/// <summary>
/// How this process was started, as a command prefix a user can paste: <c>writeback</c> for a global
/// tool (or one on PATH), <c>dotnet writeback</c> for a local tool (a tool manifest), <c>dotnet run
/// --project src/Writeback.Cli --</c> from a clone, and the program's path when it was run by path.
/// Reproduce lines start with it, so that they run as they stand.
/// </summary>
internal static class Invocation
{
    /// <summary>The prefix for this process (computed once).</summary>
    public static string Prefix { get; } = Describe(Environment.ProcessPath, AppContext.BaseDirectory, Environment.CurrentDirectory,
                                                    Environment.GetEnvironmentVariable("PATH"));

    /// <summary>Replaces a command line's leading <c>writeback</c> with <see cref="Prefix"/>.</summary>
    /// <param name="commandLine">A command line starting <c>writeback …</c>.</param>
    /// <returns>The command line as this process's user would type it.</returns>
    public static string Apply(string commandLine) =>
        commandLine.StartsWith("writeback ", StringComparison.Ordinal) ? Prefix + commandLine["writeback".Length..] : commandLine;

    /// <summary>The prefix for a process whose executable is <paramref name="processPath"/> and whose assembly lies in <paramref name="baseDirectory"/>.</summary>
    /// <param name="processPath">The executable: <c>dotnet</c> (the muxer) or the tool's apphost.</param>
    /// <param name="baseDirectory">The directory of the tool's assembly.</param>
    /// <param name="currentDirectory">The current directory, to print a clone's project path relative to it.</param>
    /// <param name="pathVariable">PATH, to tell a tool on PATH from one run by its path.</param>
    /// <returns>The prefix, e.g. <c>dotnet writeback</c>.</returns>
    internal static string Describe(string? processPath, string baseDirectory, string currentDirectory, string? pathVariable)
    {
        string executable = Path.GetFileNameWithoutExtension(processPath ?? "");
        string assemblyDirectory = Path.TrimEndingDirectorySeparator(baseDirectory);
        if (ProjectDirectoryOf(assemblyDirectory) is { } project)
        {
            string relative = Path.GetRelativePath(currentDirectory, project);
            return $"dotnet run --project {CommandLine.Quote(relative.StartsWith("..", StringComparison.Ordinal) ? project : relative)} --";
        }
        if (executable == "dotnet")
        {
            // The muxer runs a local tool (dotnet writeback, from the NuGet cache) and a dll by path.
            return assemblyDirectory.Contains("/.nuget/packages/", StringComparison.Ordinal) || assemblyDirectory.Contains("/tools/", StringComparison.Ordinal)
                ? "dotnet writeback"
                : "writeback";
        }
        if (processPath is not null && executable is "writeback" or "Writeback.Cli")
        {
            string? directory = Path.GetDirectoryName(processPath);
            bool onPath = (pathVariable ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Any(d => string.Equals(Path.TrimEndingDirectorySeparator(d), directory, StringComparison.Ordinal));
            return onPath ? Path.GetFileName(processPath) : CommandLine.Quote(processPath);
        }
        return "writeback"; // a host of another name (a test runner): the tool's documented name
    }

    /// <summary>The project directory of an assembly built in a clone (<c>PROJECT/bin/CONFIG/TFM</c> beside <c>Writeback.Cli.csproj</c>).</summary>
    private static string? ProjectDirectoryOf(string assemblyDirectory)
    {
        DirectoryInfo? directory = new(assemblyDirectory);
        for (int depth = 0; depth < 4 && directory is not null; depth++, directory = directory.Parent)
        {
            if (directory.Name == "bin" && directory.Parent is { } project && File.Exists(Path.Combine(project.FullName, "Writeback.Cli.csproj")))
            {
                return project.FullName;
            }
        }
        return null;
    }
}
