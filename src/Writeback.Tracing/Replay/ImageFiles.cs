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
        foreach ((string? path, byte[]? bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
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
        foreach (string subdirectory in directories)
        {
            Directory.CreateDirectory(Path.Combine(directory, subdirectory));
        }
        foreach ((string? path, byte[]? bytes) in files)
        {
            if (path.EndsWith('/'))
            {
                Directory.CreateDirectory(Path.Combine(directory, path));
                continue;
            }
            string target = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            WriteSparse(target, bytes);
        }
    }

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
        Span<byte> span = bytes.AsSpan();
        for (long offset = 0; offset < bytes.LongLength;)
        {
            int count = (int)Math.Min(BlockBytes, bytes.LongLength - offset);
            if (span.Slice((int)offset, count).ContainsAnyExcept((byte)0))
            {
                // Coalesce a run of non-zero blocks into one write.
                long end = offset + count;
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
