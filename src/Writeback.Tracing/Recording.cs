using System.Text;

namespace Writeback.Tracing;

/// <summary>
/// What <see cref="TraceRecorder"/> saw of one run of a program: the directory's contents before it
/// started (the initial durable state) and, in order, every event that matters for persistence
/// on files under that directory. It can be saved to a file and loaded again (<c>--save</c>, <c>--load</c>).
/// </summary>
public sealed class Recording
{
    private static readonly byte[] Magic = "WBTRACE1"u8.ToArray();
    private static readonly byte[] TasksMagic = "WBTASKS1"u8.ToArray();

    /// <summary>Creates a recording.</summary>
    /// <param name="program">The program, as given on the command line.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="directory">The directory it ran in (absolute).</param>
    /// <param name="initialFiles">The directory's contents before the program started.</param>
    /// <param name="events">The events, in order.</param>
    /// <param name="systemCallCount">How many system calls the program made in all.</param>
    /// <param name="tasks">The tasks that made the events, with their process and its name; empty for a recording that did not keep them.</param>
    public Recording(string program, IReadOnlyList<string> arguments, string directory, IReadOnlyList<TraceFile> initialFiles,
                     IReadOnlyList<TraceEvent> events, long systemCallCount, IReadOnlyList<TraceTask>? tasks = null)
    {
        Tasks = tasks ?? [];
        Program = program;
        Arguments = arguments;
        Directory = directory;
        InitialFiles = initialFiles;
        Events = events;
        SystemCallCount = systemCallCount;
    }

    /// <summary>The program, as given on the command line.</summary>
    public string Program { get; }

    /// <summary>The program's arguments.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The traced directory (absolute) at recording time.</summary>
    public string Directory { get; }

    /// <summary>The directory's contents before the program started.</summary>
    public IReadOnlyList<TraceFile> InitialFiles { get; }

    /// <summary>Every recorded event, in order.</summary>
    public IReadOnlyList<TraceEvent> Events { get; }

    /// <summary>How many system calls the traced processes made (recorded or not).</summary>
    public long SystemCallCount { get; }

    /// <summary>The tasks that made the events (thread, process, process name); empty for trace files written before they were kept.</summary>
    public IReadOnlyList<TraceTask> Tasks { get; }

    /// <summary>The task <paramref name="tid"/>, or <see langword="null"/> when the recording does not know it.</summary>
    /// <param name="tid">A task id, as <see cref="TraceEvent.Pid"/> holds it.</param>
    /// <returns>The task.</returns>
    public TraceTask? TaskOf(int tid) => Tasks.FirstOrDefault(t => t.Tid == tid);

    /// <summary>Everything the program wrote to its standard output, in order.</summary>
    public byte[] StandardOutput() =>
        [.. Events.Where(e => e.Kind == TraceEventKind.Output).SelectMany(e => e.Data.ToArray())];

    /// <summary>Writes the recording in the trace file format (little-endian, versioned by its magic).</summary>
    /// <param name="stream">The destination.</param>
    public void Save(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Program);
        writer.Write(Arguments.Count);
        foreach (string argument in Arguments)
        {
            writer.Write(argument);
        }
        writer.Write(Directory);
        writer.Write(SystemCallCount);
        writer.Write(InitialFiles.Count);
        foreach (TraceFile file in InitialFiles)
        {
            writer.Write(file.Path);
            writer.Write(file.IsDirectory);
            WriteBytes(writer, file.Content.Span);
        }
        writer.Write(Events.Count);
        foreach (TraceEvent e in Events)
        {
            writer.Write((byte)e.Kind);
            writer.Write(e.Pid);
            writer.Write(e.Call);
            writer.Write(e.Path);
            writer.Write(e.TargetPath);
            writer.Write(e.OffsetBytes);
            writer.Write(e.LengthBytes);
            writer.Write(e.Flags);
            WriteBytes(writer, e.Data.Span);
        }
        // The tasks follow as an optional trailer: a file without it (written before) still loads.
        writer.Write(TasksMagic);
        writer.Write(Tasks.Count);
        foreach (TraceTask task in Tasks)
        {
            writer.Write(task.Tid);
            writer.Write(task.Pid);
            writer.Write(task.Name);
        }
    }

    /// <summary>Reads a recording written by <see cref="Save"/>.</summary>
    /// <param name="stream">The source.</param>
    /// <returns>The recording.</returns>
    /// <exception cref="InvalidDataException">The stream is not a trace file of this version, or is truncated.</exception>
    public static Recording Load(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException("not a writeback trace file (its first 8 bytes are not 'WBTRACE1')");
            }
            string program = reader.ReadString();
            string[] arguments = new string[ReadCount(reader)];
            for (int i = 0; i < arguments.Length; i++)
            {
                arguments[i] = reader.ReadString();
            }
            string directory = reader.ReadString();
            long systemCallCount = reader.ReadInt64();
            var files = new TraceFile[ReadCount(reader)];
            for (int i = 0; i < files.Length; i++)
            {
                files[i] = new TraceFile(reader.ReadString(), reader.ReadBoolean(), ReadBytes(reader));
            }
            var events = new TraceEvent[ReadCount(reader)];
            for (int i = 0; i < events.Length; i++)
            {
                events[i] = ReadEvent(reader);
            }
            return new Recording(program, arguments, directory, files, events, systemCallCount, ReadTasks(reader));
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("the trace file is truncated");
        }
    }

    /// <summary>The optional tasks trailer; none when the file ends after its events.</summary>
    private static TraceTask[] ReadTasks(BinaryReader reader)
    {
        byte[] magic = reader.ReadBytes(TasksMagic.Length);
        if (magic.Length == 0)
        {
            return [];
        }
        if (!magic.AsSpan().SequenceEqual(TasksMagic))
        {
            throw new InvalidDataException("unknown data after the events of the trace file");
        }
        var tasks = new TraceTask[ReadCount(reader)];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = new TraceTask(reader.ReadInt32(), reader.ReadInt32(), reader.ReadString());
        }
        return tasks;
    }

    private static TraceEvent ReadEvent(BinaryReader reader)
    {
        var kind = (TraceEventKind)reader.ReadByte();
        if (!Enum.IsDefined(kind))
        {
            throw new InvalidDataException($"unknown event kind {(int)kind} in the trace file");
        }
        return new TraceEvent(kind, reader.ReadInt32(), reader.ReadString(), reader.ReadString(), reader.ReadString(),
                              reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt32(), ReadBytes(reader));
    }

    private static int ReadCount(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        return count >= 0 ? count : throw new InvalidDataException($"negative count {count} in the trace file");
    }

    private static void WriteBytes(BinaryWriter writer, ReadOnlySpan<byte> bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBytes(BinaryReader reader)
    {
        int length = ReadCount(reader);
        byte[] bytes = reader.ReadBytes(length);
        return bytes.Length == length ? bytes : throw new EndOfStreamException();
    }
}
