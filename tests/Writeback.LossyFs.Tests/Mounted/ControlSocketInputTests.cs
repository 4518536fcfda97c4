using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Writeback.LossyFs.Tests.Mounted;

/// <summary>
/// The control socket refuses what it cannot read, on one line naming the field: bytes that are
/// not UTF-8 (no byte-order mark is sniffed), a line over the length limit, a line that never
/// ends, a null field, a fault the CLI would refuse. An idle client never delays the end of a mount.
/// </summary>
public sealed class ControlSocketInputTests
{
    private static string Exchange(TestMount mount, byte[] request, bool closeAfterSending = true)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(mount.FileSystem.ControlSocketPath!));
        socket.ReceiveTimeout = 20_000;
        socket.Send(request);
        if (closeAfterSending)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        var answer = new MemoryStream();
        byte[] buffer = new byte[4096];
        int read;
        while ((read = socket.Receive(buffer)) > 0)
        {
            answer.Write(buffer, 0, read);
        }
        return Encoding.UTF8.GetString(answer.ToArray());
    }

    private static string ErrorOf(string answer)
    {
        Assert.EndsWith("\n", answer);
        Assert.Single(answer.TrimEnd('\n').Split('\n'));
        using var document = JsonDocument.Parse(answer);
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean(), answer);
        return document.RootElement.GetProperty("error").GetString()!;
    }

    [SkippableFact]
    public void A_request_starting_with_ff_fe_is_refused_as_not_utf8_and_a_bom_is_not_sniffed()
    {
        using var mount = TestMount.Create(controlChannel: true);
        Assert.Contains("not valid UTF-8", ErrorOf(Exchange(mount, [0xFF, 0xFE, .. "{\"command\":\"status\"}\n"u8])));
        Assert.Contains("\"ok\":true", Exchange(mount, "{\"command\":\"status\"}\n"u8.ToArray(), closeAfterSending: false));
    }

    [SkippableFact]
    public void A_line_over_the_limit_is_refused_without_reading_it_all()
    {
        using var mount = TestMount.Create(controlChannel: true);
        byte[] huge = new byte[1024 * 1024];
        huge.AsSpan().Fill((byte)'a');
        string error;
        try
        {
            error = ErrorOf(Exchange(mount, huge));
        }
        catch (SocketException)
        {
            return; // the server answered and closed while the client was still sending: also refused
        }
        Assert.Contains("longer than", error);
    }

    [SkippableFact]
    public void A_line_that_never_ends_times_out_with_an_answer()
    {
        using var mount = TestMount.Create(controlChannel: true);
        var watch = Stopwatch.StartNew();
        Assert.Contains("no complete request line", ErrorOf(Exchange(mount, "{\"command\":"u8.ToArray(), closeAfterSending: false)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    [SkippableTheory]
    [InlineData("{\"command\":\"fault\",\"fault\":{\"path\":null,\"operation\":\"Write\",\"errno\":5}}", "fault.path")]
    [InlineData("{\"command\":\"fault\"}", "'fault'")]
    [InlineData("{\"command\":\"fault\",\"fault\":{\"path\":\"/f\",\"operation\":\"Write\",\"errno\":5,\"startOffsetBytes\":10,\"endOffsetBytes\":5}}", "fault.startOffsetBytes")]
    [InlineData("{\"command\":\"fault\",\"fault\":{\"path\":\"/f\",\"operation\":\"Write\",\"errno\":5,\"startOffsetBytes\":5,\"endOffsetBytes\":5}}", "fault.startOffsetBytes")]
    [InlineData("{\"command\":\"fault\",\"fault\":{\"path\":\"/f\",\"operation\":\"Write\",\"errno\":13}}", "fault.errno")]
    [InlineData("{\"command\":\"fault\",\"fault\":{\"path\":\"/f\",\"operation\":\"Write\",\"errno\":5,\"count\":0}}", "fault.count")]
    [InlineData("{\"command\":\"crash\",\"crash\":{\"atomicWriteBytes\":100}}", "crash.atomicWriteBytes")]
    [InlineData("{\"command\":null}", "'command'")]
    [InlineData("{\"command\":\"explode\"}", "'command'")]
    [InlineData("[1,2]", "malformed request")]
    [InlineData("{\"command\":\"fault\",\"fault\":{\"path\":\"/f\",\"operation\":\"Jump\",\"errno\":5}}", "$.fault.operation")]
    public void A_malformed_request_gets_one_line_naming_the_field(string request, string field)
    {
        using var mount = TestMount.Create(controlChannel: true);
        string error = ErrorOf(Exchange(mount, Encoding.UTF8.GetBytes(request + "\n")));
        Assert.Contains(field, error);
        Assert.DoesNotContain("Object reference", error);
        Assert.True(mount.FileSystem.IsMounted);
    }

    [SkippableFact]
    public void An_idle_client_does_not_delay_the_end_of_a_crashed_mount()
    {
        using var mount = TestMount.Create(controlChannel: true);
        using var idle = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        idle.Connect(new UnixDomainSocketEndPoint(mount.FileSystem.ControlSocketPath!));
        Thread.Sleep(200);
        var watch = Stopwatch.StartNew();
        new LossyFsClient(mount.Mountpoint).Crash();
        mount.FileSystem.Dispose();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"the crash and the server's end took {watch.Elapsed} with an idle client connected");
    }
}
