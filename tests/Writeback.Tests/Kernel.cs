namespace Writeback.Tests;

/// <summary>Capability checks for tests that need the real kernel's page cache.</summary>
internal static class Kernel
{
    /// <summary>
    /// Skips the test unless stores into <paramref name="file"/> show up as dirty pages in
    /// cachestat(2): it needs Linux 6.5+ and a file system with writeback (not tmpfs).
    /// </summary>
    public static void SkipUnlessDirtyPagesVisible(MappedFile file)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "needs Linux");
        PageCacheState state;
        try
        {
            file.Write(0, [1]);
            state = file.GetPageCacheState(0, file.PageSize);
        }
        catch (PlatformNotSupportedException exception)
        {
            Skip.If(true, exception.Message);
            return;
        }
        Skip.If(state.DirtyPages == 0, $"the file system under '{file.Path}' reports no dirty pages after a store (tmpfs?)");
    }

    /// <summary>Fills every page of [offsetBytes, offsetBytes + lengthBytes) with <paramref name="value"/>.</summary>
    public static void Dirty(MappedFile file, long offsetBytes, long lengthBytes, byte value)
    {
        for (var offset = offsetBytes; offset < offsetBytes + lengthBytes; offset += file.PageSize)
        {
            file.GetSpan(offset, (int)Math.Min(file.PageSize, offsetBytes + lengthBytes - offset)).Fill(value);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeoutMs"/> passes.</summary>
    public static bool WaitUntil(Func<bool> condition, int timeoutMs)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                return false;
            }
            Thread.Sleep(10);
        }
        return true;
    }
}
