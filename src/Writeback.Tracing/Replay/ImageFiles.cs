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
            var target = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, bytes);
        }
    }
}
