using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Writeback.Tests.Tidy;

/// <summary>
/// APIs the repository does not use, where, and why (<see cref="TidyTests.BannedApisAreNotUsed"/>).
/// Matched on syntax: <c>Type.Member</c> accesses and <c>new Type(...)</c>.
/// </summary>
internal sealed record BannedApis(string Name, string Reason, string[] Scopes, string[] ExceptUnder, Func<SyntaxNode, bool> Matches)
{
    private static readonly string[] s_libraries = ["src/Writeback/", "src/Writeback.Simulation/", "src/Writeback.Tracing/"];
    private static readonly string[] s_interop = ["src/Common/Interop/"];

    /// <summary>The list.</summary>
    public static IReadOnlyList<BannedApis> All { get; } =
    [
        new("System.Random", "simulation and fault injection use the project's seeded PRNG, so every run replays from its printed seed",
            ["src/"], [], node => IsNew(node, "Random") || IsAccess(node, "Random", "Shared") || node is QualifiedNameSyntax { Right.Identifier.Text: "Random", Left: IdentifierNameSyntax { Identifier.Text: "System" } }),
        new("Thread.Sleep", "the library and the simulator never poll on a wall clock (the simulator has no clock; the library waits on events)",
            ["src/Writeback/", "src/Writeback.Simulation/"], [], node => IsAccess(node, "Thread", "Sleep")),
        new("Marshal.GetLastPInvokeError", "errno is read one way, Interop.LastErrno, right after the call (src/Common/Interop)",
            ["src/", "bench/", "tests/"], s_interop, node => IsAccess(node, "Marshal", "GetLastPInvokeError") || IsAccess(node, "Marshal", "GetLastWin32Error") || IsAccess(node, "Marshal", "GetLastSystemError")),
        new("Marshal.GetLastPInvokeErrorMessage", "messages for errno come from Errors.Message / ErrnoName.Describe (src/Common/Interop)",
            ["src/"], s_interop, node => IsAccess(node, "Marshal", "GetLastPInvokeErrorMessage") || IsAccess(node, "Marshal", "GetPInvokeErrorMessage")),
        new("Console", "libraries report through exceptions, events and metrics; only the CLI, LossyFs's default log and the bench write to the console",
            s_libraries, [], node => node is MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "Console" } }),
        new("Environment.Exit", "a library never ends the process for its caller", s_libraries, [], node => IsAccess(node, "Environment", "Exit")),
        new("GC.Collect", "no code forces collections; measure allocations instead (bench/)", ["src/"], [], node => IsAccess(node, "GC", "Collect")),
        new("DateTime.Now", "local time makes logs and file names depend on the machine's zone; use DateTime.UtcNow or Stopwatch",
            ["src/Writeback/", "src/Writeback.Simulation/", "src/Writeback.Tracing/", "src/Writeback.LossyFs/"], [], node => IsAccess(node, "DateTime", "Now")),
    ];

    /// <summary>Whether the ban covers the file at <paramref name="path"/>.</summary>
    public bool AppliesTo(string path) =>
        Scopes.Any(scope => path.StartsWith(scope, StringComparison.Ordinal)) && !ExceptUnder.Any(scope => path.StartsWith(scope, StringComparison.Ordinal));

    private static bool IsAccess(SyntaxNode node, string type, string member) =>
        node is MemberAccessExpressionSyntax access && access.Name.Identifier.Text == member && LastName(access.Expression) == type;

    private static bool IsNew(SyntaxNode node, string type) =>
        node is ObjectCreationExpressionSyntax creation && LastName(creation.Type) == type;

    // The rightmost identifier of a (possibly qualified) name: "System.Random" -> "Random".
    private static string? LastName(SyntaxNode node) => node switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.Text,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.Text,
        MemberAccessExpressionSyntax access => access.Name.Identifier.Text,
        _ => null,
    };
}
