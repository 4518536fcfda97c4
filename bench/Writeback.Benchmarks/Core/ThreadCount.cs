namespace Writeback.Benchmarks.Core;

/// <summary>
/// Threads: 500 open files, each using StartWriteback and FlushAsync once, and the number of OS
/// threads (/proc/self/task) that adds to the process. Counted before the first file is used, so
/// the engine's own threads are included when this scenario is the first to start it.
/// </summary>
internal static class ThreadCount
{
    private const int FileCount = 500;
    private const int FileBytes = 2 * 4096;

    public static ScenarioResult Run(CoreFlushOptions options, BenchWorkspace workspace)
    {
        var files = new List<MappedFile>(FileCount);
        var paths = new List<string>(FileCount);
        try
        {
            for (int i = 0; i < FileCount; i++)
            {
                paths.Add(Path.Combine(workspace.Directory, $"threads-{i}.dat"));
                files.Add(MappedFile.Open(paths[^1], new MappedFileOptions { Mode = FileMode.Create, Length = FileBytes }));
            }
            int before = Count();
            foreach (MappedFile file in files)
            {
                file.GetSpan(0, 1)[0] = 1;
                file.GetSpan(4096, 1)[0] = 1;
                file.StartWriteback(0, 4096);
                file.FlushAsync(4096, 4096).GetAwaiter().GetResult();
            }
            Task.WhenAll(files.Select(file => file.FlushAsync(0, 4096))).GetAwaiter().GetResult();
            int after = Count();
            var measurement = new Measurement("Threads", $"{FileCount} files, StartWriteback + FlushAsync each", "OS threads added", "threads", [after - before]);
            return new ScenarioResult([measurement],
            [
                new TargetCheck("Threads", $"{FileCount} files add <= 8 OS threads", after - before, 8, "threads", AtMost: true),
            ],
            [$"Threads: engine {MappedFile.DurabilityEngineName}; {before} threads before, {after} after (/proc/self/task)."]);
        }
        finally
        {
            files.ForEach(file => file.Dispose());
            paths.ForEach(File.Delete);
        }
    }

    private static int Count() => Directory.GetDirectories("/proc/self/task").Length;
}
