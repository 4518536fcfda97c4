using Microsoft.Win32.SafeHandles;
using Writeback.Formatting;

namespace Writeback.Tracing.Ptrace;

/// <summary>Data and length: the write family, truncate, fallocate, and the in-kernel copies that are refused.</summary>
internal sealed partial class SyscallDecoder
{
    /// <summary>write, writev, pwrite64, pwritev, pwritev2; a write to the program's standard output is an acknowledgement.</summary>
    public void OnWrite(TracedTask task, long result)
    {
        ulong[] a = task.Args;
        long fd = (long)a[0];
        OpenFile? open = task.Fds.Get(fd);
        bool vectored = task.Nr is Syscall.writev or Syscall.pwritev or Syscall.pwritev2;
        if (open == OpenFile.StandardOutput && task.Nr is Syscall.write or Syscall.writev && result > 0)
        {
            byte[] output = vectored ? TraceeMemory.ReadIoVectors(task.Tid, a[1], (long)a[2], result) : TraceeMemory.Read(task.Tid, a[1], result);
            Emit(task, TraceEventKind.Output, $"{task.Call!.Name}(stdout, {Counted.Of(result, "byte")})", "", data: output);
            return;
        }
        if (open?.File is not { Path: { } path } file || result <= 0)
        {
            return;
        }
        byte[] data = vectored ? TraceeMemory.ReadIoVectors(task.Tid, a[1], (long)a[2], result) : TraceeMemory.Read(task.Tid, a[1], result);
        // pwritev2's flags act on this one write: RWF_APPEND writes at the end of the file whatever the
        // offset (and moves the position only when the offset is -1); RWF_DSYNC and RWF_SYNC make it
        // synchronous like O_DSYNC/O_SYNC (pwritev2(2)). They are the sixth argument: the kernel takes
        // the offset as two halves, a[3] and a[4] ("C library/kernel differences"; x86_64 uses a[3]).
        int writeFlags = task.Nr == Syscall.pwritev2 ? (int)a[5] : 0;
        long offsetBytes = task.Nr switch
        {
            // On Linux a pwrite on an O_APPEND descriptor appends whatever the offset (pwrite(2), BUGS);
            // found by comparing with real ext4/XFS/btrfs crash images (docs/realfs.md).
            Syscall.pwrite64 or Syscall.pwritev or Syscall.pwritev2 when (long)a[3] != -1 && OpenedForAppend(task.Tid, (int)fd) => FileLength(task.Tid, (int)fd) - result,
            Syscall.pwrite64 or Syscall.pwritev => (long)a[3],
            Syscall.pwritev2 when (writeFlags & Syscall.RWF_APPEND) != 0 && (long)a[3] != -1 => FileLength(task.Tid, (int)fd) - result,
            Syscall.pwritev2 when (long)a[3] != -1 => (long)a[3],
            _ => FilePosition(task.Tid, (int)fd) - result,
        };
        string call = $"{task.Call!.Name}({path}, offset {offsetBytes}, {Counted.Of(result, "byte")})";
        Emit(task, TraceEventKind.Write, call, path, offsetBytes: offsetBytes, lengthBytes: result, data: data);
        file.Write(offsetBytes, data);
        if (open.IsSynchronous || (writeFlags & (Syscall.RWF_DSYNC | Syscall.RWF_SYNC)) != 0)
        {
            // The flags say which, O_SYNC (file integrity) or O_DSYNC (data integrity): a model tells them apart.
            int synchronous = (open.Flags & Syscall.O_SYNC) == Syscall.O_SYNC || (writeFlags & Syscall.RWF_SYNC) != 0 ? Syscall.O_SYNC : Syscall.O_DSYNC;
            Emit(task, TraceEventKind.SyncWrite, call, path, offsetBytes: offsetBytes, lengthBytes: result, flags: synchronous);
        }
    }

    /// <summary>Whether the descriptor's open file description has O_APPEND now (the octal <c>flags:</c> line of /proc/PID/fdinfo; fcntl(F_SETFL) may have changed it since the open).</summary>
    private static bool OpenedForAppend(int tid, int fd)
    {
        foreach (string line in File.ReadLines($"/proc/{tid}/fdinfo/{fd}"))
        {
            if (line.StartsWith("flags:", StringComparison.Ordinal))
            {
                return (Convert.ToInt64(line[6..].Trim(), 8) & Interop.Libc.O_APPEND) != 0;
            }
        }
        return false;
    }

