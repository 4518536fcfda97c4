namespace Writeback.Simulation.Tests.Contract;

/// <summary>
/// One contract for every <see cref="IMappedStorage"/>: <see cref="MappedFile"/> on real files
/// (<see cref="DirectoryStorage"/>), the simulator's files (<see cref="SimulatedStorage"/>), and
/// <see cref="DirectoryStorage"/> on a LossyFs mount (in Writeback.LossyFs.Tests, run in a child
/// process). Lengths, <see cref="MappedFileOptions.MaxLength"/>, offsets beyond 2 GiB, read-only
/// access, use after dispose and bad ranges: same results, same exception types and parameter names.
/// A workload that passes <c>writeback check</c> must not throw on real files.
/// </summary>
/// <remarks>This file is compiled into both test assemblies; <see cref="StorageContractCases"/> holds the bodies, so a child process can run one by name.</remarks>
public abstract class StorageContract
{
    /// <summary>Runs contract case <paramref name="name"/> against a fresh storage of this kind.</summary>
    protected abstract void Verify(string name);

    [SkippableFact]
    public void Lengths_grow_and_shrink_with_zeros() => Verify(nameof(StorageContractCases.LengthsGrowAndShrinkWithZeros));

    [SkippableFact]
    public void Open_modes_behave_alike() => Verify(nameof(StorageContractCases.OpenModesBehaveAlike));

    [SkippableFact]
    public void MaxLength_caps_SetLength_and_spans_survive_growth() => Verify(nameof(StorageContractCases.MaxLengthCapsSetLengthAndSpansSurviveGrowth));

    [SkippableFact]
    public void Offsets_beyond_2_GiB_work() => Verify(nameof(StorageContractCases.OffsetsBeyond2GiBWork));

    [SkippableFact]
    public void Read_only_files_refuse_changes() => Verify(nameof(StorageContractCases.ReadOnlyFilesRefuseChanges));

    [SkippableFact]
    public void Use_after_dispose_throws_ObjectDisposedException() => Verify(nameof(StorageContractCases.UseAfterDisposeThrows));

    [SkippableFact]
    public void Bad_ranges_name_their_parameter() => Verify(nameof(StorageContractCases.BadRangesNameTheirParameter));

    [SkippableFact]
    public void Bad_names_and_missing_files() => Verify(nameof(StorageContractCases.BadNamesAndMissingFiles));
}
