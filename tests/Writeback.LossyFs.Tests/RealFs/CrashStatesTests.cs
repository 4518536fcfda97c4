using Writeback.LossyFs.BlockLog;
using Writeback.LossyFs.RealFs;

namespace Writeback.LossyFs.Tests.RealFs;

public class CrashStatesTests
{
    private static BlockLogEntry W(long offset) => new(BlockLogEntryKind.Write, offset, 512, 0);
    private static readonly BlockLogEntry s_flush = new(BlockLogEntryKind.Flush, 0, 0, -1);
    private static readonly BlockLogEntry s_output = new(BlockLogEntryKind.Output, 0, 4, 0);

    [Fact]
    public void SmallEpochsAreEnumeratedExhaustivelyAndTheFullSubsetIsLeftToTheNextEpoch()
    {
        // epoch 1: 3 writes, flush; epoch 2: 2 writes (the last epoch, no flush after it).
        var entries = new List<BlockLogEntry> { W(0), W(512), W(1024), s_flush, W(0), s_output, W(2048) };
        IReadOnlyList<CrashState> states = CrashStates.Enumerate(entries, 0, 1000, seed: 0, torn: false);
        Assert.Equal(7 + 4, states.Count); // 2^3 - 1 (full = next epoch's empty) + 2^2
        Assert.All(states.Take(7), s => Assert.Equal(0, s.BaseEntryCount));
        Assert.All(states.Skip(7), s => Assert.Equal(4, s.BaseEntryCount));
        Assert.DoesNotContain(states.Take(7), s => s.Included.Count == 3);
        Assert.Contains(states.Skip(7), s => s.Included.SequenceEqual([4, 6]));
        // The acknowledged output of a state is everything logged before its epoch's end.
        Assert.Equal(3, states[0].OutputEntryCount);
        Assert.Equal(entries.Count, states[^1].OutputEntryCount);
        Assert.Equal(states.Count, states.Select(s => (s.BaseEntryCount, string.Join(',', s.Included))).Distinct().Count());
    }

    [Fact]
    public void LargeEpochsAreSampledDeterministicallyWithinTheBudget()
    {
        var entries = Enumerable.Range(0, 40).Select(i => W(i * 512)).ToList();
        IReadOnlyList<CrashState> first = CrashStates.Enumerate(entries, 0, 50, seed: 7, torn: false);
        IReadOnlyList<CrashState> again = CrashStates.Enumerate(entries, 0, 50, seed: 7, torn: false);
        IReadOnlyList<CrashState> other = CrashStates.Enumerate(entries, 0, 50, seed: 8, torn: false);
        Assert.Equal(50, first.Count);
        Assert.Equal(first.Select(s => string.Join(',', s.Included)), again.Select(s => string.Join(',', s.Included)));
        Assert.NotEqual(first.Select(s => string.Join(',', s.Included)), other.Select(s => string.Join(',', s.Included)));
        Assert.Contains(first, s => s.Included.Count == 0);
        Assert.Contains(first, s => s.Included.Count == 40); // the last epoch keeps its full subset
        Assert.Equal(50, first.Select(s => string.Join(',', s.Included)).Distinct().Count());
    }

    [Fact]
    public void TornStatesOnlyTearWritesLongerThanASector()
    {
        var entries = new List<BlockLogEntry> { new(BlockLogEntryKind.Write, 0, 4096, 0), W(8192), new(BlockLogEntryKind.Write, 16384, 4096, 0) };
        IReadOnlyList<CrashState> states = CrashStates.Enumerate(entries, 0, 100, seed: 3, torn: true);
        Assert.Contains(states, s => s.TornSectorMasks.Count > 0);
        Assert.All(states, s => Assert.DoesNotContain(1, s.TornSectorMasks.Keys));
        Assert.All(states, s => Assert.All(s.TornSectorMasks.Keys, k => Assert.Contains(k, s.Included)));
    }

    [Fact]
    public void TheBlockLogKeepsRecordsInOrderWithTheirBytes()
    {
        string path = Path.Combine(Path.GetTempPath(), $"blocklog-test-{Guid.NewGuid():N}");
        try
        {
            using var log = new BlockLog.BlockLog(path);
            log.AppendWrite(4096, "abc"u8);
            log.AppendFlush(dataSync: true);
            log.AppendOutput("ack\n"u8);
            log.AppendZero(0, 8192);
            int marker = log.AppendMarker();
            IReadOnlyList<BlockLogEntry> entries = log.Entries;
            Assert.Equal([BlockLogEntryKind.Write, BlockLogEntryKind.Flush, BlockLogEntryKind.Output, BlockLogEntryKind.Zero, BlockLogEntryKind.Marker], entries.Select(e => e.Kind));
            Assert.Equal(4, marker);
            Assert.Equal("abc"u8.ToArray(), log.ReadData(entries[0]));
            Assert.Equal("ack\n"u8.ToArray(), log.ReadData(entries[2]));
            Assert.Equal((1, 1, 1, 1, 3L), (log.WriteCount, log.FlushCount, log.DataSyncFlushCount, log.ZeroCount, log.WrittenBytes));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
