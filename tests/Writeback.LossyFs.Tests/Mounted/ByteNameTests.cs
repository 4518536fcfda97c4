using System.Text;

namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>Names are bytes, as on Linux file systems: names that are not UTF-8 stay distinct, visible and durable.</summary>
public sealed class ByteNameTests
{
    [SkippableFact]
    public void Names_that_are_not_utf8_stay_distinct_visible_and_durable()
    {
        using var mount = TestMount.Create();
        byte[] mnt = Encoding.UTF8.GetBytes(mount.Mountpoint + "/");
        byte[] nameFf = [.. mnt, (byte)'a', 0xFF];
        byte[] nameFe = [.. mnt, (byte)'a', 0xFE];
        WriteFile(nameFf, "ff");
        WriteFile(nameFe, "fe");
        Assert.Equal("ff", ReadFile(nameFf));
        Assert.Equal("fe", ReadFile(nameFe));
        BasicMountTests.FsyncDirectory(mount.Mountpoint);
        mount.FileSystem.Unmount();
        byte[] backing = Encoding.UTF8.GetBytes(mount.Backing + "/");
        Assert.Equal("ff", ReadFile([.. backing, (byte)'a', 0xFF]));
        Assert.Equal("fe", ReadFile([.. backing, (byte)'a', 0xFE]));
    }

    [SkippableFact]
    public void A_backing_file_whose_name_is_not_utf8_is_visible_on_the_mount()
    {
        byte[]? name = null;
        using var mount = TestMount.Create(prepareBacking: backing =>
        {
            name = [.. Encoding.UTF8.GetBytes(backing + "/"), (byte)'b', 0x80, (byte)'c'];
            WriteFile(name, "latin");
        });
        byte[] onMount = [.. Encoding.UTF8.GetBytes(mount.Mountpoint + "/"), (byte)'b', 0x80, (byte)'c'];
        Assert.Equal("latin", ReadFile(onMount));
        Assert.Single(Directory.GetFileSystemEntries(mount.Mountpoint));
    }

    [SkippableFact]
    public void A_crash_removes_a_hidden_area_holding_names_that_are_not_utf8()
    {
        using var mount = TestMount.Create();
        Directory.CreateDirectory(mount.Path("new"));
        WriteFile([.. Encoding.UTF8.GetBytes(mount.Path("new") + "/"), (byte)'x', 0xFF], "x");
        BasicMountTests.FsyncDirectory(mount.Path("new"));
        mount.Crash();
        Assert.Empty(Directory.GetFileSystemEntries(mount.Backing));
    }

    private static void WriteFile(byte[] path, string content)
    {
        int fd = Native.OpenBytes(path, Native.O_CREAT | Native.O_WRONLY, 0x1A4);
        Assert.True(fd >= 0, $"open failed: errno {Interop.LastErrno}");
        byte[] data = Encoding.ASCII.GetBytes(content);
        Assert.Equal(data.Length, (int)Native.pwrite(fd, data, (nuint)data.Length, 0));
        Native.close(fd);
    }

    private static string ReadFile(byte[] path)
    {
        int fd = Native.OpenBytes(path, Native.O_RDONLY, 0);
        Assert.True(fd >= 0, $"open failed: errno {Interop.LastErrno}");
        byte[] buffer = new byte[64];
        int count = (int)Native.read(fd, buffer, (nuint)buffer.Length);
        Native.close(fd);
        return Encoding.ASCII.GetString(buffer, 0, count);
    }
}
