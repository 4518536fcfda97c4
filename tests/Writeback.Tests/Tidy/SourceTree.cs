using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Writeback.Tests.Tidy;

/// <summary>
/// The repository's C# sources, parsed once: every <c>.cs</c> file under <c>src/</c>,
/// <c>bench/</c> and <c>tests/</c> (not <c>bin/</c> or <c>obj/</c>), with paths relative to the
/// repository root and '/'-separated, as the tidy rules and their messages use them.
/// </summary>
internal sealed class SourceTree
{
    private static readonly Lazy<SourceTree> s_current = new(() => new SourceTree(FindRoot()));
    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Preview);

    private SourceTree(string root)
    {
        Root = root;
        Files = [.. new[] { "src", "bench", "tests" }
            .SelectMany(top => Directory.EnumerateFiles(Path.Combine(root, top), "*.cs", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => new SourceFile(path, CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(root, path)), s_parseOptions, path)))];
    }

    /// <summary>The tree of the repository this test assembly was built from.</summary>
    public static SourceTree Current => s_current.Value;

    /// <summary>The repository's root directory (where Writeback.slnx is).</summary>
    public string Root { get; }

    /// <summary>Every source file, in path order.</summary>
    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>The files under any of <paramref name="prefixes"/> (e.g. <c>src/</c>).</summary>
    public IEnumerable<SourceFile> Under(params string[] prefixes) =>
        Files.Where(file => prefixes.Any(prefix => file.Path.StartsWith(prefix, StringComparison.Ordinal)));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Writeback.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no Writeback.slnx above {AppContext.BaseDirectory}");
    }
}

/// <summary>One parsed source file.</summary>
/// <param name="Path">Relative to the repository root, '/'-separated.</param>
/// <param name="Tree">Its syntax tree.</param>
internal sealed record SourceFile(string Path, SyntaxTree Tree)
{
    /// <summary>The 1-based line of <paramref name="node"/>'s first token (attributes and comments excluded).</summary>
    public static int LineOf(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>The 1-based line of <paramref name="token"/>.</summary>
    public static int LineOf(SyntaxToken token) => token.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>The number of lines the node spans, from its first token to its last.</summary>
    public static int LineCount(SyntaxNode node)
    {
        FileLinePositionSpan span = node.GetLocation().GetLineSpan();
        return span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
    }

    /// <summary>"path:line".</summary>
    public string At(int line) => $"{Path}:{line}";
}
