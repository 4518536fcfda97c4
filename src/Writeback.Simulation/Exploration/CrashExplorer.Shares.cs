using Writeback.Simulation.Exploration;

namespace Writeback.Simulation;

public sealed partial class CrashExplorer
{
    private sealed partial class Run
    {
        private readonly Dictionary<string, double> _boundedShares = new(StringComparer.Ordinal);

        /// <summary>
        /// Each file's part of the bounded crash points' state spaces, largest first: the sum over those crash
        /// points (and kinds) of log2 of the states its pages and length choices multiply by.
        /// </summary>
        public IReadOnlyList<FileStateShare> BoundedShares()
        {
            lock (_boundedShares)
            {
                double total = _boundedShares.Values.Sum();
                return [.. _boundedShares.Where(s => s.Value > 0).OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal)
                    .Select(s => new FileStateShare(s.Key, Math.Round(s.Value, 3), total > 0 ? Math.Round(s.Value / total, 4) : 0))];
            }
        }

        /// <summary>Adds one bounded crash point's choices to the files' shares (the directory's choice is no file's); returns what it added.</summary>
        private (string Name, double Bits)[] AddBoundedShares(CrashPointSpace space)
        {
            var bits = new Dictionary<int, double>();
            foreach (Choice choice in space.Choices)
            {
                if (choice.Kind != ChoiceKind.Directory && choice.OptionCount > 1)
                {
                    bits[choice.InodeId] = bits.GetValueOrDefault(choice.InodeId) + Math.Log2(choice.OptionCount);
                }
            }
            (string Name, double Bits)[] named = bits.Select(b => (Name: NameOf(space, b.Key), Bits: b.Value)).ToArray();
            AddShares(named, 1);
            return named;
        }

        /// <summary>Adds (<paramref name="sign"/> 1) or takes back (-1) shares <see cref="AddBoundedShares"/> returned.</summary>
        private void AddShares((string Name, double Bits)[] named, int sign)
        {
            lock (_boundedShares)
            {
                foreach ((string? name, double value) in named)
                {
                    _boundedShares[name] = _boundedShares.GetValueOrDefault(name) + (sign * value);
                }
            }
        }
    }
}
