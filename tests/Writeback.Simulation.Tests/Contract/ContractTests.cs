namespace Writeback.Simulation.Tests.Contract;

/// <summary>The contract on the simulator's files.</summary>
public sealed class SimulatedStorageContractTests : StorageContract
{
    protected override void Verify(string name) => StorageContractCases.Run(name, new SimulatedStorage());
}

/// <summary>The contract on <see cref="MappedFile"/> over real files in a temporary directory.</summary>
public sealed class MappedFileContractTests : StorageContract
{
    protected override void Verify(string name)
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("writeback-contract-");
        try
        {
            StorageContractCases.Run(name, new DirectoryStorage(directory.FullName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
