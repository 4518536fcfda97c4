using Writeback.Simulation.Storage;
namespace Writeback.Simulation.Exploration;

/// <summary>
/// One post-crash state as an image: everything not chosen is the guaranteed value, looked up in
/// the model's timeline; nothing is copied except torn pages, which are assembled once per image.
/// </summary>
internal sealed class CrashImage : IImageSource
{
    private readonly CrashPointSpace _space;
    private readonly int[] _state;
    private Dictionary<long, byte[]>? _tornPages;

    public CrashImage(CrashPointSpace space, int[] state)
    {
        _space = space;
        _state = state;
        int directoryOrdinal = space.DirectoryChoiceIndex >= 0
            ? space.Choices[space.DirectoryChoiceIndex].Options[state[space.DirectoryChoiceIndex]].Ordinal
            : space.Timeline.GuaranteedDirectory(space.Level, space.CrashPointIndex);
        Names = space.Timeline.NamesAt(space.Level, space.CrashPointIndex, directoryOrdinal);
    }

    public int PageSizeBytes => _space.Record.PageSizeBytes;

    public IReadOnlyDictionary<string, int> Names { get; }

    /// <summary>A file's length; 0 for a directory's entry (<see cref="MemoryStorage.DirectoryEntryId"/>).</summary>
    public long LengthOf(int inodeId) => inodeId == MemoryStorage.DirectoryEntryId ? 0 : _space.Record.LengthBytes(inodeId, LengthOrdinal(inodeId));

    public int LengthOrdinal(int inodeId)
    {
        int choiceIndex = _space.LengthChoiceIndex(inodeId);
        return choiceIndex >= 0
            ? _space.Choices[choiceIndex].Options[_state[choiceIndex]].Ordinal
            : _space.Timeline.GuaranteedLength(_space.Level, inodeId, _space.CrashPointIndex);
    }

    public byte[] Page(int inodeId, int pageIndex)
    {
        long pageKey = ImageHash.PageKey(inodeId, pageIndex);
        int choiceIndex = _space.PageChoiceIndex(pageKey);
        if (choiceIndex < 0)
        {
            return _space.Record.PageBytes(pageKey, _space.Timeline.GuaranteedPage(_space.Level, pageKey, _space.CrashPointIndex));
        }
        Choice choice = _space.Choices[choiceIndex];
        PageOption option = choice.Options[_state[choiceIndex]];
        if (option.NewUnitMask == 0)
        {
            return _space.Record.PageBytes(pageKey, option.Ordinal);
        }
        _tornPages ??= [];
        if (!_tornPages.TryGetValue(pageKey, out byte[]? torn))
        {
            torn = Tear(_space.Record.PageBytes(pageKey, choice.Options[0].Ordinal), _space.Record.PageBytes(pageKey, option.Ordinal),
                        option.NewUnitMask, _space.UnitBytes);
            _tornPages.Add(pageKey, torn);
        }
        return torn;
    }

    /// <summary>The old page with the units in <paramref name="newUnitMask"/> taken from the new one.</summary>
    public static byte[] Tear(byte[] oldBytes, byte[] newBytes, ulong newUnitMask, int unitBytes)
    {
        byte[] torn = (byte[])oldBytes.Clone();
        for (int unitIndex = 0; unitIndex * unitBytes < torn.Length; unitIndex++)
        {
            if ((newUnitMask & (1UL << unitIndex)) != 0)
            {
                newBytes.AsSpan(unitIndex * unitBytes, unitBytes).CopyTo(torn.AsSpan(unitIndex * unitBytes));
            }
        }
        return torn;
    }

    /// <summary>
    /// The image as file contents (durable name -> bytes), for tests and for comparing with real images;
    /// a surviving subdirectory is its path with a trailing '/' and no bytes.
    /// </summary>
    public Dictionary<string, byte[]> Materialize()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach ((string? name, int inodeId) in Names)
        {
            long lengthBytes = LengthOf(inodeId);
            byte[] content = new byte[lengthBytes];
            for (long pageIndex = 0L; pageIndex * PageSizeBytes < lengthBytes; pageIndex++)
            {
                int count = (int)Math.Min(PageSizeBytes, lengthBytes - pageIndex * PageSizeBytes);
                Page(inodeId, (int)pageIndex).AsSpan(0, count).CopyTo(content.AsSpan((int)(pageIndex * PageSizeBytes)));
            }
            files.Add(name, content);
        }
        return files;
    }
}
