using System.Text;
using System.Text.RegularExpressions;

namespace Writeback.Cli.Tests;

/// <summary>
/// Every C# block of README.md and docs/*.md compiles against the packed library packages, as a
/// reader would use them. Statement fragments become the body of an async method; blocks that
/// declare types are files of their own. A block may opt out only with a reason:
/// <c>&lt;!-- not-compiled: why --&gt;</c> on one of the two lines above it.
/// </summary>
[Collection(PackagesCollection.Name)]
public partial class DocsCompileTests(PackagesFixture packages)
{
    [Fact]
    public void Every_csharp_block_in_readme_and_docs_compiles_against_the_public_packages()
    {
        packages.AssertPacked();
        string root = ProcessRunner.RepositoryRoot();
        MarkdownBlocks.Block[] blocks = [.. MarkdownBlocks.Files(root).SelectMany(f => MarkdownBlocks.Of(root, f)).Where(b => b.Language == "csharp")];
        Assert.All(blocks.Where(b => b.NotCompiledReason is not null), b => Assert.False(string.IsNullOrWhiteSpace(b.NotCompiledReason), $"{b}: not-compiled needs a reason"));
        MarkdownBlocks.Block[] compiled = [.. blocks.Where(b => b.NotCompiledReason is null)];
        Assert.Contains(compiled, b => b.File == "README.md");

        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("DocBlocks.csproj"), Project(packages.Source));
        File.Copy(packages.LocalOnlyConfig, directory.File("NuGet.config"));
        string[] declaredNamespaces = [.. compiled.SelectMany(b => FileScopedNamespace().Matches(b.Code).Select(m => m.Groups[1].Value)).Distinct()];
        for (int i = 0; i < compiled.Length; i++)
        {
            File.WriteAllText(directory.File($"block{i:D3}.cs"), SourceOf(compiled[i], root, declaredNamespaces));
        }

        ProcessRunner.Result build = ProcessRunner.Run("dotnet", ["build", "-c", "Release", "--nologo", "-clp:NoSummary"], directory.Path,
                                                       TimeSpan.FromMinutes(4),
                                                       new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages.PrivateCache });
        string errors = string.Join('\n', build.StandardOutput.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct());
        Assert.True(build.ExitCode == 0, $"{compiled.Length} blocks; these do not compile (file and line are the Markdown's):\n{errors}\n{build}");
    }

    /// <summary>A project referencing every library package packed (the tool aside), with the library namespaces imported.</summary>
    private static string Project(string source)
    {
        IEnumerable<string> libraries = Directory.GetFiles(source, "*.nupkg")
            .Select(p => Path.GetFileName(p)[..^$".{WritebackCli.Version}.nupkg".Length])
            .Where(id => id != "Writeback.Cli");
        string references = string.Concat(libraries.Select(id => $"""    <PackageReference Include="{id}" Version="{WritebackCli.Version}" />{"\n"}"""));
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
              <ItemGroup>
                <Using Include="Writeback" />
                <Using Include="Writeback.Simulation" />
              </ItemGroup>
            </Project>
            """;
    }

    /// <summary>
    /// The C# file for one block: a declaration block as it is (in a namespace of its own when it
    /// has none); a statement fragment as the body of <c>async Task Run()</c>. <c>#line</c> maps
    /// every error back to the Markdown file and line.
    /// </summary>
    internal static string SourceOf(MarkdownBlocks.Block block, string root, IEnumerable<string> declaredNamespaces)
    {
        string[] lines = block.Code.Split('\n');
        string own = $"DocBlocks.{Regex.Replace(Path.GetFileNameWithoutExtension(block.File), @"\W", "_")}.Block{block.Index}";
        var text = new StringBuilder();
        bool declarations = lines.Any(l => Declaration().IsMatch(l));
        bool fileScoped = lines.Any(l => FileScopedNamespace().IsMatch(l));
        string lineDirective = $"#line {block.FirstLine} \"{Path.Combine(root, block.File)}\"";
        if (declarations && fileScoped)
        {
            return lineDirective + "\n" + block.Code + "\n";
        }

        // using directives first; blanked in place so that line numbers still match.
        foreach (string line in lines.Where(l => UsingDirective().IsMatch(l)))
        {
            text.Append(line).Append('\n');
        }

        foreach (string ns in declaredNamespaces)
        {
            text.Append(CultureInfoInvariant($"using {ns};\n"));
        }

        text.Append(declarations ? $"namespace {own}\n{{\n" : $"namespace {own}\n{{\ninternal static class Fragment\n{{\ninternal static async Task Run()\n{{\n");
        text.Append(lineDirective).Append('\n');
        text.Append(string.Join('\n', lines.Select(l => UsingDirective().IsMatch(l) ? "" : l)));
        text.Append("\n#line default\n");
        text.Append(declarations ? "}\n" : "await Task.CompletedTask;\n}\n}\n}\n");
        return text.ToString();
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    [GeneratedRegex(@"^(?:(?:public|internal|sealed|static|abstract|partial|readonly|file)\s+)*(?:class|record|interface|struct|enum)\s+\w")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileScopedNamespace();

    [GeneratedRegex(@"^using\s+(?:static\s+)?[\w.]+\s*;\s*$")]
    private static partial Regex UsingDirective();
}
