using System.Diagnostics.CodeAnalysis;

namespace Writeback.Simulation;

public sealed partial class CrashExplorer
{
    /// <summary>
    /// The verdict cache of one exploration: an open-addressing table of structs, read without a
    /// lock and added to under one. A <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}"/>
    /// allocated a node per verdict and, in a sampled profile of the WAL exploration, its striped
    /// locks (every one taken while the table grows) were a quarter of the samples: with a checker run
    /// of microseconds, two workers added at once all the time. Here an add holds the lock for one
    /// probe (and, once per doubling, the rehash), and a lookup takes none. The table is chunks of
    /// 1,024 slots (48 KiB), so growing it never allocates on the large object heap, whose budget,
    /// spent by the dictionary's growing bucket arrays, set off a full collection every few explorations.
    /// </summary>
    /// <remarks>
    /// A slot is taken when its verdict is set; its key is written before its verdict is published
    /// (<see cref="Volatile.Write{T}(ref T, T)"/>) and never changes after, so a reader that sees a
    /// verdict sees its key. A grown or cleared table is a new set of chunks: a reader still probing the
    /// old one may miss a verdict added meanwhile and check the state again, whose add then loses
    /// (<see cref="TryAdd"/> returns false), exactly as with the concurrent dictionary.
    /// </remarks>
    private sealed class VerdictCache
    {
        private const int ChunkShift = 10;
        private const int ChunkSlots = 1 << ChunkShift;
        private readonly Lock _addLock = new();
        private Slot[][] _chunks = NewTable(ChunkSlots);
        private int _count;

        private struct Slot
        {
            public StateKey Key;
            public Verdict? Verdict;
        }

        /// <summary>How many verdicts the table holds.</summary>
        public int Count => Volatile.Read(ref _count);

        public bool TryGetValue(in StateKey key, [NotNullWhen(true)] out Verdict? verdict)
        {
            Slot[][] chunks = Volatile.Read(ref _chunks);
            int mask = (chunks.Length << ChunkShift) - 1;
            for (int index = IndexOf(key, mask); ; index = (index + 1) & mask)
            {
                ref Slot slot = ref At(chunks, index);
                if (Volatile.Read(ref slot.Verdict) is not { } found)
                {
                    verdict = null;
                    return false;
                }
                if (slot.Key == key)
                {
                    verdict = found;
                    return true;
                }
            }
        }

        /// <summary>Adds the verdict unless the key is there already; true when this call added it.</summary>
        public bool TryAdd(in StateKey key, Verdict verdict)
        {
            lock (_addLock)
            {
                if (!TryPlace(_chunks, key, verdict))
                {
                    return false;
                }
                _count++;
                if (_count * 2 > _chunks.Length << ChunkShift)
                {
                    Grow();
                }
                return true;
            }
        }

        /// <summary>Forgets every verdict.</summary>
        public void Clear()
        {
            lock (_addLock)
            {
                Volatile.Write(ref _chunks, NewTable(ChunkSlots));
                _count = 0;
            }
        }

        /// <summary>Puts the verdict in the key's slot or the first free one after it; false when the key is there already.</summary>
        private static bool TryPlace(Slot[][] chunks, in StateKey key, Verdict verdict)
        {
            int mask = (chunks.Length << ChunkShift) - 1;
            for (int index = IndexOf(key, mask); ; index = (index + 1) & mask)
            {
                ref Slot slot = ref At(chunks, index);
                if (slot.Verdict is null)
                {
                    slot.Key = key;
                    Volatile.Write(ref slot.Verdict, verdict);
                    return true;
                }
                if (slot.Key == key)
                {
                    return false;
                }
            }
        }

        private void Grow()
        {
            Slot[][] grown = NewTable(_chunks.Length * 2 * ChunkSlots);
            foreach (Slot[] chunk in _chunks)
            {
                foreach (Slot slot in chunk)
                {
                    if (slot.Verdict is { } verdict)
                    {
                        TryPlace(grown, slot.Key, verdict);
                    }
                }
            }
            Volatile.Write(ref _chunks, grown);
        }

        private static Slot[][] NewTable(int slotCount)
        {
            var chunks = new Slot[slotCount >> ChunkShift][];
            for (int chunkIndex = 0; chunkIndex < chunks.Length; chunkIndex++)
            {
                chunks[chunkIndex] = new Slot[ChunkSlots];
            }
            return chunks;
        }

        private static ref Slot At(Slot[][] chunks, int index) => ref chunks[index >> ChunkShift][index & (ChunkSlots - 1)];

        /// <summary>The key's first slot: the image hash is already uniformly mixed; the other fields are folded in.</summary>
        private static int IndexOf(in StateKey key, int mask)
        {
            ulong mixed = (ulong)key.ImageHash ^ ((ulong)(key.ImageHash >> 64) * 0x9E37_79B9_7F4A_7C15UL)
                ^ ((ulong)(uint)key.AcknowledgedCount * 0xC2B2_AE3D_27D4_EB4FUL) ^ ((ulong)(uint)key.CrashPointIndex * 0x1656_67B1_9E37_79F9UL)
                ^ ((ulong)key.Kind * 0x85EB_CA77_C2B2_AE63UL);
            return (int)(mixed ^ (mixed >> 29) ^ (mixed >> 47)) & mask;
        }
    }
}
