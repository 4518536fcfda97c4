using System.Reflection;
using Writeback.Tracing.Ptrace;

namespace Writeback.Tracing.Tests;

/// <summary>
/// The recorder's system call table, listed: a row added, removed or changed shows up here as a
/// diff. Each row's number is the <see cref="Syscall"/> constant of its name, which
/// <see cref="AbiTests"/> checks against this machine's C headers.
/// </summary>
public sealed class SyscallTableTests
{
    private const string Listing = """
        1 write fd:0 stores:WhenFdUnder exit
        2 open paths:[0] stores:WhenPathUnder exit
        3 close stores:Never exit
        9 mmap stores:Never exit
        11 munmap stores:Always exit
        18 pwrite64 fd:0 stores:WhenFdUnder exit
        20 writev fd:0 stores:WhenFdUnder exit
        25 mremap stores:Always exit
        26 msync stores:Always exit
        32 dup stores:Never exit
        33 dup2 stores:Never exit
        40 sendfile stores:Never exit
        60 exit stores:Always
        72 fcntl stores:Never exit
        74 fsync fd:0 stores:WhenFdUnder exit
        75 fdatasync fd:0 stores:WhenFdUnder exit
        76 truncate paths:[0] stores:WhenPathUnder exit
        77 ftruncate fd:0 stores:WhenFdUnder exit
        82 rename paths:[0 1] stores:WhenPathUnder exit
        83 mkdir paths:[0] stores:WhenPathUnder exit
        84 rmdir paths:[0] stores:WhenPathUnder exit
        85 creat paths:[0] stores:WhenPathUnder exit
        86 link paths:[0 1] stores:WhenPathUnder exit
        87 unlink paths:[0] stores:WhenPathUnder exit
        88 symlink paths:[0 1] stores:WhenPathUnder exit
        162 sync stores:Always exit
        231 exit_group stores:Always
        257 openat paths:[0/1] stores:WhenPathUnder exit
        258 mkdirat paths:[0/1] stores:WhenPathUnder exit
        263 unlinkat paths:[0/1] stores:WhenPathUnder exit
        264 renameat paths:[0/1 2/3] stores:WhenPathUnder exit
        265 linkat paths:[0/1 2/3] stores:WhenPathUnder exit
        266 symlinkat paths:[- 1/2] stores:WhenPathUnder exit
        275 splice stores:Never exit
        277 sync_file_range fd:0 stores:WhenFdUnder exit
        285 fallocate fd:0 stores:WhenFdUnder exit
        292 dup3 stores:Never exit
        296 pwritev fd:0 stores:WhenFdUnder exit
        306 syncfs stores:Always exit
        316 renameat2 paths:[0/1 2/3] stores:WhenPathUnder exit
        326 copy_file_range stores:Never exit
        328 pwritev2 fd:0 stores:WhenFdUnder exit
        425 io_uring_setup stores:Never entry
        435 clone3 stores:Never entry
        436 close_range stores:Never exit
        437 openat2 paths:[0/1] stores:WhenPathUnder entry exit
        """;

    [Fact]
    public void The_table_lists_every_decoded_call()
    {
        string listing = string.Join('\n', SyscallTable.Entries.Select(Describe));
        Assert.Equal(Listing.ReplaceLineEndings("\n"), listing);
    }

    [Fact]
    public void Each_row_is_found_by_its_number_and_carries_the_number_of_its_name()
    {
        var constants = typeof(Syscall).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(int)).ToDictionary(f => f.Name, f => (int)f.GetValue(null)!);
        foreach (SyscallEntry entry in SyscallTable.Entries)
        {
            Assert.True(constants.TryGetValue(entry.Name, out int number), $"{entry.Name}: no Syscall constant of that name");
            Assert.Equal(number, entry.Number);
            Assert.Same(entry, SyscallTable.Find(entry.Number));
            Assert.All(entry.Paths, p => Assert.InRange(p.Index, -1, 5));
            Assert.InRange(entry.FdArgument, -1, 5);
        }
        Assert.Null(SyscallTable.Find(-1));
        Assert.Null(SyscallTable.Find(Syscall.clone)); // followed through ptrace's fork/clone events, not decoded
        Assert.Null(SyscallTable.Find(100_000));
    }

    private static string Describe(SyscallEntry e)
    {
        var parts = new List<string> { e.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Name };
        if (e.FdArgument >= 0)
        {
            parts.Add($"fd:{e.FdArgument}");
        }
        if (e.Paths.Length > 0)
        {
            parts.Add("paths:[" + string.Join(' ', e.Paths.Select(p => p.Index < 0 ? "-" : p.DirectoryFdIndex < 0 ? $"{p.Index}" : $"{p.DirectoryFdIndex}/{p.Index}")) + "]");
        }
        parts.Add($"stores:{e.Stores}");
        if (e.OnEntry is not null)
        {
            parts.Add("entry");
        }
        if (e.OnExit is not null)
        {
            parts.Add("exit");
        }
        return string.Join(' ', parts);
    }
}
