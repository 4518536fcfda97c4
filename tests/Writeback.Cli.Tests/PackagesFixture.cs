namespace Writeback.Cli.Tests;

/// <summary>
/// Packs the solution once, with the command the README gives (<c>dotnet pack Writeback.slnx -c
/// Release -o DIR</c>): the Writeback.Cli tool and the Writeback and Writeback.Simulation
/// libraries land in one temporary package source that the tests then install from and build
/// against, as users would.
/// </summary>
public sealed class PackagesFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public PackagesFixture()
    {
        Source = _directory.File("packages");
        string root = ProcessRunner.RepositoryRoot();
        // --no-restore: the test run has restored already; restoring again would rewrite the
        // obj/project.assets.json files other test processes may be reading.
        Results =
        [
            ProcessRunner.Run("dotnet", [.. PackArguments, Source, "--no-restore", "--nologo"], root, TimeSpan.FromMinutes(6)),
        ];
    }

    /// <summary>The README's pack command, without the output directory's value.</summary>
    public static IReadOnlyList<string> PackArguments { get; } = ["pack", "Writeback.slnx", "-c", "Release", "-o"];

    /// <summary>A NuGet.config whose only source is <see cref="Source"/>: nothing is fetched from elsewhere.</summary>
    public string LocalOnlyConfig
    {
        get
        {
            string path = _directory.File("NuGet.local.config");
            File.WriteAllText(path, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="packed" value="{Source}" />
                  </packageSources>
                </configuration>
                """);
            return path;
        }
    }

    /// <summary>The directory holding the .nupkg files.</summary>
    public string Source { get; }

    internal IReadOnlyList<ProcessRunner.Result> Results { get; }

    /// <summary>A NuGet package cache of its own, so that a package of the same version cached earlier on this machine cannot stand in for the one just packed.</summary>
    public string PrivateCache => _directory.File("nuget-cache");

    public void AssertPacked()
    {
        foreach (ProcessRunner.Result result in Results)
        {
            Assert.True(result.ExitCode == 0, "dotnet pack failed: " + result);
        }
    }

    public void Dispose() => _directory.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackagesFixture>
{
    public const string Name = "packages";
}
