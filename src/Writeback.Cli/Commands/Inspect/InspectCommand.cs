using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Rendering;
using Writeback.Cli.Output;

namespace Writeback.Cli.Commands.Inspect;

/// <summary>
/// <c>writeback inspect FILE</c>: the file's page-cache state through the library's
/// <see cref="MappedFile.GetPageCacheState"/> (cachestat(2), Linux 6.5+), as totals and as a map
/// with one cell per chunk of pages; <c>--watch</c> refreshes it so a user can see what a flush did.
/// </summary>
internal sealed class InspectCommand(CliOutput output) : OutputCommand<InspectSettings>(output)
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, InspectSettings settings, CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(settings.File))
        {
            throw new UsageException(Directory.Exists(settings.File)
                ? $"inspect: '{settings.File}' is a directory, not a file."
                : $"inspect: file '{settings.File}' does not exist.");
        }

        using var source = PageCacheSource.Open(settings.File);
        long fileLength = source.LengthBytes;
        if (settings.OffsetBytes > fileLength)
        {
            throw new UsageException(
                $"inspect: --offset {settings.OffsetBytes} is past the end of '{settings.File}' ({fileLength} bytes).");
        }

        long lengthBytes = settings.LengthBytes ?? (fileLength - settings.OffsetBytes);
        if (settings.OffsetBytes + lengthBytes > fileLength)
        {
            throw new UsageException(
                $"inspect: range offset={settings.OffsetBytes} length={lengthBytes} goes past the end of '{settings.File}' ({fileLength} bytes).");
        }

        PageCacheMap Snapshot() => PageCacheMap.Build(settings.File, settings.OffsetBytes, lengthBytes,
                                                      source.PageSizeBytes, source.Query);

        if (!settings.Watch)
        {
            PageCacheMap map = Snapshot();
            if (!settings.JsonToStandardOutput)
            {
                Output.Console.Write(map.Render());
            }

            JsonOutput.Write(settings.Json, Output, map.ToReport());
            return ExitCodes.Ok;
        }

        return Watch(settings, Snapshot, cancellationToken);
    }

    // One snapshot as a JSON line, to standard output or appended to the --json file.
    private void WriteJsonLine(InspectSettings settings, PageCacheMap map)
    {
        string line = JsonOutput.Serialize(map.ToReport(), indented: false);
        if (settings.JsonToStandardOutput)
        {
            JsonOutput.WriteLine(Output, line);
        }
        else if (JsonOutput.FilePath(settings.Json) is { } path)
        {
            System.IO.File.AppendAllText(path, line + Environment.NewLine);
        }
    }

    private int Watch(InspectSettings settings, Func<PageCacheMap> snapshot, CancellationToken cancellationToken)
    {
        int refreshes = 0;
        bool Continue() => !cancellationToken.IsCancellationRequested
                           && (settings.RefreshCount is null || refreshes < settings.RefreshCount);

        if (JsonOutput.FilePath(settings.Json) is { } jsonPath)
        {
            JsonOutput.WriteFile(jsonPath, "", newLine: false);
        }

        if (settings.JsonToStandardOutput || !Output.CanShowProgress(false))
        {
            // No live display: one snapshot after the other (a log), which also suits pipes.
            while (Continue())
            {
                PageCacheMap map = snapshot();
                refreshes++;
                if (!settings.JsonToStandardOutput)
                {
                    Output.Console.Write(Stamp(map));
                }

                WriteJsonLine(settings, map);
                if (Continue())
                {
                    Sleep(settings.IntervalMs, cancellationToken);
                }
            }

            return ExitCodes.Ok;
        }

        PageCacheMap first = snapshot();
        Output.Console.Live(Stamp(first)).AutoClear(false).Start(live =>
        {
            PageCacheMap map = first;
            while (true)
            {
                refreshes++;
                live.UpdateTarget(Stamp(map));
                WriteJsonLine(settings, map);
                if (!Continue())
                {
                    break;
                }

                Sleep(settings.IntervalMs, cancellationToken);
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                map = snapshot();
            }
        });
        return ExitCodes.Ok;
    }

    private static IRenderable Stamp(PageCacheMap map) => new Rows(
        new Markup($"[grey]{DateTime.Now:HH:mm:ss.fff}  (Ctrl+C to stop)[/]"),
        map.Render());

    private static void Sleep(int intervalMs, CancellationToken cancellationToken) =>
        cancellationToken.WaitHandle.WaitOne(intervalMs);
}
