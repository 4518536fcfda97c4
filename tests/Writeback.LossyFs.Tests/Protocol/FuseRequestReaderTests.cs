using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Writeback.LossyFs.Fuse;

namespace Writeback.LossyFs.Tests.Protocol;

public sealed class FuseRequestReaderTests
{
    // A LOOKUP of "a.txt" in the root, as the kernel sends it: fuse_in_header (40 bytes) + "a.txt\0".
    private static readonly byte[] s_lookup = Convert.FromHexString(
        "2e000000" + "01000000" + "0700000000000000" + "0100000000000000" + "e8030000" + "e9030000" + "39300000" + "0000" + "0000"
        + "612e74787400");

    [Fact]
    public void A_lookup_request_parses_into_header_and_name()
    {
        Assert.True(FuseRequestReader.TryParse(s_lookup, out FuseInHeader header, out ReadOnlySpan<byte> body));
        Assert.Equal(46u, header.len);
        Assert.Equal((uint)FuseOpcode.FUSE_LOOKUP, header.opcode);
        Assert.Equal(7ul, header.unique);
        Assert.Equal(1ul, header.nodeid);
        Assert.Equal(1000u, header.uid);
        Assert.Equal(1001u, header.gid);
        Assert.Equal(12345u, header.pid);
        var reader = new FuseRequestReader(body);
        Assert.True(reader.TryReadName(out ReadOnlySpan<byte> name));
        Assert.Equal("a.txt"u8.ToArray(), name.ToArray());
        Assert.Equal(0, reader.Remaining.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(39)]
    [InlineData(45)]
    public void A_short_or_truncated_request_is_rejected_without_throwing(int lengthBytes)
    {
        Assert.False(FuseRequestReader.TryParse(s_lookup.AsSpan(0, lengthBytes), out _, out _));
    }

    [Fact]
    public void A_header_length_that_disagrees_with_the_bytes_read_is_rejected()
    {
        byte[] request = [.. s_lookup, 0, 0];
        Assert.False(FuseRequestReader.TryParse(request, out _, out _));
    }

    [Fact]
    public void An_extension_area_longer_than_the_body_is_rejected()
    {
        byte[] request = (byte[])s_lookup.Clone();
        request[36] = 2; // total_extlen = 16 bytes, but the body has 6
        Assert.False(FuseRequestReader.TryParse(request, out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x62 })]          // no terminator
    [InlineData(new byte[] { 0x00 })]                // empty name
    [InlineData(new byte[] { 0x61, 0x2f, 0x62, 0 })] // contains '/'
    public void Malformed_names_are_rejected(byte[] body)
    {
        var reader = new FuseRequestReader(body);
        Assert.False(reader.TryReadName(out _));
    }

    [Fact]
    public void A_write_request_body_yields_the_payload_after_fuse_write_in()
    {
        var write = new FuseWriteIn { fh = 3, offset = 4096, size = 5, write_flags = FuseKernel.FUSE_WRITE_CACHE };
        byte[] body = [.. MemoryMarshal.AsBytes(new ReadOnlySpan<FuseWriteIn>(ref write)), .. "hello"u8];
        Assert.Equal(
            "0300000000000000" + "0010000000000000" + "05000000" + "01000000" + "0000000000000000" + "00000000" + "00000000" + "68656C6C6F",
            Convert.ToHexString(body));
        var reader = new FuseRequestReader(body);
        Assert.True(reader.TryRead<FuseWriteIn>(out FuseWriteIn parsed));
        Assert.True(reader.TryReadBytes((int)parsed.size, out ReadOnlySpan<byte> data));
        Assert.Equal("hello"u8.ToArray(), data.ToArray());
        Assert.False(new FuseRequestReader(body.AsSpan(0, 30)).TryRead<FuseWriteIn>(out _));
    }

    [Fact]
    public void A_compat_size_structure_reads_its_missing_tail_as_zero()
    {
        // fuse_mknod_in was 8 bytes before 7.12 (FUSE_COMPAT_MKNOD_IN_SIZE).
        byte[] body = Convert.FromHexString("A4810000" + "00000000" + "7800");
        var reader = new FuseRequestReader(body);
        Assert.True(reader.TryReadAtLeast<FuseMknodIn>(8, out FuseMknodIn mknod));
        Assert.Equal(0x81A4u, mknod.mode);
        Assert.Equal(0u, mknod.umask);
        Assert.True(reader.TryReadName(out ReadOnlySpan<byte> name));
        Assert.Equal("x"u8.ToArray(), name.ToArray());
    }

    [Fact]
    public void An_error_reply_is_the_header_alone_with_the_negated_errno()
    {
        byte[] buffer = new byte[64];
        var writer = new FuseReplyWriter(buffer);
        writer.Append(new FuseWriteOut { size = 5 });
        ReadOnlySpan<byte> bytes = writer.Finish(unique: 9, errno: 2);
        Assert.Equal("10000000" + "FEFFFFFF" + "0900000000000000", Convert.ToHexString(bytes));
    }

    [Fact]
    public void Directory_entries_are_padded_to_eight_bytes()
    {
        byte[] buffer = new byte[128];
        var writer = new FuseReplyWriter(buffer);
        writer.Append(new FuseDirent { ino = 5, off = 1, namelen = 3, type = 8 });
        writer.Append("abc"u8);
        writer.AlignTo8();
        Assert.Equal(Unsafe.SizeOf<FuseDirent>() + 8, writer.PayloadBytes);
        Assert.Equal(
            "30000000" + "00000000" + "0100000000000000" // header: len 48, error 0, unique 1
            + "0500000000000000" + "0100000000000000" + "03000000" + "08000000" + "6162630000000000",
            Convert.ToHexString(writer.Finish(unique: 1, errno: 0)));
    }
}
