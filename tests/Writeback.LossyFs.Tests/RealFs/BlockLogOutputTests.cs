using System.IO.Pipes;
using System.Text;
using Writeback.LossyFs.BlockLog;
using BlockLogFile = Writeback.LossyFs.BlockLog.BlockLog;

namespace Writeback.LossyFs.Tests.RealFs;

public sealed class BlockLogOutputTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"blocklog-output-{Environment.ProcessId}-{Guid.NewGuid():N}.log");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void OutputPrintedBeforeABlockRequestIsLoggedBeforeItWithoutAnyReaderThread()
    {
        // The litmus run that needed this: on a loaded machine a reader thread logged "ack" after the
        // next O_DSYNC record's write and flush, so an image held 2 records with 0 acknowledgements.
        using var log = new BlockLogFile(_path);
        using var program = new AnonymousPipeServerStream(PipeDirection.Out);
        using var realfs = new AnonymousPipeClientStream(PipeDirection.In, program.ClientSafePipeHandle);
        log.AttachOutput(realfs.SafePipeHandle);
        program.Write("ack\n"u8);
        program.Flush();
        log.AppendWrite(4096, new byte[512]);
        log.AppendFlush(dataSync: false);
        program.Write("ack\n"u8);
        program.Flush();
        log.AppendWrite(8192, new byte[512]);

        Assert.Equal([BlockLogEntryKind.Output, BlockLogEntryKind.Write, BlockLogEntryKind.Flush, BlockLogEntryKind.Output, BlockLogEntryKind.Write],
                     log.Entries.Select(e => e.Kind));
        Assert.Equal("ack\n", Encoding.UTF8.GetString(log.ReadData(log.Entries[0])));
        Assert.True(log.DrainOutput()); // the pipe is open and empty: the reader would poll again
        Assert.Equal("ack\nack\n", Encoding.UTF8.GetString(log.DetachOutput()));
        log.AppendFlush(dataSync: false); // detached: nothing more is read from the pipe
        Assert.Equal(6, log.Entries.Count);
    }
}
