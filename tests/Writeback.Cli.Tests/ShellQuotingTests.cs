using System.Diagnostics;
using Writeback.Cli.Output;

namespace Writeback.Cli.Tests;

/// <summary>
/// Reproduce lines quote the checker command, the program path and its arguments with
/// <see cref="CommandLine.Quote"/>; a real /bin/sh must read each quoted word back unchanged, so a
/// line pastes as it stands even when a path has spaces, quotes or shell characters in it.
/// </summary>
public sealed class ShellQuotingTests
{
    [Fact]
    public void Quoted_words_with_spaces_quotes_and_shell_characters_read_back_unchanged_in_a_real_shell()
    {
        string[] words =
        [
            "python3 /tmp/my checks/check log.py",   // a checker command with spaces: one word for --checker
            "/tmp/it's here/app.py",                  // a single quote in a program path
            "say \"hi\"",                             // double quotes
            "$HOME `id` $(id) \\n * ? ; & | > <",     // what a shell would otherwise expand or split
            "plain/path-1.0_x=y:z,+@%",               // needs no quotes and gets none
            "",                                       // an empty argument stays one (empty) word
        ];
        string line = CommandLine.Join(words);
        Assert.StartsWith("'python3 /tmp/my checks/check log.py' ", line, StringComparison.Ordinal);
        Assert.Contains(" plain/path-1.0_x=y:z,+@% ", line, StringComparison.Ordinal);

        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("for word in " + line + "; do printf '%s\\0' \"$word\"; done");
        using Process shell = Process.Start(start)!;
        string output = shell.StandardOutput.ReadToEnd();
        Assert.True(shell.WaitForExit(10_000), "/bin/sh did not finish");
        Assert.Equal(0, shell.ExitCode);
        Assert.Equal(words, output.Split('\0')[..^1]);
    }
}
