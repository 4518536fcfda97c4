using Writeback.Simulation.Storage;
namespace Writeback.Simulation.Recording;

/// <summary>
/// The one place that says which calls are persistence-relevant: wraps any <see cref="IMappedStorage"/>
/// and tells an <see cref="ICallObserver"/> about each such call before and after passing it on.
/// <see cref="SimulatedStorage"/> records through it; <see cref="CallLimitedStorage"/> counts through it.
/// </summary>
/// <remarks>
/// The calls, in <see cref="CallKind"/>: <c>Open</c>, <c>Delete</c>, <c>Rename</c>, <c>FlushDirectory</c>,
/// and on files <c>Write</c>, <c>SetLength</c>, <c>Flush(offset, length)</c>, <c>Flush()</c>,
/// <c>FlushFile</c>, <c>StartWriteback</c> and <c>FlushAsync</c>. Reads, spans, <c>Exists</c>,
/// <c>Length</c> and <c>Dispose</c> are not calls. A call is observed before its arguments are
/// checked, so a call that throws is still a call (and guarantees nothing).
/// </remarks>
internal sealed class CallRecordingStorage(IMappedStorage inner, ICallObserver observer) : ISubdirectoryStorage
{
    private readonly FlushCompletions _completions = new(observer);

    private ICallObserver Observer => observer;

    /// <summary>Completes every <c>FlushAsync</c> still in flight (the workload has returned), in order.</summary>
    public void CompleteFlushes() => _completions.CompleteAll();

    public IMappedFile Open(string name, MappedFileOptions? options = null)
    {
        var call = new ObservedCall(CallKind.Open, null, CallText.Open(name, (options ?? new MappedFileOptions()).Mode), 0, 0);
        return new RecordingFile(this, Pass(call, () => inner.Open(name, options)));
    }

    public bool Exists(string name) => inner.Exists(name);

    public void Delete(string name) => Pass(new ObservedCall(CallKind.Delete, null, CallText.Delete(name), 0, 0) { Path = name }, () => inner.Delete(name));

    public void Rename(string sourceName, string targetName) =>
        Pass(new ObservedCall(CallKind.Rename, null, CallText.Rename(sourceName, targetName), 0, 0) { Path = sourceName, TargetPath = targetName },
             () => inner.Rename(sourceName, targetName));

    /// <summary>link(2): a second name for the file at <paramref name="sourceName"/>; only over a <see cref="MemoryStorage"/>.</summary>
    public void Link(string sourceName, string targetName) =>
        Pass(new ObservedCall(CallKind.Link, null, CallText.Link(sourceName, targetName), 0, 0) { Path = sourceName, TargetPath = targetName },
             () => (inner as MemoryStorage ?? throw new NotSupportedException($"link(2) needs the simulator's in-memory storage, not {inner.GetType().Name}.")).Link(sourceName, targetName));

    public void FlushDirectory() => Pass(new ObservedCall(CallKind.FlushDirectory, null, CallText.FlushDirectory, 0, 0) { Path = "" }, inner.FlushDirectory);

    /// <summary>fsync(2) of a subdirectory ("" is the root); only over an <see cref="ISubdirectoryStorage"/>.</summary>
    public void FlushDirectory(string path) =>
        Pass(new ObservedCall(CallKind.FlushDirectory, null, CallText.FlushDirectoryAt(path), 0, 0) { Path = path }, () => Tree.FlushDirectory(path));

    /// <summary>mkdir(2); only over an <see cref="ISubdirectoryStorage"/>.</summary>
    public void CreateDirectory(string path) =>
        Pass(new ObservedCall(CallKind.CreateDirectory, null, CallText.CreateDirectory(path), 0, 0) { Path = path }, () => Tree.CreateDirectory(path));

    /// <summary>rmdir(2); only over an <see cref="ISubdirectoryStorage"/>.</summary>
    public void RemoveDirectory(string path) =>
        Pass(new ObservedCall(CallKind.RemoveDirectory, null, CallText.RemoveDirectory(path), 0, 0) { Path = path }, () => Tree.RemoveDirectory(path));

    public bool DirectoryExists(string path) => Tree.DirectoryExists(path);

