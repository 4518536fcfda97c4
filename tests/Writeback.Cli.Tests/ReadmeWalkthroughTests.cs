namespace Writeback.Cli.Tests;

/// <summary>
/// The README's "Crash-testing your program" section, run verbatim as a new user would, in an
/// empty directory outside the clone: its shell blocks through bash, its scenario block saved as
/// the file it says. Only the pack step is shared with the other package tests (same command).
/// </summary>
[Collection(PackagesCollection.Name)]
public class ReadmeWalkthroughTests(PackagesFixture packages)
{
    [SkippableFact]
    public void The_crash_testing_section_works_verbatim_from_an_empty_directory()
    {
        Skip.If(!File.Exists("/bin/bash"), "the README's steps are bash");
        packages.AssertPacked();
        string root = ProcessRunner.RepositoryRoot();
        string section = MarkdownBlocks.Section(File.ReadAllText(Path.Combine(root, "README.md")), "Crash-testing your program");
        MarkdownBlocks.Block[] shell = [.. MarkdownBlocks.Of(root, "README.md", section).Where(b => b.Language == "sh")];
        MarkdownBlocks.Block scenario = MarkdownBlocks.Of(root, "README.md", section)
            .Single(b => b.Language == "csharp" && b.Code.Contains(": ICrashScenario", StringComparison.Ordinal));
        Assert.Equal(3, shell.Length);

        // Step 1, in the clone, is the fixture's own pack command; its output directory is the fixture's.
        string pack = "dotnet " + string.Join(' ', PackagesFixture.PackArguments) + " packages";
        Assert.True(shell[0].Code.Split('\n').Any(l => l.StartsWith(pack, StringComparison.Ordinal)), $"the first step is not '{pack}':\n{shell[0].Code}");
        Assert.Contains("WRITEBACK_PACKAGES=", shell[0].Code);

        using var directory = new TempDirectory();
        string work = directory.File("MyScenarios");
        Directory.CreateDirectory(work);
        var environment = new Dictionary<string, string>
        {
            ["WRITEBACK_PACKAGES"] = packages.Source,
            // A cache of its own: no package of the same version cached earlier can stand in.
            ["NUGET_PACKAGES"] = directory.File("nuget-cache"),
            // And a CLI home of its own: the local-tool resolver cache (~/.dotnet/toolResolverCache)
            // would otherwise keep pointing at a previous run's deleted package cache.
            ["DOTNET_CLI_HOME"] = directory.File("cli-home"),
        };

        Bash(shell[1].Code, work, environment);
        File.WriteAllText(Path.Combine(work, "MyLogScenario.cs"), scenario.Code + "\n");
        ProcessRunner.Result check = Bash(shell[2].Code, work, environment);

        Assert.Contains("my-log", check.StandardOutput);
        Assert.Contains("No crash state broke any of the 1 scenario(s).", check.StandardOutput);
    }

    private static ProcessRunner.Result Bash(string script, string workingDirectory, Dictionary<string, string> environment)
    {
        ProcessRunner.Result result = ProcessRunner.Run("/bin/bash", ["-euo", "pipefail", "-c", script], workingDirectory,
                                                        TimeSpan.FromMinutes(4), environment);
        Assert.True(result.ExitCode == 0, $"the README's step failed:\n{script}\n{result}");
        return result;
    }
}
