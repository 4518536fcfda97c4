namespace Writeback.Simulation.Tests;

public sealed class SimulatedStorageTests
{
    [Fact]
    public void Calls_that_throw_are_recorded_and_counted_alike_and_guarantee_nothing()
    {
        static void Workload(IMappedStorage storage)
        {
            using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 4096 });
            Assert.Throws<ArgumentOutOfRangeException>(() => file.Flush(4096, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => file.Write(-1, new byte[1]));
            Assert.Throws<ArgumentException>(() => storage.Open("a/b"));
            Assert.Throws<FileNotFoundException>(() => storage.Delete("missing"));
            Assert.Throws<WritebackException>(() => storage.Open("f", new MappedFileOptions { Mode = FileMode.CreateNew }));
        }
        SimulationRecord record = CrashExplorer.Record(new DelegateScenario("throwing", (storage, _) => Workload(storage)));
        var limited = new CallLimitedStorage(new SimulatedStorage(), int.MaxValue);
        Workload(limited);
        Assert.Equal(6, record.CallCount);
        Assert.Equal(record.CallCount, limited.CallCount);
        Assert.Equal("Flush(f, offset=4096, length=1)", record.DescribeCall(1));
    }

    [Fact]
    public void A_range_beyond_the_end_is_rejected_naming_the_parameter()
    {
        var storage = new SimulatedStorage();
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 100 });
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => file.Flush(50, 51)).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => file.StartWriteback(-1, 1)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentOutOfRangeException>(() => file.Write(99, new byte[2])).ParamName);
        Assert.Contains("'f' (100 bytes)", Assert.Throws<ArgumentOutOfRangeException>(() => file.Read(0, new byte[101])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_see_writes_and_growth_reads_zeros()
    {
        var storage = new SimulatedStorage();
        using IMappedFile file = storage.Open("f", new MappedFileOptions { Length = 10 });
        file.Write(2, [1, 2, 3]);
        file.SetLength(5000);
        byte[] buffer = new byte[5000];
        file.Read(0, buffer);
        Assert.Equal([0, 0, 1, 2, 3, 0], buffer[..6]);
        Assert.All(buffer[5..], b => Assert.Equal(0, b));
        file.SetLength(3);
        file.SetLength(6);
        Assert.Equal([0, 0, 1, 0, 0, 0], file.GetReadOnlySpan(0, 6).ToArray());
        Assert.True(storage.Exists("f"));
        storage.Rename("f", "g");
        Assert.False(storage.Exists("f"));
        Assert.Equal(6, storage.Open("g", new MappedFileOptions { Mode = FileMode.Open }).Length);
    }
}
