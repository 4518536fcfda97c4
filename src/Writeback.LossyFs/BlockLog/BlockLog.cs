using Microsoft.Win32.SafeHandles;

namespace Writeback.LossyFs.BlockLog;

/// <summary>
/// An append-only log of what reached one block device's backing file, in arrival order: writes
/// (offset, length and bytes), zeroed ranges, cache flushes, and the program's output and markers
/// the runner adds. Bytes go to a log file (appended, never rewritten); the index of records stays
/// in memory. Thread-safe: a record is appended, and its position fixed, under one lock, before
/// the request that caused it is answered, so log order is an order the device could have seen.
/// </summary>
public sealed partial class BlockLog : IDisposable
{
    private const int HeaderBytes = 24;
    private readonly Lock _lock = new();
    private readonly List<BlockLogEntry> _entries = [];
    private readonly SafeFileHandle _file;
    private long _endBytes;

    /// <summary>Creates (or truncates) the log file at <paramref name="path"/>.</summary>
    /// <param name="path">Where the log's bytes go; keep it off the device being logged.</param>
    public BlockLog(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _file = File.OpenHandle(Path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
    }

    /// <summary>The log file.</summary>
    public string Path { get; }

    /// <summary>How many writes were logged.</summary>
    public int WriteCount { get; private set; }

    /// <summary>How many flushes were logged.</summary>
    public int FlushCount { get; private set; }

    /// <summary>How many of the flushes arrived as fdatasync (the rest as fsync).</summary>
    public int DataSyncFlushCount { get; private set; }

    /// <summary>How many zeroed ranges (discards, write-zeroes) were logged.</summary>
    public int ZeroCount { get; private set; }

    /// <summary>Bytes of written data logged.</summary>
    public long WrittenBytes { get; private set; }

    /// <summary>A snapshot of the records so far, in order.</summary>
    public IReadOnlyList<BlockLogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Logs a write and its bytes.</summary>
    public void AppendWrite(long offsetBytes, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            DrainOutputLocked();
            Append(BlockLogEntryKind.Write, offsetBytes, data);
            WriteCount++;
            WrittenBytes += data.Length;
        }
    }

    /// <summary>Logs a range that now reads as zeros.</summary>
    public void AppendZero(long offsetBytes, long lengthBytes)
    {
        lock (_lock)
        {
            DrainOutputLocked();
            _entries.Add(new BlockLogEntry(BlockLogEntryKind.Zero, offsetBytes, lengthBytes, -1));
            ZeroCount++;
        }
    }

    /// <summary>Logs a device cache flush.</summary>
    /// <param name="dataSync">It arrived as fdatasync rather than fsync.</param>
    public void AppendFlush(bool dataSync)
    {
        lock (_lock)
        {
            DrainOutputLocked();
            _entries.Add(new BlockLogEntry(BlockLogEntryKind.Flush, 0, 0, -1));
            FlushCount++;
            DataSyncFlushCount += dataSync ? 1 : 0;
        }
    }

    /// <summary>Logs bytes the program wrote to standard output.</summary>
    public void AppendOutput(ReadOnlySpan<byte> output)
    {
        lock (_lock)
        {
            Append(BlockLogEntryKind.Output, 0, output);
        }
    }

    /// <summary>Logs a marker and returns its index.</summary>
    public int AppendMarker()
    {
        lock (_lock)
        {
            _entries.Add(new BlockLogEntry(BlockLogEntryKind.Marker, 0, 0, -1));
            return _entries.Count - 1;
        }
    }

    /// <summary>Reads the bytes of a write or output record into <paramref name="destination"/> (its length bytes).</summary>
    public void ReadData(in BlockLogEntry entry, Span<byte> destination)
    {
        if (entry.DataPosition < 0 || destination.Length > entry.LengthBytes)
        {
            throw new ArgumentException($"block log record {entry.Kind} at offset {entry.OffsetBytes} has no {destination.Length} bytes of data", nameof(entry));
        }
        int readBytes = 0;
        while (readBytes < destination.Length)
        {
            int count = RandomAccess.Read(_file, destination[readBytes..], entry.DataPosition + readBytes);
            if (count <= 0)
            {
                throw new IOException($"read of the block log '{Path}' at {entry.DataPosition + readBytes} returned end of file");
            }
            readBytes += count;
        }
    }

    /// <summary>The bytes of a write or output record.</summary>
    public byte[] ReadData(in BlockLogEntry entry)
    {
        byte[] bytes = new byte[entry.LengthBytes];
        ReadData(entry, bytes);
        return bytes;
    }

    /// <summary>Closes the log file (it stays on disk).</summary>
    public void Dispose() => _file.Dispose();

    private void Append(BlockLogEntryKind kind, long offsetBytes, ReadOnlySpan<byte> data)
    {
        // A small header before the bytes keeps the file self-describing for a later reader.
        Span<byte> header = stackalloc byte[HeaderBytes];
        header.Clear();
        header[0] = (byte)kind;
        BitConverter.TryWriteBytes(header[8..], offsetBytes);
        BitConverter.TryWriteBytes(header[16..], (long)data.Length);
        RandomAccess.Write(_file, header, _endBytes);
        RandomAccess.Write(_file, data, _endBytes + HeaderBytes);
        _entries.Add(new BlockLogEntry(kind, offsetBytes, data.Length, _endBytes + HeaderBytes));
        _endBytes += HeaderBytes + data.Length;
    }
}
