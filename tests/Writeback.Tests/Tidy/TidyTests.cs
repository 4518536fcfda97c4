using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Writeback.Tests.Tidy;

/// <summary>
/// The repository's style rules, checked over every C# source file (TigerBeetle's tidy.zig is the
/// model): a rule the compiler cannot state is a test here, so a violation fails the suite with
/// <c>path:line: what (limit)</c> for each offending place. The naming and <c>var</c> rules are
/// the build's (.editorconfig with EnforceCodeStyleInBuild); the public API baselines are
/// <see cref="PublicApiTests"/>. Exemptions are listed in <see cref="Exempt"/>, each with its reason.
/// </summary>
public sealed class TidyTests
{
    /// <summary>The most lines a source file may have: split larger types into partials by concern.</summary>
    public const int MaxFileLines = 600;

    /// <summary>The most lines a method, constructor, accessor or local function may span.</summary>
    public const int MaxMethodLines = 70;

    private static readonly string[] s_everywhere = ["src/", "bench/", "tests/"];

    /// <summary>
    /// Places a rule does not apply to, as "rule|path" or "rule|path:member", each with the reason.
    /// Keep it short: the fix is nearly always to change the code.
    /// </summary>
    private static readonly Dictionary<string, string> s_exempt = new(StringComparer.Ordinal)
    {
        // Empty: the tidy test's first run (2026-12-05) found 34 violations, and all were fixed in
        // the code (files split into partials by concern, long methods into named helpers, each
        // unsafe block narrowed to the calls that need it with its '// Safety:' invariant, no type
        // unsafe as a whole). Add a line here only with a reason no code change can answer.
    };

    // The rules' names, as the exemptions spell them.
    private const string FileLengthRule = "file-length";
    private const string MethodLengthRule = "method-length";
    private const string NativeImportRule = "native-import";
    private const string UnsafeRule = "unsafe";
    private const string BannedRule = "banned";

    /// <summary>Every rule's findings, from one walk over the files and their syntax nodes (see <see cref="FindAll"/>).</summary>
    private static readonly Lazy<ILookup<string, string>> s_findings = new(FindAll);

    [Fact]
    public void FilesAreAtMost600Lines() => AssertNone(FileLengthRule);

    [Fact]
    public void MethodsAreAtMost70Lines() => AssertNone(MethodLengthRule);

    [Fact]
    public void NativeImportsAreOnlyInTheSharedInteropLayer() => AssertNone(NativeImportRule);

    [Fact]
    public void EveryUnsafeBlockIsJustifiedAndNoTypeIsUnsafeWhole() => AssertNone(UnsafeRule);

    [Fact]
    public void BannedApisAreNotUsed() => AssertNone(BannedRule);

    /// <summary>
    /// One pass serves every rule: each file is visited once, and each of its syntax nodes once, by
    /// all the node rules together. Returns "path:line: what" messages grouped by rule, exemptions
    /// already left out.
    /// </summary>
    private static ILookup<string, string> FindAll()
    {
        var findings = new List<(string Rule, string Message)>();
        foreach (SourceFile file in SourceTree.Current.Under(s_everywhere))
        {
            int lineCount = file.Tree.GetText().Lines.Count;
            if (lineCount > MaxFileLines && !Exempt(FileLengthRule, file.Path))
            {
                findings.Add((FileLengthRule, $"{file.At(1)}: file has {lineCount} lines (limit {MaxFileLines}); split it into partials by concern"));
            }
            bool inInterop = file.Path.StartsWith("src/Common/Interop/", StringComparison.Ordinal);
            BannedApis[] bans = [.. BannedApis.All.Where(ban => ban.AppliesTo(file.Path))];
            foreach (SyntaxNode node in file.Tree.GetRoot().DescendantNodes())
            {
                if (MethodTooLong(file, node) is { } longMethod)
                {
                    findings.Add((MethodLengthRule, longMethod));
                }
                if (!inInterop && NativeImport(file, node) is { } import)
                {
                    findings.Add((NativeImportRule, import));
                }
                if (UnsafeProblem(node) is { } problem && !Exempt(UnsafeRule, file.Path))
                {
                    findings.Add((UnsafeRule, $"{file.At(SourceFile.LineOf(node))}: {problem}"));
                }
                foreach (BannedApis ban in bans)
                {
                    if (ban.Matches(node) && !Exempt(BannedRule, $"{file.Path}:{ban.Name}"))
                    {
                        findings.Add((BannedRule, $"{file.At(SourceFile.LineOf(node))}: {ban.Name} is banned here: {ban.Reason}"));
                    }
                }
            }
        }
        return findings.ToLookup(finding => finding.Rule, finding => finding.Message, StringComparer.Ordinal);
    }

