namespace Writeback.Benchmarks.Core;

/// <summary>Creates the data files the scenarios map, and tells what file system they are on.</summary>
internal static class BenchFiles
{
    /// <summary>
    /// Creates (or recreates) <paramref name="name"/> in <paramref name="directory"/> with
    /// <paramref name="lengthBytes"/> bytes of written, fsynced data. Written blocks (not a sparse
    /// file, not fallocate's unwritten extents) so that a later flush writes data only and never
    /// allocates blocks or converts extents: the flush's own cost is what gets measured.
    /// </summary>
    /// <remarks>
    /// The page cache keeps the folio size the file was written with: written in 4 KiB write(2)
    /// calls, a "page" in the scenarios is one 4 KiB folio (cachestat then counts exactly the pages
    /// dirtied); written in 1 MiB calls, ext4 on recent kernels caches it in large folios and
    /// dirtying one byte dirties, and flushing one page writes, the whole folio.
    /// </remarks>
    public static string Create(string directory, string name, long lengthBytes, int writeBytes = 4096)
    {
        string path = Path.Combine(directory, name);
        byte[] chunk = new byte[writeBytes];
        chunk.AsSpan().Fill(0xA5);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
        {
            for (long writtenBytes = 0; writtenBytes < lengthBytes; writtenBytes += writeBytes)
            {
                stream.Write(chunk, 0, (int)Math.Min(writeBytes, lengthBytes - writtenBytes));
            }
            stream.Flush(flushToDisk: true);
        }
        return path;
    }

    /// <summary>
    /// The file-system type and source of the mount holding <paramref name="directory"/>, from
    /// /proc/self/mountinfo (longest matching mount point), e.g. <c>ext4 /dev/vda</c>.
    /// </summary>
    public static (string FileSystemType, string Source) MountOf(string directory)
    {
        string fullPath = Path.GetFullPath(directory).TrimEnd('/') + "/";
        (string MountPoint, string Type, string Source) best = (MountPoint: "", Type: "unknown", Source: "unknown");
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            // "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
            string[] halves = line.Split(" - ", 2);
            string[] fields = halves[0].Split(' ');
            string[] tail = halves.Length > 1 ? halves[1].Split(' ') : [];
            if (fields.Length < 5 || tail.Length < 2)
            {
                continue;
            }
            string mountPoint = fields[4].Replace("\\040", " ", StringComparison.Ordinal).TrimEnd('/') + "/";
            if (fullPath.StartsWith(mountPoint, StringComparison.Ordinal) && mountPoint.Length >= best.MountPoint.Length)
            {
                best = (mountPoint, tail[0], tail[1]);
            }
        }
        return (best.Type, best.Source);
    }
}