    public IReadOnlyList<string> ListDirectory(string path) => Tree.ListDirectory(path);

    private ISubdirectoryStorage Tree => inner as ISubdirectoryStorage
        ?? throw new NotSupportedException($"Directories other than the root need a storage that has them ({nameof(ISubdirectoryStorage)}); {inner.GetType().Name} has not.");

    private void Pass(in ObservedCall call, Action action) => Pass(call, () =>
    {
        action();
        return 0;
    });

    private void Begin(in ObservedCall call)
    {
        _completions.NoteActivity();
        observer.BeforeCall(call);
    }

    private T Pass<T>(in ObservedCall call, Func<T> action)
    {
        Begin(call);
        T result;
        try
        {
            result = action();
        }
        catch (Exception error)
        {
            observer.AfterCall(call, error);
            throw;
        }
        observer.AfterCall(call, null);
        return result;
    }

    /// <summary>A file of a <see cref="CallRecordingStorage"/>: tells the observer about its calls and spans, passes everything on.</summary>
    private sealed class RecordingFile(CallRecordingStorage storage, IMappedFile inner) : IMappedFile
    {
        public string Name => inner.Name;

        public long Length => inner.Length;

        public int PageSize => inner.PageSize;

        public FlushSemantics Semantics => inner.Semantics;

        public Span<byte> GetSpan(long offset, int length)
        {
            Span<byte> span = inner.GetSpan(offset, length);
            storage.Observer.SpanTaken(inner, offset, length);
            return span;
        }

        public ReadOnlySpan<byte> GetReadOnlySpan(long offset, int length) => inner.GetReadOnlySpan(offset, length);

        public void Read(long offset, Span<byte> destination) => inner.Read(offset, destination);

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
            ObservedCall call = File(CallKind.Write, CallText.Write(Name, offset, source.Length), offset, source.Length);
            storage.Begin(call);
            try
            {
                inner.Write(offset, source);
            }
            catch (Exception error)
            {
                storage.Observer.AfterCall(call, error);
                throw;
            }
            storage.Observer.AfterCall(call, null);
        }

        public void SetLength(long length) =>
            storage.Pass(File(CallKind.SetLength, CallText.SetLength(Name, length), 0, length), () => inner.SetLength(length));

        public void Flush(long offset, long length) =>
            storage.Pass(File(CallKind.Flush, CallText.Flush(Name, offset, length), offset, length), () => inner.Flush(offset, length));

        public void Flush() =>
            storage.Pass(File(CallKind.FlushMapping, CallText.FlushMapping(Name), 0, SafeLength()), inner.Flush);

        public void FlushFile() =>
            storage.Pass(File(CallKind.FlushFile, CallText.FlushFile(Name), 0, SafeLength()), inner.FlushFile);

        public void StartWriteback(long offset, long length) =>
            storage.Pass(File(CallKind.StartWriteback, CallText.StartWriteback(Name, offset, length), offset, length), () => inner.StartWriteback(offset, length));

        /// <summary>The start and the completion of the flush are two calls; the completion is held back until the program waits (<see cref="FlushCompletions"/>).</summary>
        public Task FlushAsync(long offset, long length, CancellationToken cancellationToken = default)
        {
            object operation = new object();
            Task started = storage.Pass(File(CallKind.FlushAsync, CallText.FlushAsyncStarted(Name, offset, length), offset, length, operation),
                                       () => inner.FlushAsync(offset, length, cancellationToken));
            ObservedCall completion = File(CallKind.FlushAsyncCompleted, CallText.FlushAsyncCompleted(Name, offset, length), offset, length, operation);
            return storage._completions.Hold(started, completion, cancellationToken);
        }

        public void Dispose() => inner.Dispose();

        private ObservedCall File(CallKind kind, string description, long offsetBytes, long lengthBytes, object? operation = null) =>
            new(kind, inner, description, offsetBytes, lengthBytes, operation);

        /// <summary>The length a whole-mapping call covers; 0 on a disposed file (the call then throws).</summary>
        private long SafeLength()
        {
            try
            {
                return inner.Length;
            }
            catch (ObjectDisposedException)
            {
                return 0;
            }
        }
    }

}