    private static string? MethodTooLong(SourceFile file, SyntaxNode node)
    {
        if (Body(node) is null || SourceFile.LineCount(node) <= MaxMethodLines)
        {
            return null;
        }
        string name = NameOf(node);
        return Exempt(MethodLengthRule, $"{file.Path}:{name}")
            ? null
            : $"{file.At(SourceFile.LineOf(node))}: {name} spans {SourceFile.LineCount(node)} lines (limit {MaxMethodLines})";
    }

    private static string? NativeImport(SourceFile file, SyntaxNode node) =>
        node is AttributeSyntax attribute
        && attribute.Name.ToString() is "LibraryImport" or "LibraryImportAttribute" or "DllImport" or "DllImportAttribute"
            or "System.Runtime.InteropServices.LibraryImport" or "System.Runtime.InteropServices.DllImport"
            ? $"{file.At(SourceFile.LineOf(attribute))}: [{attribute.Name}] outside src/Common/Interop (declare it there, one function per file, and link the file)"
            : null;

    private static string? UnsafeProblem(SyntaxNode node) => node switch
    {
        UnsafeStatementSyntax block when !HasSafetyComment(block.UnsafeKeyword) => "unsafe block without a '// Safety:' comment right before it",
        TypeDeclarationSyntax type when type.Modifiers.Any(SyntaxKind.UnsafeKeyword) =>
            $"type '{type.Identifier.Text}' is unsafe as a whole; mark the members or blocks that need it, each with its '// Safety:' comment",
        MemberDeclarationSyntax member when Body(member) is not null && UnsafeModifier(member) is { } keyword && !HasSafetyComment(keyword)
            && !HasSafetyComment(member.GetFirstToken()) => $"unsafe member {NameOf(member)} without a '// Safety:' comment before it",
        _ => null,
    };

    private static bool Exempt(string rule, string place) => s_exempt.ContainsKey($"{rule}|{place}");

    // The body of a method-like node (block or expression), or null for anything else or a declaration without one.
    internal static SyntaxNode? Body(SyntaxNode node) => node switch
    {
        BaseMethodDeclarationSyntax method => (SyntaxNode?)method.Body ?? method.ExpressionBody,
        AccessorDeclarationSyntax accessor => (SyntaxNode?)accessor.Body ?? accessor.ExpressionBody,
        LocalFunctionStatementSyntax local => (SyntaxNode?)local.Body ?? local.ExpressionBody,
        PropertyDeclarationSyntax property => property.ExpressionBody,
        _ => null,
    };

    internal static string NameOf(SyntaxNode node)
    {
        string? type = node.Ancestors().OfType<BaseTypeDeclarationSyntax>().FirstOrDefault()?.Identifier.Text;
        string member = node switch
        {
            MethodDeclarationSyntax m => m.Identifier.Text,
            ConstructorDeclarationSyntax c => c.Identifier.Text + " (constructor)",
            AccessorDeclarationSyntax a => $"{(a.Parent?.Parent as PropertyDeclarationSyntax)?.Identifier.Text ?? "indexer"}.{a.Keyword.Text}",
            LocalFunctionStatementSyntax l => l.Identifier.Text + " (local function)",
            PropertyDeclarationSyntax p => p.Identifier.Text,
            OperatorDeclarationSyntax o => "operator " + o.OperatorToken.Text,
            _ => node.Kind().ToString(),
        };
        return type is null ? $"'{member}'" : $"'{type}.{member}'";
    }

    private static SyntaxToken? UnsafeModifier(MemberDeclarationSyntax member) =>
        member.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.UnsafeKeyword)) is var keyword && keyword.IsKind(SyntaxKind.UnsafeKeyword) ? keyword : null;

    // A "// Safety:" line among the comments right before the token (continuation lines may follow it).
    private static bool HasSafetyComment(SyntaxToken? token) =>
        token is { } t && t.LeadingTrivia.Any(trivia => trivia.IsKind(SyntaxKind.SingleLineCommentTrivia)
                                                        && trivia.ToString().StartsWith("// Safety:", StringComparison.Ordinal));

    private static void AssertNone(string rule)
    {
        var list = s_findings.Value[rule].ToList();
        Assert.True(list.Count == 0, $"{list.Count} tidy violation(s) of rule '{rule}':\n" + string.Join('\n', list));
    }
}
