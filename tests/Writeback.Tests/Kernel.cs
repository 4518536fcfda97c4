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
        for (long offset = offsetBytes; offset < offsetBytes + lengthBytes; offset += file.PageSize)
        {
            file.GetSpan(offset, (int)Math.Min(file.PageSize, offsetBytes + lengthBytes - offset)).Fill(value);
        }
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> up to <paramref name="attempts"/> times until it returns
    /// true. For assertions that pages stay dirty: on a shared machine another process's sync(2),
    /// or the background flusher crossing dirty_background_ratio, can clean them at any moment,
    /// so one clean observation proves nothing, while all attempts failing does.
    /// </summary>
    public static bool Eventually(int attempts, Func<bool> scenario)
    {
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            if (scenario())
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeoutMs"/> passes.</summary>
    public static bool WaitUntil(Func<bool> condition, int timeoutMs)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
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
