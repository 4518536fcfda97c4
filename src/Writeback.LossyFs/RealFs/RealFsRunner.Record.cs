using System.Diagnostics;
using System.IO.Pipes;
using System.Text;
using Writeback.LossyFs.BlockLog;

namespace Writeback.LossyFs.RealFs;

public sealed partial class RealFsRunner
{
    /// <summary>
    /// Serves the image through the block log, mounts the file system on a loop device over it, runs
    /// the setup (then syncs), marks the log, runs the program, unmounts. Returns the marker's index
    /// and the program's output.
    /// </summary>
    private (int Marker, string Output) Record(string livePath, BlockLog.BlockLog log)
    {
        string fuseMount = MakeDirectory("blocklog");
        var fuse = BlockLogFileSystem.Mount(fuseMount, livePath, log);
        OnCleanup("unmount the block log", fuse.Dispose);
        string device = LoopDevice.Attach(fuse.ImagePath);
        OnCleanup("detach " + device, () => LoopDevice.Detach(device));
        string root = MakeDirectory("root");
        if (LoopDevice.Mount(device, root, FsType, MountOptions) is { } error)
        {
            throw new RealFsException($"realfs: mount -t {FsType} -o {MountOptions} {device} failed on the freshly made file system: {error}");
        }
        OnCleanup("unmount " + root, () => LoopDevice.Unmount(root));
        if (!string.IsNullOrWhiteSpace(_options.Setup))
        {
            CommandResult setup = ExternalCommand.Run("/bin/sh", ["-c", _options.Setup], _options.ProgramTimeout, root);
            if (setup.ExitCode != 0)
            {
                throw new RealFsException($"realfs: the setup command '{_options.Setup}' failed ({setup.ExitCode}): {setup.FirstLine}");
            }
        }
        ExternalCommand.RunChecked("sync", ["-f", root], TimeSpan.FromMinutes(1));
        _cancellation.ThrowIfCancellationRequested();
        int marker = log.AppendMarker();
        string output = RunProgram(root, log);
        Undo(); // unmount the file system: its last writes and flushes are logged too
        Undo(); // detach the loop device
        Undo(); // unmount the block log
        return (marker, output);
    }

    private string RunProgram(string root, BlockLog.BlockLog log)
    {
        var start = new ProcessStartInfo(_options.Program)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in _options.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new RealFsException($"realfs: could not start {_options.Program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RealFsException($"realfs: could not start the program '{_options.Program}': {e.Message}", e);
        }
        using (process)
        {
            process.StandardInput.Close();
            // The block log reads the output pipe itself, before each block request it logs (see
            // BlockLog.AttachOutput); this thread only picks up output printed between requests.
            log.AttachOutput(((PipeStream)process.StandardOutput.BaseStream).SafePipeHandle);
            var reader = new Thread(() => { while (log.DrainOutput()) { Thread.Sleep(1); } }) { IsBackground = true };
            reader.Start();
            Task<string> error = process.StandardError.ReadToEndAsync(_cancellation);
            byte[] output;
            try
            {
                if (!process.WaitForExit(_options.ProgramTimeout))
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                    throw new RealFsException($"realfs: the program '{_options.Program}' ran past its timeout of {_options.ProgramTimeout.TotalSeconds:0.#} s; it was killed");
                }
                process.WaitForExit();
                reader.Join();
            }
            finally
            {
                output = log.DetachOutput(); // before the pipe is closed with the process
            }
            if (process.ExitCode != 0)
            {
                string last = error.Result.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "no error output";
                throw new RealFsException($"realfs: the program '{_options.Program}' exited with {process.ExitCode}: {last}");
            }
            return Encoding.UTF8.GetString(output);
        }
    }
}
