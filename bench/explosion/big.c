/* Writes 32 MiB through one shared mapping of big.bin, 4 MiB at a time; after each chunk,
 * msync(MS_SYNC) of that chunk, then prints "chunk N" (the acknowledgement). Every 8-byte word
 * holds its own file offset XOR a constant, so a checker can tell each page's version.
 * With the argument --fsync-dir it also fsyncs the directory after creating big.bin, so the file's
 * name is durable and every crash point is explored to the end (without it, a kernel crash or power
 * loss may lose the name, and each such crash point stops at its first failing state). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK_BYTES (4u << 20)
#define CHUNK_COUNT 8u

int main(int argc, char **argv)
{
    int fd = open("big.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, (off_t)CHUNK_BYTES * CHUNK_COUNT) != 0) { perror("big.bin"); return 1; }
    if (argc > 1 && strcmp(argv[1], "--fsync-dir") == 0) {
        int dir = open(".", O_RDONLY | O_DIRECTORY);
        if (dir < 0 || fsync(dir) != 0) { perror("fsync ."); return 1; }
        close(dir);
    }
    uint64_t *words = mmap(NULL, (size_t)CHUNK_BYTES * CHUNK_COUNT, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (words == MAP_FAILED) { perror("mmap"); return 1; }
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (uint64_t chunk = 0; chunk < CHUNK_COUNT; chunk++) {
        uint64_t first = chunk * CHUNK_BYTES / 8, end = first + CHUNK_BYTES / 8;
        for (uint64_t word = first; word < end; word++) words[word] = (word * 8) ^ 0x5741524b42414b45ull;
        if (msync((char *)words + chunk * CHUNK_BYTES, CHUNK_BYTES, MS_SYNC) != 0) { perror("msync"); return 1; }
        printf("chunk %llu\n", (unsigned long long)chunk);
    }
    munmap(words, (size_t)CHUNK_BYTES * CHUNK_COUNT);
    close(fd);
    return 0;
}
