using System.ComponentModel;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Cli;
using Writeback.Cli.Output;
using Writeback.Tracing;

namespace Writeback.Cli.Commands.Trace;

/// <summary>
/// <c>writeback trace show TRACE</c>: the recording, readable, strace-style: each event's index (the
/// number crash points are named by), pid, the call with its decoded flags and offsets, stores to
/// mappings as page ranges, and the program's output lines in order.
/// </summary>
internal sealed class TraceShowCommand(CliOutput output) : OutputCommand<TraceShowCommand.Settings>(output)
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Recording recording = Load(settings.Trace);
        var lines = TraceListing.Lines(recording)
            .Where(l => settings.Pid is not { } pid || l.Pid == pid || l.Pid == 0)
            .Where(l => settings.Around is not { } around || (l.LastIndex >= around - settings.Context && l.FirstIndex <= around + settings.Context))
            .ToList();
        if (settings.Json is { IsSet: true })
        {
            JsonOutput.Write(settings.Json, Output, new TraceShowDocument(WritebackCli.Version, recording.Program, recording.Arguments, recording.Directory,
                [.. recording.InitialFiles.Select(f => f.IsDirectory ? f.Path + "/" : f.Path)], recording.SystemCallCount, recording.Events.Count, lines));
        }
        if (!settings.JsonToStandardOutput)
        {
            Output.WriteWholeLine($"{string.Join(' ', new[] { recording.Program }.Concat(recording.Arguments))} in {recording.Directory}: "
                                  + $"{recording.Events.Count} recorded events of {recording.SystemCallCount} system calls; initial files: "
                                  + (recording.InitialFiles.Count == 0 ? "none" : string.Join(", ", recording.InitialFiles.Select(f => f.IsDirectory ? f.Path + "/" : f.Path))));
            foreach (TraceLine line in lines)
            {
                Output.WriteWholeLine(line.ToText());
            }
        }
        return ExitCodes.Ok;
    }

    private static Recording Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"trace show: recording '{path}' does not exist.");
        }
        using FileStream stream = File.OpenRead(path);
        try
        {
            return Recording.Load(stream);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"trace show: cannot load '{path}': {e.Message}.");
        }
    }

    /// <summary>Arguments of <c>trace show</c>.</summary>
    internal sealed class Settings : JsonSettings
    {
        /// <summary>The recording.</summary>
        [CommandArgument(0, "<TRACE>")]
        [Description("A recording saved with 'trace --save TRACE'.")]
        public string Trace { get; init; } = "";

        /// <summary>Only this process's or thread's events.</summary>
        [CommandOption("--pid <PID>")]
        [Description("Show only the events of this pid (stores to shared mappings, which belong to no pid, are always shown).")]
        public int? Pid { get; init; }

        /// <summary>Only the events around this index.</summary>
        [CommandOption("--around <N>")]
        [Description("Show only the events within --context of event N (the number a crash point is named by).")]
        public int? Around { get; init; }

        /// <summary>How many events either side of --around.</summary>
        [CommandOption("--context <N>")]
        [Description("With --around: how many events either side. Default 10.")]
        [DefaultValue(10)]
        public int Context { get; init; } = 10;

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Context < 0 ? ValidationResult.Error("--context must be 0 or more.") : ValidationResult.Success();
    }
}

/// <summary>One line of <c>trace show</c>: one event, or a run of stores to consecutive pages of one file.</summary>
/// <param name="FirstIndex">The event's index (of the first store of a run).</param>
/// <param name="LastIndex">The last event's index of a run; the same as <paramref name="FirstIndex"/> otherwise.</param>
/// <param name="Pid">The thread that made the call; 0 for stores (seen between calls, not made by one).</param>
/// <param name="Kind">The event kind.</param>
/// <param name="Call">The call in words, flags decoded.</param>
/// <param name="Path">The file or directory.</param>
/// <param name="OffsetBytes">The file offset (for SetLength, the new length).</param>
/// <param name="LengthBytes">The byte count.</param>
/// <param name="Output">For output: the text printed.</param>
internal sealed record TraceLine(int FirstIndex, int LastIndex, int Pid, TraceEventKind Kind, string Call, string Path, long OffsetBytes, long LengthBytes, string? Output)
{
    /// <summary>The strace-style line.</summary>
    /// <returns>Text.</returns>
    public string ToText()
    {
        string index = FirstIndex == LastIndex ? $"#{FirstIndex}" : $"#{FirstIndex}-#{LastIndex}";
        string pid = Pid == 0 ? "" : $"[pid {Pid}] ";
        string text = Output is { } printed ? $"{Call} = \"{Escape(printed)}\"" : Call;
        return string.Create(CultureInfo.InvariantCulture, $"{index,-12} {pid}{text}");
    }

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);
}

/// <summary>The JSON of <c>trace show --json</c>.</summary>
/// <param name="ToolVersion">The writeback version.</param>
/// <param name="Program">The program.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="Directory">The directory it ran in.</param>
/// <param name="InitialFiles">The files there before it started (directories end in '/').</param>
/// <param name="SystemCallCount">System calls made in all.</param>
/// <param name="EventCount">Events recorded in all.</param>
/// <param name="Events">The events shown.</param>
internal sealed record TraceShowDocument(string ToolVersion, string Program, IReadOnlyList<string> Arguments, string Directory,
                                         IReadOnlyList<string> InitialFiles, long SystemCallCount, int EventCount, IReadOnlyList<TraceLine> Events);

/// <summary>Turns a recording's events into <see cref="TraceLine"/>s: stores to consecutive pages of one file between two calls become one line.</summary>
internal static class TraceListing
{
    /// <summary>The lines of a recording.</summary>
    /// <param name="recording">The recording.</param>
    /// <returns>One line per event, store runs merged.</returns>
    public static IEnumerable<TraceLine> Lines(Recording recording)
    {
        IReadOnlyList<TraceEvent> events = recording.Events;
        for (int index = 0; index < events.Count; index++)
        {
            TraceEvent e = events[index];
            if (e.Kind == TraceEventKind.Store)
            {
                int last = index;
                long pageBytes = Math.Max(e.LengthBytes, 1);
                while (last + 1 < events.Count && events[last + 1] is { Kind: TraceEventKind.Store } next && next.Path == e.Path
                       && next.OffsetBytes == events[last].OffsetBytes + events[last].LengthBytes)
                {
                    last++;
                }
                long length = events[last].OffsetBytes + events[last].LengthBytes - e.OffsetBytes;
                long firstPage = e.OffsetBytes / 4096, lastPage = (e.OffsetBytes + length - 1) / 4096;
                string pages = firstPage == lastPage ? $"page {firstPage}" : $"pages {firstPage}-{lastPage}";
                yield return new TraceLine(index, last, 0, e.Kind, $"store to {e.Path} {pages} (offset {e.OffsetBytes}, {length} bytes)", e.Path, e.OffsetBytes, length, null);
                index = last;
                continue;
            }
            string? output = e.Kind == TraceEventKind.Output ? Encoding.UTF8.GetString(e.Data.Span) : null;
            yield return new TraceLine(index, index, e.Pid, e.Kind, e.Call, e.Path, e.OffsetBytes, e.LengthBytes, output);
        }
    }
}
