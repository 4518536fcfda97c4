using System.Security.Cryptography;
using System.Text;

namespace Writeback.Tracing.Replay;

/// <summary>A post-crash image as files (path relative to the traced directory → contents): its fingerprint, and writing it to a directory.</summary>
internal static class ImageFiles
{
    /// <summary>A SHA-256 over every path and content, in path order: equal images, equal fingerprints.</summary>
    public static string Fingerprint(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\0"));
            hash.AppendData(BitConverter.GetBytes(bytes.LongLength));
            hash.AppendData(bytes);
        }
        return Convert.ToHexString(hash.GetCurrentHash());
    }

    /// <summary>Creates <paramref name="directory"/>, the given subdirectories, and every file with its parents (a path ending in '/' is a directory).</summary>
    public static void Write(IEnumerable<KeyValuePair<string, byte[]>> files, string directory, IEnumerable<string> directories)
    {
        Directory.CreateDirectory(directory);
        foreach (var subdirectory in directories)
        {
            Directory.CreateDirectory(Path.Combine(directory, subdirectory));
        }
        foreach (var (path, bytes) in files)
        {
            if (path.EndsWith('/'))
            {
                Directory.CreateDirectory(Path.Combine(directory, path));
                continue;
            }
            if (path.StartsWith(SymlinkInodePrefix, StringComparison.Ordinal))
            {
                continue; // the simulator's holder of a symbolic link's target: no name of the program's
            }
            var target = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (SymlinkTarget(bytes) is { } linkTarget)
            {
                File.CreateSymbolicLink(target, linkTarget);
                continue;
            }
            WriteSparse(target, bytes);
        }
    }

    /// <summary>The prefix of the names (in the simulator only) of the files holding symbolic links' targets.</summary>
    public const string SymlinkInodePrefix = ".writeback-symlink-target-";

    /// <summary>The simulator's name of the file holding the <paramref name="index"/>th distinct symbolic link target of a recording.</summary>
    public static string SymlinkInodeName(int index) => SymlinkInodePrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly byte[] SymlinkMagic = "\0writeback symbolic link\0"u8.ToArray();

    /// <summary>The content standing for a symbolic link to <paramref name="target"/> in the simulator (a magic prefix and the target string).</summary>
    public static byte[] SymlinkContent(string target) => [.. SymlinkMagic, .. Encoding.UTF8.GetBytes(target)];

    /// <summary>The target of a symbolic link's stand-in content, or null for a regular file's.</summary>
    public static string? SymlinkTarget(byte[] content) =>
        content.AsSpan().StartsWith(SymlinkMagic) ? Encoding.UTF8.GetString(content.AsSpan(SymlinkMagic.Length)) : null;

    /// <summary>Block size of the holes left for zeros.</summary>
    private const int BlockBytes = 4096;

    /// <summary>
    /// Writes only the blocks that are not all zeros, leaving holes (read back as zeros) for the
    /// rest: an image of a large, mostly unwritten or lost file costs what differs from zeros.
    /// </summary>
    private static void WriteSparse(string target, byte[] bytes)
    {
        using var stream = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        stream.SetLength(bytes.LongLength);
        var span = bytes.AsSpan();
        for (long offset = 0; offset < bytes.LongLength;)
        {
            var count = (int)Math.Min(BlockBytes, bytes.LongLength - offset);
            if (span.Slice((int)offset, count).ContainsAnyExcept((byte)0))
            {
                // Coalesce a run of non-zero blocks into one write.
                var end = offset + count;
                while (end < bytes.LongLength && span.Slice((int)end, (int)Math.Min(BlockBytes, bytes.LongLength - end)).ContainsAnyExcept((byte)0))
                {
                    end += Math.Min(BlockBytes, bytes.LongLength - end);
                }
                stream.Position = offset;
                stream.Write(span[(int)offset..(int)end]);
                offset = end;
            }
            else
            {
                offset += count;
            }
        }
    }
}
