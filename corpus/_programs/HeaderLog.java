import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/* The header-counted log of mmap_log.py through a MappedByteBuffer: 512-byte records after a
   header page holding the record count. "header" forces only the header page (msync of [0, 4096))
   around bumping the count: correct only where msync syncs the whole file. "ranges" forces each
   record's range (force(index, length), Java 13+) before the header: correct everywhere. */
public final class HeaderLog {
    public static void main(String[] args) throws Exception {
        boolean ranges = args[0].equals("ranges");
        int n = Integer.parseInt(args[1]);
        try (RandomAccessFile file = new RandomAccessFile("data.bin", "rw")) {
            file.setLength(4096 * 4);
            FileChannel channel = file.getChannel();
            channel.force(true);
            try (FileChannel directory = FileChannel.open(Path.of("."), StandardOpenOption.READ)) {
                directory.force(true);
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096 * 4);
            map.order(ByteOrder.LITTLE_ENDIAN);
            byte[] record = new byte[512];
            for (int i = 0; i < n; i++) {
                Arrays.fill(record, (byte) ('a' + i));
                map.put(4096 + i * 512, record);
                map.force(ranges ? 4096 + i * 512 : 0, ranges ? 512 : 4096);
                map.putInt(0, i + 1);
                map.force(0, 4096);
                System.out.println("ack " + (i + 1));
                System.out.flush();
            }
        }
    }
}
