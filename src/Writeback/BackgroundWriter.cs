namespace Writeback;

/// <summary>
/// The user-space MS_ASYNC of the 2012 proposal: one thread per file, created on first use, that
/// calls sync_file_range(SYNC_FILE_RANGE_WRITE) on the ranges handed to it. sync_file_range itself
/// blocks when the device queue is full, which is why it runs here and not on the caller's thread.
/// Pending ranges live in a fixed-size merging set, so queuing never allocates.
/// </summary>
internal sealed class BackgroundWriter : DedicatedWorker<(long StartBytes, long EndBytes)>
{
    private const int PendingCapacity = 64;

    private readonly MappedFile _file;
    private PendingRangeSet _pending = new(PendingCapacity);
    private PendingRangeSet _batch = new(PendingCapacity);

    public BackgroundWriter(MappedFile file) : base(file, "Writeback writer") => _file = file;

    /// <summary>Queues the page-aligned range [<paramref name="startBytes"/>, <paramref name="endBytes"/>).</summary>
    public void Enqueue(long startBytes, long endBytes) => Enqueue((startBytes, endBytes));

    protected override void Add((long StartBytes, long EndBytes) item) => _pending.Add(item.StartBytes, item.EndBytes);

    protected override bool HasWork => _pending.Count > 0;

    protected override void TakeWork() => (_pending, _batch) = (_batch, _pending); // _batch was empty

    protected override void DoWork()
    {
        for (var i = 0; i < _batch.Count; i++)
        {
            // After a failure the file is poisoned: starting more I/O would report nothing.
            var (startBytes, endBytes) = _batch[i];
            if (!_file.StartWritebackNow(startBytes, endBytes))
            {
                break;
            }
        }
        _batch.Clear();
    }
}
