using Microsoft.Win32.SafeHandles;
using Writeback.LossyFs.BlockLog;

namespace Writeback.LossyFs.RealFs;

/// <summary>
/// Builds crash images from a block log. Keeps a base image that advances through the log (each
/// state's base is a prefix of the log, and states come in log order), and writes each crash image
/// as a sparse copy of the base holding only the ranges that ever held data (mkfs's extents and
/// every applied write), then applies the state's writes of the next epoch, torn where it says.
/// </summary>
public sealed class CrashImageBuilder : IDisposable
{
    private const int ChunkBytes = 1 << 20;
    private const int SectorBytes = 512;
    private readonly BlockLog.BlockLog _log;
    private readonly IReadOnlyList<BlockLogEntry> _entries;
    private readonly SafeFileHandle _base;
    private readonly long _sizeBytes;
    private readonly SortedDictionary<long, long> _dataRanges = []; // start -> end, merged lazily
    private readonly byte[] _buffer = new byte[ChunkBytes];
    private int _appliedEntryCount;

    /// <summary>Takes over <paramref name="baseImagePath"/> (the device as it was before the log started; it is advanced in place).</summary>
    public CrashImageBuilder(string baseImagePath, BlockLog.BlockLog log, IReadOnlyList<BlockLogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(log);
        _log = log;
        _entries = entries;
        _base = File.OpenHandle(baseImagePath, FileMode.Open, FileAccess.ReadWrite);
        _sizeBytes = RandomAccess.GetLength(_base);
        ScanInitialData();
    }

    /// <summary>Bytes copied per image on average so far (the data ranges' total).</summary>
    public long DataBytes => _dataRanges.Sum(r => r.Value - r.Key);

    /// <summary>Writes the image of <paramref name="state"/> to <paramref name="path"/> (created or replaced).</summary>
    public void Build(CrashState state, string path)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.BaseEntryCount < _appliedEntryCount)
        {
            throw new InvalidOperationException($"crash states must come in log order: base {state.BaseEntryCount} is before {_appliedEntryCount}");
        }
        for (; _appliedEntryCount < state.BaseEntryCount; _appliedEntryCount++)
        {
            Apply(_base, _entries[_appliedEntryCount], tornSeed: null);
            AddRange(_entries[_appliedEntryCount]);
        }
        using SafeFileHandle image = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        RandomAccess.SetLength(image, _sizeBytes);
        CopyDataRanges(image);
        foreach (int index in state.Included)
        {
            Apply(image, _entries[index], state.TornSectorMasks.TryGetValue(index, out ulong seed) ? seed : null);
        }
    }

    /// <summary>Closes the base image.</summary>
    public void Dispose() => _base.Dispose();

    private void Apply(SafeFileHandle file, in BlockLogEntry entry, ulong? tornSeed)
    {
        if (entry.Kind == BlockLogEntryKind.Zero)
        {
            Array.Clear(_buffer);
            for (long done = 0; done < entry.LengthBytes; done += ChunkBytes)
            {
                RandomAccess.Write(file, _buffer.AsSpan(0, (int)Math.Min(ChunkBytes, entry.LengthBytes - done)), entry.OffsetBytes + done);
            }
            return;
        }
        if (entry.Kind != BlockLogEntryKind.Write)
        {
            return;
        }
        Span<byte> data = entry.LengthBytes <= ChunkBytes ? _buffer.AsSpan(0, (int)entry.LengthBytes) : new byte[entry.LengthBytes];
        _log.ReadData(entry, data);
        if (tornSeed is not { } seed)
        {
            RandomAccess.Write(file, data, entry.OffsetBytes);
            return;
        }
        for (int sector = 0; sector * SectorBytes < data.Length; sector++)
        {
            if (CrashState.SectorSurvives(seed, sector))
            {
                int start = sector * SectorBytes;
                RandomAccess.Write(file, data.Slice(start, Math.Min(SectorBytes, data.Length - start)), entry.OffsetBytes + start);
            }
        }
    }

    private void CopyDataRanges(SafeFileHandle image)
    {
        Merge();
        foreach ((long start, long end) in _dataRanges)
        {
            for (long position = start; position < end; position += ChunkBytes)
            {
                int length = (int)Math.Min(ChunkBytes, end - position);
                int read = RandomAccess.Read(_base, _buffer.AsSpan(0, length), position);
                RandomAccess.Write(image, _buffer.AsSpan(0, read), position);
            }
        }
    }

    private void AddRange(in BlockLogEntry entry)
    {
        if (entry.Kind == BlockLogEntryKind.Write)
        {
            long end = entry.OffsetBytes + entry.LengthBytes;
            _dataRanges[entry.OffsetBytes] = _dataRanges.TryGetValue(entry.OffsetBytes, out long old) ? Math.Max(old, end) : end;
        }
    }

    /// <summary>Merges overlapping or touching ranges.</summary>
    private void Merge()
    {
        var merged = new List<(long Start, long End)>();
        foreach ((long start, long end) in _dataRanges)
        {
            if (merged.Count > 0 && start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, end));
            }
            else
            {
                merged.Add((start, end));
            }
        }
        _dataRanges.Clear();
        foreach ((long start, long end) in merged)
        {
            _dataRanges[start] = end;
        }
    }

    /// <summary>Finds the chunks of the initial image that hold any non-zero byte (mkfs's metadata).</summary>
    private void ScanInitialData()
    {
        const int ScanBytes = 64 * 1024;
        for (long position = 0; position < _sizeBytes; position += ScanBytes)
        {
            int read = RandomAccess.Read(_base, _buffer.AsSpan(0, ScanBytes), position);
            if (read > 0 && _buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                _dataRanges[position] = position + read;
            }
        }
        Merge();
    }
}
