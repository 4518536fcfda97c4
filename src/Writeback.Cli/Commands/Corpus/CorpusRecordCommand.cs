using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Tracing.Corpus;

namespace Writeback.Cli.Commands.Corpus;

/// <summary>
/// <c>writeback corpus record</c>: builds and records every corpus entry whose runtime is present,
/// saving OUT/NAME.trace and OUT/manifest.json. Entries whose commands are missing, or whose program
/// makes a call the recorder refuses, are skipped with the reason. Exit 0 when no entry failed, 1
/// when one did (its build, setup or program failed), 2 for bad input.
/// </summary>
internal sealed class CorpusRecordCommand(CliOutput output) : OutputCommand<CorpusRecordSettings>(output)
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, CorpusRecordSettings settings, CancellationToken cancellationToken)
    {
        string corpus = FindCorpus(settings.Corpus);
        IReadOnlyList<CorpusEntry> entries;
        try
        {
            entries = CorpusManifest.LoadAll(corpus);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException("corpus record: " + e.Message);
        }
        string[] unknown = [.. settings.Only.Where(n => entries.All(e => e.Name != n))];
        if (unknown.Length > 0)
        {
            throw new UsageException($"corpus record: --only {unknown[0]}: no such entry in {corpus} (entries: {string.Join(", ", entries.Select(e => e.Name))})");
        }
        IReadOnlyList<CorpusEntry> chosen = settings.Only.Length == 0 ? entries : [.. entries.Where(e => settings.Only.Contains(e.Name))];
        string outDirectory = Path.GetFullPath(settings.Out ?? Path.Combine(corpus, "recorded"));
        string buildRoot = Directory.CreateTempSubdirectory("writeback-corpus-build-").FullName;
        var clock = Stopwatch.StartNew();
        var results = new List<CorpusRecordResult>();
        try
        {
            foreach (CorpusEntry entry in chosen)
            {
                cancellationToken.ThrowIfCancellationRequested();
                CorpusRecordResult result = CorpusRecorder.Record(entry, outDirectory, buildRoot, TimeSpan.FromSeconds(settings.TimeoutSeconds));
                results.Add(result);
                Output.Console.MarkupLine(Markup.Escape(Describe(result)));
            }
        }
        finally
        {
            Directory.Delete(buildRoot, recursive: true);
        }
        string manifest = CorpusRecorder.WriteManifest(results, outDirectory);
        long bytes = results.Sum(r => r.TraceBytes);
        Output.Console.MarkupLine(Markup.Escape(
            $"{results.Count(r => r.Status == CorpusRecordStatus.Recorded)} recorded, {results.Count(r => r.Status == CorpusRecordStatus.Skipped)} skipped, "
            + $"{results.Count(r => r.Status == CorpusRecordStatus.Failed)} failed in {clock.Elapsed.TotalSeconds:0.0} s; {bytes / 1024.0:0} KiB of traces; manifest {manifest}"));
        return results.Any(r => r.Status == CorpusRecordStatus.Failed) ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static string Describe(CorpusRecordResult r) => r.Status switch
    {
        CorpusRecordStatus.Recorded => $"recorded {r.Name} ({r.Engine}): {r.EventCount} events of {r.SystemCallCount} system calls, {r.TraceBytes / 1024.0:0.0} KiB, {r.Elapsed.TotalSeconds:0.0} s",
        CorpusRecordStatus.Skipped => $"skipped  {r.Name} ({r.Engine}): {r.Reason}",
        _ => $"FAILED   {r.Name} ({r.Engine}): {r.Reason}",
    };

    /// <summary>The corpus folder: --corpus, else ./corpus or the nearest corpus/ above the current directory holding entries.</summary>
    private static string FindCorpus(string? given)
    {
        if (given is not null)
        {
            return Directory.Exists(given) ? Path.GetFullPath(given) : throw new UsageException($"corpus record: --corpus {given}: no such directory");
        }
        for (string? directory = Environment.CurrentDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            string candidate = Path.Combine(directory, "corpus");
            if (File.Exists(Path.Combine(candidate, "README.md")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new UsageException("corpus record: no corpus/ folder here or above the current directory; give --corpus DIR");
    }
}
