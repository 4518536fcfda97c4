using CsCheck;

namespace Writeback.Tests;

/// <summary>
/// Random sequences of writes, length changes and flushes against a plain byte-array model: the
/// mapping and, after dispose, the file on disk must always hold exactly the model's bytes.
/// </summary>
public sealed class ModelTests : IDisposable
{
    private const int MaxLengthBytes = 40_000;
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static readonly Gen<(int Kind, int A, int B, byte Value)> s_operation =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, MaxLengthBytes], Gen.Int[0, 9_000], Gen.Byte);

    [Fact]
    public void MappingAndFileAlwaysMatchAByteArrayModel()
    {
        int run = 0;
        s_operation.Array[1, 30].Sample(operations =>
        {
            string path = _directory.File($"model-{Interlocked.Increment(ref run)}.bin");
            var model = new List<byte>();
            using (var file = MappedFile.Open(path, new MappedFileOptions { MaxLength = MaxLengthBytes }))
            {
                foreach ((int kind, int a, int b, byte value) in operations)
                {
                    Apply(file, model, kind, a, b, value);
                    if (!file.GetReadOnlySpan(0, (int)file.Length).SequenceEqual(model.ToArray()))
                    {
                        return false;
                    }
                }
            }
            return File.ReadAllBytes(path).AsSpan().SequenceEqual(model.ToArray());
        }, iter: 60, threads: 1);
    }

    private static void Apply(MappedFile file, List<byte> model, int kind, int a, int b, byte value)
    {
        int length = model.Count;
        switch (kind)
        {
            case 0: // SetLength: grow with zeros or cut
                if (a < length)
                {
                    model.RemoveRange(a, length - a);
                }
                else
                {
                    model.AddRange(new byte[a - length]);
                }
                file.SetLength(a);
                break;
            case 1 or 2 when length > 0: // Write through Write() or a span
                int offset = a % length;
                int count = Math.Min(b, length - offset);
                for (int i = 0; i < count; i++)
                {
                    model[offset + i] = value;
                }
                if (kind == 1)
                {
                    file.Write(offset, Enumerable.Repeat(value, count).ToArray());
                }
                else
                {
                    file.GetSpan(offset, count).Fill(value);
                }
                break;
            case 3 when length > 0:
                file.Flush(a % length, Math.Min(b, length - (a % length)));
                break;
            case 4 when length > 0:
                file.StartWriteback(a % length, Math.Min(b, length - (a % length)));
                break;
        }
    }
}
