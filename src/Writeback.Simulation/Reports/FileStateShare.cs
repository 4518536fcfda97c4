namespace Writeback.Simulation;

/// <summary>
/// How much of the state space of the crash points explored bounded one file makes up: the states
/// its unguaranteed pages and length multiply a crash point's states by, as bits (log2), summed
/// over those crash points and crash kinds.
/// </summary>
/// <param name="File">The file's name (at the crash point, else the first it had).</param>
/// <param name="StateBits">The sum of log2 of the states its choices multiply by.</param>
/// <param name="Share">Its part of all files' bits, 0 to 1.</param>
public sealed record FileStateShare(string File, double StateBits, double Share);
