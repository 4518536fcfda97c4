import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/* The JVM starting a child program (ProcessBuilder: posix_spawn through jspawnhelper on Linux, a
   vfork-style clone then two execs) that appends to events.log, then appending itself and forcing
   (fsync) it, and exiting through System.exit while a daemon thread is still running. */
public final class SpawnChild {
    public static void main(String[] args) throws Exception {
        Thread busy = new Thread(() -> {
            while (true) {
                try { Thread.sleep(1); } catch (InterruptedException e) { return; }
            }
        });
        busy.setDaemon(true);
        busy.start();
        Process child = new ProcessBuilder("/bin/sh", "-c", "printf 'child\\n' >> events.log").inheritIO().start();
        if (child.waitFor() != 0) System.exit(1);
        try (FileChannel log = FileChannel.open(Path.of("events.log"), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            log.write(ByteBuffer.wrap("parent\n".getBytes()));
            log.force(true);
        }
        System.out.println("done");
        System.exit(0);
    }
}