    /// <summary>The descriptor's file position after the call, from /proc/PID/fdinfo (exact for O_APPEND and shared descriptions).</summary>
    private static long FilePosition(int tid, int fd)
    {
        foreach (string line in File.ReadLines($"/proc/{tid}/fdinfo/{fd}"))
        {
            if (line.StartsWith("pos:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(4).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        throw new TraceException($"trace: /proc/{tid}/fdinfo/{fd} has no 'pos:' line");
    }

    /// <summary>The file's length after the call, through the tracee's descriptor (a write appended at the end ends there).</summary>
    private static long FileLength(int tid, int fd)
    {
        using SafeFileHandle handle = File.OpenHandle($"/proc/{tid}/fd/{fd}", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return RandomAccess.GetLength(handle);
    }

    /// <summary>ftruncate(fd, length).</summary>
    public void OnFtruncate(TracedTask task)
    {
        if (task.Fds.Get((long)task.Args[0])?.File is { } file)
        {
            SetLength(task, file, (long)task.Args[1], $"ftruncate({file.Path}, {(long)task.Args[1]})");
        }
    }

    /// <summary>truncate(path, length).</summary>
    public void OnTruncate(TracedTask task)
    {
        if (Relative(task.Paths[0]) is { } path && _names.File(path) is { } file)
        {
            SetLength(task, file, (long)task.Args[1], $"truncate({path}, {(long)task.Args[1]})");
        }
    }

    /// <summary>fallocate(fd, mode, offset, length): extending sets the length, punching a hole or zeroing a range writes zeros.</summary>
    public void OnFallocate(TracedTask task)
    {
        if (task.Fds.Get((long)task.Args[0])?.File is not { } file)
        {
            return;
        }
        (int mode, long offsetBytes, long lengthBytes) = ((int)task.Args[1], (long)task.Args[2], (long)task.Args[3]);
        string call = $"fallocate({file.Path}, mode {mode}, offset {offsetBytes}, {lengthBytes})";
        long end = offsetBytes + lengthBytes;
        if ((mode & (Interop.Libc.FALLOC_FL_PUNCH_HOLE | Interop.Libc.FALLOC_FL_ZERO_RANGE)) != 0)
        {
            long zeroEnd = (mode & Interop.Libc.FALLOC_FL_KEEP_SIZE) != 0 ? Math.Min(end, file.LengthBytes) : end;
            if (zeroEnd > offsetBytes)
            {
                byte[] zeros = new byte[zeroEnd - offsetBytes];
                Emit(task, TraceEventKind.Write, call, file.Path!, offsetBytes: offsetBytes, lengthBytes: zeros.Length, data: zeros);
                file.Write(offsetBytes, zeros);
            }
            return;
        }
        if (mode is 0 && end > file.LengthBytes)
        {
            SetLength(task, file, end, call);
        }
        else if ((mode & ~Interop.Libc.FALLOC_FL_KEEP_SIZE) != 0)
        {
            Refuse($"trace: pid {task.Tid} called {call}: this fallocate mode (collapse, insert or unshare range) is not modelled");
        }
    }

    private void SetLength(TracedTask task, ShadowFile file, long lengthBytes, string call)
    {
        if (file.Path is null)
        {
            return;
        }
        Emit(task, TraceEventKind.SetLength, call, file.Path, offsetBytes: lengthBytes);
        file.SetLength(lengthBytes);
    }

    /// <summary>sendfile, splice, copy_file_range into a file under the directory: refused, the copied data is not recorded.</summary>
    public void OnCopyInto(TracedTask task, int outFdIndex)
    {
        if (task.Fds.Get((long)task.Args[outFdIndex]) is { } open)
        {
            Refuse($"trace: pid {task.Tid} called {task.Call!.Name} into '{open.File?.Path}': data copied inside the kernel is not recorded yet");
        }
    }
}
