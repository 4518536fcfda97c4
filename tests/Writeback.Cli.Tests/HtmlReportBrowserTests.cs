using System.Text.RegularExpressions;

namespace Writeback.Cli.Tests;

/// <summary>
/// The <c>--html</c> report opened in a real headless Chromium (issue 17 item 4): what a person
/// would see (the matrix rows, a failure's diagnosis, the differential) and no script errors in its console.
/// </summary>
public sealed partial class HtmlReportBrowserTests
{
    private static readonly Lazy<string?> Chromium = new(() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists));

    [SkippableFact]
    public void The_check_report_shows_the_matrix_each_failures_diagnosis_and_the_differential_without_console_errors()
    {
        Skip.If(Chromium.Value is null, "Chromium is not installed (apt-get install chromium)");
        using var directory = new TempDirectory();
        string html = directory.File("report.html");
        var run = CliRun.Of("check", "--html", html);
        Assert.True(run.ExitCode == 0, run.ToString());

        (string dom, string console) = Open(html, directory);

        int scenarios = Writeback.Simulation.Examples.BundledScenarios.All.Count;
        Assert.Equal(scenarios * 2, VerdictRow().Matches(dom).Count); // one row per scenario and model (the two default models)
        Assert.Contains("<span class=\"category\">relied on a whole-file sync</span>", dom, StringComparison.Ordinal);
        Assert.Contains("<span class=\"category\">name never made durable</span>", dom, StringComparison.Ordinal);
        Assert.Matches("<li class=\"Crash\">✗ crash point \\d+", dom);
        Assert.Matches("<tr class=\"differential-row\"><td>header-barrier</td><td>Linux2_6_19To3_15WholeFile</td><td>Linux3_16Range</td><td class=\"fail\">crash point", dom);
        Assert.DoesNotContain(":CONSOLE", console, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_whatif_report_shows_the_program_by_model_matrix_the_differential_and_the_diagnosis_without_console_errors()
    {
        Skip.If(Chromium.Value is null, "Chromium is not installed (apt-get install chromium)");
        using var directory = new TempDirectory();
        string corpus = WhatIfCommandTests.RecordCorpus(directory);
        string html = directory.File("whatif.html");
        var run = CliRun.Of("whatif", "--baseline", "Linux2_6_19To3_15WholeFile", "--candidate", "Linux3_16Range", "--corpus", corpus, "--html", html);
        Assert.True(run.ExitCode == 1, run.ToString());

        (string dom, string console) = Open(html, directory);

        Assert.Equal(4, VerdictRow().Matches(dom).Count); // two programs, each under both models
        Assert.Matches("<tr class=\"verdict-row\"><td>flush-range</td><td>Linux3_16Range</td><td class=\"pass\">pass</td><td class=\"fail\">FAIL", dom);
        Assert.Matches("<tr class=\"verdict-row\"><td>flush-whole</td><td>Linux3_16Range</td>(<td class=\"pass\">pass</td>){3}", dom);
        Assert.Matches("<tr class=\"differential-row\"><td>flush-range</td><td>Linux2_6_19To3_15WholeFile</td><td>Linux3_16Range</td><td class=\"fail\">crash point \\d+ \\(kernel crash, power loss\\)", dom);
        Assert.Matches("<td>#\\d+ msync\\(data\\.bin, offset 4096, 4096, MS_SYNC\\)[^<]*\\(msyncRangeSync: baseline whole file[^<]*; candidate range", dom);
        Assert.Matches("<tr class=\"differential-row\"><td>flush-whole</td><td>Linux2_6_19To3_15WholeFile</td><td>Linux3_16Range</td><td>nothing</td>", dom);
        Assert.Contains("<span class=\"category\">relied on a whole-file sync</span>", dom, StringComparison.Ordinal);
        Assert.Contains("(only under this model)", dom, StringComparison.Ordinal);
        Assert.Contains("--only flush-range --seed 0", dom, StringComparison.Ordinal);
        Assert.DoesNotContain(":CONSOLE", console, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void The_console_check_sees_a_script_error_when_there_is_one()
    {
        Skip.If(Chromium.Value is null, "Chromium is not installed (apt-get install chromium)");
        using var directory = new TempDirectory();
        string page = directory.File("broken.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><body><p>x</p><script>undefinedFunction();</script></body></html>");

        (string dom, string console) = Open(page, directory);

        Assert.Contains("<p>x</p>", dom, StringComparison.Ordinal);
        Assert.Contains("Uncaught ReferenceError", console, StringComparison.Ordinal);
    }

    /// <summary>Loads the page in headless Chromium and returns the DOM after load and its stderr log (console messages are logged as <c>:CONSOLE</c>).</summary>
    private static (string Dom, string Console) Open(string page, TempDirectory directory)
    {
        string profile = directory.File("chromium-profile");
        Directory.CreateDirectory(profile);
        ProcessRunner.Result result = ProcessRunner.Run(Chromium.Value!,
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom", new Uri(page).AbsoluteUri],
            directory.Path, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.ToString());
        return (result.StandardOutput, result.StandardError);
    }

    [GeneratedRegex("<tr class=\"verdict-row\">")]
    private static partial Regex VerdictRow();
}
