/*
 * The C arm of core-flush's S3 first call: liburing submitting IORING_OP_SYNC_FILE_RANGE with
 * SYNC_FILE_RANGE_WRITE for a freshly created file with every page dirty, timed around
 * io_uring_submit() only (the caller-visible cost, as MappedFile.StartWriteback's arm is timed).
 *
 * A coprocess, so its samples interleave with the C# arms in one run: the ring is set up once
 * (as the library's engine is started once per process); then for each line "PATH BYTES" read
 * from stdin it creates PATH sparse with BYTES bytes, maps it, dirties every page through the
 * mapping, times io_uring_submit(), waits for the completion (the writeback start, not the
 * writeback), unmaps and closes, and prints the microseconds (or "error ..." on a failure). The
 * C# side then waits until the file's pages are clean and deletes it, exactly as for its own arms.
 *
 * Built by the bench: gcc -O2 -o s3_submit s3_submit.c -luring
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int sample(struct io_uring *ring, const char *path, long long bytes, double *elapsed_us)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate(fd, bytes) != 0)
        return errno;
    unsigned char *map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        return errno;
    long page = sysconf(_SC_PAGESIZE);
    for (long long offset = 0; offset < bytes; offset += page)
        map[offset] = 0x77;

    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    io_uring_prep_sync_file_range(sqe, fd, (unsigned)bytes, 0, SYNC_FILE_RANGE_WRITE);
    double start = now_us();
    int submitted = io_uring_submit(ring);
    *elapsed_us = now_us() - start;
    if (submitted != 1)
        return submitted < 0 ? -submitted : EIO;

    struct io_uring_cqe *cqe;
    int result = io_uring_wait_cqe(ring, &cqe);
    if (result == 0) {
        result = cqe->res < 0 ? -cqe->res : 0;
        io_uring_cqe_seen(ring, cqe);
    } else {
        result = -result;
    }
    munmap(map, bytes);
    close(fd);
    return result;
}

int main(void)
{
    struct io_uring ring;
    int result = io_uring_queue_init(8, &ring, 0);
    if (result < 0) {
        printf("error io_uring_queue_init: %s\n", strerror(-result));
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    char path[4096];
    long long bytes;
    while (scanf("%4095s %lld", path, &bytes) == 2) {
        double elapsed_us = 0;
        int error = sample(&ring, path, bytes, &elapsed_us);
        if (error != 0)
            printf("error %s: %s\n", path, strerror(error));
        else
            printf("%.3f\n", elapsed_us);
    }
    io_uring_queue_exit(&ring);
    return 0;
}
