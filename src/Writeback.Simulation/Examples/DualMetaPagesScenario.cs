using System.Buffers.Binary;
using System.Globalization;

namespace Writeback.Simulation.Examples;

/// <summary>
/// An LMDB-like store: two checksummed meta pages (0 and 1) and copy-on-write data pages. Each
/// transaction writes a fresh data page, makes it durable with <c>FlushFile</c>, then writes the
/// transaction id into the older meta page and makes that durable with <c>FlushFile</c> before
/// acknowledging. Recovery takes the valid meta page with the highest id. Correct under every
/// model and crash kind: a torn or lost meta page is rejected by its checksum and the other one
/// still names durable data.
/// </summary>
public sealed class DualMetaPagesScenario : ICrashScenario
{
    private const string FileName = "data.mdb";
    private const int PageBytes = 4096;
    private const int MetaBytes = 24;

    /// <summary>Creates the scenario.</summary>
    /// <param name="transactionCount">How many transactions to commit.</param>
    public DualMetaPagesScenario(int transactionCount = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(transactionCount, 1);
        TransactionCount = transactionCount;
    }

    /// <summary>How many transactions the workload commits.</summary>
    public int TransactionCount { get; }

    /// <inheritdoc/>
    public string Name => "dual-meta-pages";

    /// <inheritdoc/>
    public void Run(IMappedStorage storage, Acknowledgements acknowledged)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(acknowledged);
        using IMappedFile file = storage.Open(FileName, new MappedFileOptions { Mode = FileMode.CreateNew, Length = (2L + TransactionCount) * PageBytes });
        Span<byte> meta = stackalloc byte[MetaBytes];
        EncodeMeta(0, meta);
        file.Write(0, meta);
        file.FlushFile();
        storage.FlushDirectory();
        byte[] page = new byte[PageBytes];
        for (int transaction = 1; transaction <= TransactionCount; transaction++)
        {
            EncodeDataPage(transaction, page);
            file.Write((1L + transaction) * PageBytes, page);   // copy-on-write: a page no meta refers to yet
            file.FlushFile();
            EncodeMeta(transaction, meta);
            file.Write(transaction % 2 * PageBytes, meta);      // the older of the two meta pages
            file.FlushFile();
            acknowledged.Add(transaction);
        }
    }

    /// <inheritdoc/>
    public CheckResult Check(IMappedStorage recovered, CrashContext context)
    {
        if (ScenarioCodec.OpenSurvivor(recovered, context, FileName, "transaction", out IMappedFile? survivor, out long acknowledged) is { } verdict)
        {
            return verdict;
        }
        using IMappedFile file = survivor!;
        long transaction = -1L;
        for (int metaIndex = 0; metaIndex < 2 && (metaIndex + 1) * PageBytes <= file.Length; metaIndex++)
        {
            if (DecodeMeta(file.GetReadOnlySpan(metaIndex * PageBytes, MetaBytes)) is { } id)
            {
                transaction = Math.Max(transaction, id);
            }
        }
        if (transaction < 0)
        {
            // Two never-written meta pages are a database created but not yet initialised: recovery starts it afresh.
            bool neverWritten = Enumerable.Range(0, 2).All(metaIndex => (metaIndex + 1) * PageBytes > file.Length
                || !file.GetReadOnlySpan(metaIndex * PageBytes, MetaBytes).ContainsAnyExcept((byte)0));
            return !neverWritten ? CheckResult.Fail("neither meta page is valid")
                : acknowledged == 0 ? CheckResult.Ok
                : CheckResult.Fail(string.Create(CultureInfo.InvariantCulture, $"transaction {acknowledged} was acknowledged but the database was never initialised"));
        }
        byte[] expected = new byte[PageBytes];
        for (int id = 1; id <= transaction; id++)
        {
            EncodeDataPage(id, expected);
            if ((2L + id) * PageBytes > file.Length || !file.GetReadOnlySpan((1L + id) * PageBytes, PageBytes).SequenceEqual(expected))
            {
                return CheckResult.Fail(string.Create(CultureInfo.InvariantCulture, $"meta commits transaction {transaction} but the data page of transaction {id} is not on disk"));
            }
        }
        return transaction >= acknowledged ? CheckResult.Ok
            : CheckResult.Fail(string.Create(CultureInfo.InvariantCulture, $"transaction {acknowledged} was acknowledged but the newest valid meta page names {transaction}"));
    }

    private static void EncodeMeta(long transaction, Span<byte> meta)
    {
        BinaryPrimitives.WriteInt64LittleEndian(meta, transaction);
        BinaryPrimitives.WriteInt64LittleEndian(meta[8..], 1 + transaction);   // last data page
        BinaryPrimitives.WriteUInt64LittleEndian(meta[16..], ScenarioCodec.Checksum(meta[..16], 0x4D455441));
    }

    private static long? DecodeMeta(ReadOnlySpan<byte> meta) =>
        BinaryPrimitives.ReadUInt64LittleEndian(meta[16..]) == ScenarioCodec.Checksum(meta[..16], 0x4D455441)
            ? BinaryPrimitives.ReadInt64LittleEndian(meta)
            : null;

    private static void EncodeDataPage(int transaction, Span<byte> page) => ScenarioCodec.FillPayload(transaction * 1_000_003L, page);
}
