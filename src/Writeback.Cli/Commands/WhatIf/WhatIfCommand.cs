using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Commands.Check;
using Writeback.Cli.Output;
using Writeback.Tracing.Corpus;

namespace Writeback.Cli.Commands.WhatIf;

/// <summary>
/// <c>writeback whatif</c>: replays every recorded program of the corpus under a baseline and a candidate
/// model and prints one matrix, program × crash kind, baseline against candidate; for every program the
/// candidate breaks, where (in the program's own calls), the shrunk state, the checker's message and the
/// guarantee it relied on. Exit 0 when the candidate breaks nothing the baseline kept, 1 when it does, 2 on bad input.
/// </summary>
internal sealed class WhatIfCommand(CliOutput output) : OutputCommand<WhatIfSettings>(output)
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, WhatIfSettings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        (KernelModel baseline, KernelModel candidate) = ParseModels(settings);
        CrashKind[] kinds = Usage(() => CheckCommand.ParseKinds(settings.CrashKinds));
        (int shardIndex, int shardCount) = Usage(() => new CheckSettings { Shard = settings.Shard }.ParseShard());
        IReadOnlyList<CorpusEntry> entries = Entries(settings, shardIndex, shardCount);
        string traces = Path.GetFullPath(settings.Traces ?? Path.Combine(settings.Corpus, "recorded"));
        var options = new ExplorerOptions { CrashKinds = kinds, Seed = settings.Seed, ReduceUncoveredFiles = !settings.NoReduceUncovered };
        options = settings.MaxStatesPerCrashPoint is { } maxStates ? options with { MaxStatesPerCrashPoint = maxStates } : options;
        string buildRoot = Directory.CreateTempSubdirectory("writeback-whatif-build-").FullName;
        var programs = new List<WhatIfProgram>();
        try
        {
            var runner = new WhatIfRunner(baseline, candidate, options, TimeSpan.FromSeconds(settings.CheckerTimeoutSeconds), buildRoot);
            Replay(settings, entries, traces, runner, programs, cancellationToken);
        }
        finally
        {
            Directory.Delete(buildRoot, recursive: true);
        }
        string[] broken = [.. programs.Where(p => p.IsBroken).Select(p => p.Name)];
        int exitCode = broken.Length > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        var document = new WhatIfDocument(WritebackCli.Version, baseline.Name, baseline.Source, candidate.Name, candidate.Source,
                                          ModelDifferences.Of(baseline, candidate), kinds, settings.Seed, $"{shardIndex}/{shardCount}",
                                          Path.GetFullPath(settings.Corpus), programs, broken, exitCode, clock.Elapsed.TotalSeconds);
        if (!settings.JsonToStandardOutput)
        {
            new WhatIfReport(Output).Write(document);
        }
        if (settings.Json is { IsSet: true })
        {
            JsonOutput.Write(settings.Json, Output, document);
        }
        if (settings.Html is { } html)
        {
            HtmlReport.Write(html, WhatIfHtml.From(document, settings));
        }
        return exitCode;
    }

    private void Replay(WhatIfSettings settings, IReadOnlyList<CorpusEntry> entries, string traces, WhatIfRunner runner,
                        List<WhatIfProgram> programs, CancellationToken cancellationToken)
    {
        bool bars = Output.CanShowProgress(settings.JsonToStandardOutput);
        WithProgress(settings.JsonToStandardOutput, progress =>
        {
            foreach (CorpusEntry entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ProgressTask? task = progress?.AddTask(Markup.Escape(entry.Name), maxValue: 1);
                if (!bars)
                {
                    Output.StandardError.WriteLine($"whatif: [{programs.Count + 1}/{entries.Count}] {entry.Name} ...");
                    Output.StandardError.Flush();
                }
                WhatIfProgram program = runner.Compare(entry, Path.Combine(traces, entry.Name + ".trace"));
                // The reports (every failure's page maps and diagnosis) are kept only for the HTML report.
                program = settings.Html is null ? program with { Reports = [] } : program;
                programs.Add(program);
                task?.Value = 1;
                if (!bars)
                {
                    Output.StandardError.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"whatif: [{programs.Count}/{entries.Count}] {entry.Name}: {WhatIfReport.Summary(program)} in {program.ElapsedSeconds:0.0} s"));
                    Output.StandardError.Flush();
                }
            }
        });
    }

    private static IReadOnlyList<CorpusEntry> Entries(WhatIfSettings settings, int shardIndex, int shardCount)
    {
        IReadOnlyList<CorpusEntry> all;
        try
        {
            all = CorpusManifest.LoadAll(settings.Corpus);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new UsageException("whatif: " + e.Message);
        }
        string[] unknown = [.. settings.Only.Where(name => all.All(e => e.Name != name))];
        if (unknown.Length > 0)
        {
            throw new UsageException($"whatif: --only {unknown[0]}: no such entry in {settings.Corpus}; entries: {string.Join(", ", all.Select(e => e.Name))}.");
        }
        return [.. all.Where(e => settings.Only.Length == 0 || settings.Only.Contains(e.Name))
                      .OrderBy(e => e.Name, StringComparer.Ordinal)
                      .Where((_, index) => index % shardCount == shardIndex)];
    }

    private static (KernelModel Baseline, KernelModel Candidate) ParseModels(WhatIfSettings settings)
    {
        KernelModel[] files = Usage<KernelModel[]>(() => [.. settings.ModelFiles.Select(CheckCommand.LoadModelFile)]);
        KernelModel Resolve(string option, string value) =>
            files.FirstOrDefault(m => string.Equals(m.Name, value, StringComparison.OrdinalIgnoreCase))
            ?? Usage(() => CheckCommand.ResolveModel(value), $"{option}: ");
        KernelModel baseline = Resolve("--baseline", settings.Baseline!);
        KernelModel candidate = Resolve("--candidate", settings.Candidate!);
        if (baseline == candidate)
        {
            throw new UsageException($"whatif: --baseline and --candidate are the same model ({baseline.Name}); nothing can differ.");
        }
        return (baseline, candidate);
    }

    /// <summary>Runs a parse of <c>check</c>'s and names this command in its usage errors.</summary>
    private static T Usage<T>(Func<T> parse, string prefix = "")
    {
        try
        {
            return parse();
        }
        catch (UsageException e)
        {
            string message = e.Message.StartsWith("check:", StringComparison.Ordinal) ? e.Message["check:".Length..].TrimStart() : e.Message;
            throw new UsageException($"whatif: {prefix}{message}");
        }
    }
}
