using System.Diagnostics;
using Writeback.Formatting;
using Writeback.LossyFs.BlockLog;
using Writeback.Processes;

namespace Writeback.LossyFs.RealFs;

public sealed partial class RealFsRunner
{
    private RealFsReport Check(string basePath, BlockLog.BlockLog log, IReadOnlyList<BlockLogEntry> entries, int marker, string output)
    {
        IReadOnlyList<CrashState> states = CrashStates.Enumerate(entries, marker + 1, _options.Crashes, _options.Seed, _options.TornWrites);
        _progress($"{Counted.Of(log.WriteCount, "write")}, {Counted.Of(log.FlushCount, "flush", "flushes")} logged; checking {Counted.Of(states.Count, "crash image")}");
        using var builder = new CrashImageBuilder(basePath, log, entries);
        string imagePath = Path.Combine(_work, "crash.img");
        string mountDirectory = MakeDirectory("crash");
        string outputPath = Path.Combine(_work, "output");
        var results = new List<CrashImageResult>(states.Count);
        var watch = Stopwatch.StartNew();
        for (int index = 0; index < states.Count; index++)
        {
            _cancellation.ThrowIfCancellationRequested();
            CrashState state = states[index];
            builder.Build(state, imagePath);
            File.WriteAllBytes(outputPath, OutputBefore(log, entries, state.OutputEntryCount));
            results.Add(CheckImage(index, state, imagePath, mountDirectory, outputPath));
            File.Delete(imagePath);
            if ((index + 1) % 100 == 0)
            {
                _progress($"{index + 1} of {states.Count} crash images checked in {Seconds(watch)} s");
            }
        }
        var runEntries = entries.Skip(marker + 1).ToList();
        return new RealFsReport
        {
            FileSystem = FsType,
            MountOptions = MountOptions,
            SizeMiB = _options.EffectiveSizeMiB,
            Writes = runEntries.Count(e => e.Kind == BlockLogEntryKind.Write),
            Flushes = runEntries.Count(e => e.Kind == BlockLogEntryKind.Flush),
            ZeroedRanges = runEntries.Count(e => e.Kind == BlockLogEntryKind.Zero),
            WrittenBytes = runEntries.Where(e => e.Kind == BlockLogEntryKind.Write).Sum(e => e.LengthBytes),
            Epochs = states.Count == 0 ? 0 : states[^1].Epoch,
            Output = output,
            Images = results,
            CheckSeconds = watch.Elapsed.TotalSeconds,
        };
    }

    private static byte[] OutputBefore(BlockLog.BlockLog log, IReadOnlyList<BlockLogEntry> entries, int entryCount)
    {
        using var stream = new MemoryStream();
        for (int index = 0; index < entryCount; index++)
        {
            if (entries[index].Kind == BlockLogEntryKind.Output)
            {
                stream.Write(log.ReadData(entries[index]));
            }
        }
        return stream.ToArray();
    }

    private CrashImageResult CheckImage(int index, CrashState state, string imagePath, string mountDirectory, string outputPath)
    {
        string crashPoint = state.Describe(index);
        string device = LoopDevice.Attach(imagePath);
        OnCleanup("detach " + device, () => LoopDevice.Detach(device));
        try
        {
            if (LoopDevice.Mount(device, mountDirectory, FsType, MountOptions) is { } mountError)
            {
                return new CrashImageResult(index, crashPoint, false, $"mount failed: {mountError}", true, null, null);
            }
            OnCleanup("unmount " + mountDirectory, () => LoopDevice.Unmount(mountDirectory));
            (int exitCode, string? firstLine) = CheckerCommand.Run(_options.Checker, new Dictionary<string, string>
            {
                ["WRITEBACK_IMAGE"] = mountDirectory,
                ["WRITEBACK_OUTPUT"] = outputPath,
                ["WRITEBACK_MODEL"] = FsType,
                ["WRITEBACK_CRASH_KIND"] = "PowerLoss",
                ["WRITEBACK_CRASH_POINT"] = crashPoint,
            }, workingDirectory: null, _options.CheckerTimeout, crashPoint, message => new RealFsException("realfs: " + message));
            Undo(); // unmount
            (bool? fsckClean, string? fsckMessage) = _options.Fsck ? RunFsck(device) : (null, null);
            return new CrashImageResult(index, crashPoint, exitCode == 0, firstLine, false, fsckClean, fsckMessage);
        }
        finally
        {
            CleanUpTo(device);
        }
    }

    /// <summary>Undoes steps until the one that detaches <paramref name="device"/> has run.</summary>
    private void CleanUpTo(string device)
    {
        while (_cleanup.TryPop(out (string What, Action Undo) step))
        {
            RunStep(step);
            if (step.What == "detach " + device)
            {
                return;
            }
        }
    }

    private (bool? Clean, string? Message) RunFsck(string device)
    {
        (string? program, string[]? arguments) = FileSystemTools.Fsck(_options.FileSystem, device);
        CommandResult result = ExternalCommand.Run(program, arguments, TimeSpan.FromMinutes(2));
        return result.ExitCode == 0 ? (true, null) : (false, $"{program} exit {result.ExitCode}: {result.FirstLine}");
    }
}
