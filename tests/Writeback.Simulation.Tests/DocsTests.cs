using System.Text.RegularExpressions;
using System.Text;
using Writeback.Simulation.Examples;
using Writeback.Simulation.Kernel;

namespace Writeback.Simulation.Tests;

/// <summary>
/// Keeps the generated sections of docs/crash-testing.md equal to what the code produces. With
/// <c>WRITEBACK_UPDATE_DOCS=1</c> the test rewrites them instead of failing.
/// </summary>
public sealed partial class DocsTests
{
    [Fact]
    public void The_generated_sections_of_crash_testing_md_match_the_code()
    {
        string root = RepositoryRoot();
        string path = Path.Combine(root, "docs", "crash-testing.md");
        string text = File.ReadAllText(path);
        var sections = new Dictionary<string, string>
        {
            // A copy of a scenario written against the public API only, so that readers can build it.
            ["example-scenario"] = CodeBlock(File.ReadAllText(Path.Combine(root, "tests", "Writeback.Simulation.Tests", "DocsExampleScenario.cs"))),
            ["usage"] = CodeBlock(UsageRegion(File.ReadAllText(Path.Combine(root, "tests", "Writeback.Simulation.Tests", "DocsExampleTests.cs")))),
            ["models"] = ModelsTable(),
            ["verdict-matrix"] = BundledScenarios.VerdictMatrixMarkdown(),
        };
        string updated = text;
        foreach ((string? name, string? content) in sections)
        {
            var pattern = new Regex($"(<!-- BEGIN GENERATED: {name} -->\n)(.*?)(<!-- END GENERATED: {name} -->)", RegexOptions.Singleline);
            Assert.Matches(pattern, updated);
            updated = pattern.Replace(updated, match => match.Groups[1].Value + content + match.Groups[3].Value);
        }
        if (updated != text && Environment.GetEnvironmentVariable("WRITEBACK_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, updated);
            return;
        }
        Assert.True(updated == text, "docs/crash-testing.md's generated sections differ from the code; run the tests with WRITEBACK_UPDATE_DOCS=1 to rewrite them");
    }

    private static string CodeBlock(string code) => "```csharp\n" + code.TrimEnd() + "\n```\n";

    private static string UsageRegion(string source)
    {
        Match match = UsagePattern().Match(source);
        Assert.True(match.Success, "the usage region is missing");
        List<string> lines = match.Groups[1].Value.Split('\n').ToList();
        int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).Trim('\n');
    }

    /// <summary>Per model and call, what the call guarantees, from the model's effects.</summary>
    private static string ModelsTable()
    {
        static string Level(DurabilityLevel level) => level switch
        {
            DurabilityLevel.Stable => "stable",
            DurabilityLevel.DeviceCache => "drive cache",
            _ => "nothing",
        };
        static string Effect(FlushEffect effect, string scope) => effect.Data != DurabilityLevel.None
            ? $"{(effect.WholeFile ? "whole file" : scope)} → {Level(effect.Data)}; length → {Level(effect.Length)}"
            : effect.StartsIo ? $"{(effect.WholeFile ? "whole file" : scope)} in flight; nothing guaranteed" : "nothing (no-op)";
        StringBuilder text = new StringBuilder()
            .Append("| model | `Flush(offset, length)`, `FlushAsync` | `Flush()` | `FlushFile()` | `StartWriteback` | `FlushDirectory()` |\n")
            .Append("|---|---|---|---|---|---|\n");
        foreach (KernelModel model in KernelModel.All)
        {
            text.Append("| `").Append(model.Name).Append("` | ")
                .Append(Effect(model.RangeFlush, "range")).Append(" | ")
                .Append(Effect(model.MappingFlush, "mapping")).Append(" | ")
                .Append(Effect(model.FileFlush, "whole file")).Append(" | ")
                .Append(Effect(model.StartWritebackEffect, "range")).Append(" | names → ")
                .Append(Level(model.DirectoryFlush)).Append(" |\n");
        }
        text.Append('\n');
        foreach (KernelModel model in KernelModel.All)
        {
            text.Append("- `").Append(model.Name).Append("`: ").Append(model.Description).Append('\n');
        }
        return text.ToString();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Writeback.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (Writeback.slnx) was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"#region usage\r?\n(.*?)\r?\n[ \t]*#endregion", RegexOptions.Singleline)]
    private static partial Regex UsagePattern();
}
