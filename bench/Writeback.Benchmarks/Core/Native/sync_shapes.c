/*
 * What the device does with the syncs a group commit could issue, without the library: THREADS
 * threads append records of PAGES pages each to one preallocated file through a shared mapping,
 * each record followed by msync(MS_SYNC) of its own range, until 3,200 pages are committed. One
 * thread with 8 pages is one group of eight merged into one range sync; 8 threads with 1 page is
 * raw msync from eight threads (S4's baseline); 2 threads with 4 pages is two groups in flight.
 * Prints pages committed per second.
 *
 * Build and run: gcc -O2 -o sync_shapes sync_shapes.c -lpthread
 *                for s in "8 1" "1 8" "2 4"; do ./sync_shapes $s /var/tmp/writeback-bench/shapes.dat; done
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

enum { PAGE = 4096, TOTAL_PAGES = 3200 };

static char *mapping;
static int pages_per_record;
static long next_record;
static long record_count;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void *committer(void *unused)
{
    (void)unused;
    for (;;) {
        long record = __atomic_fetch_add(&next_record, 1, __ATOMIC_SEQ_CST);
        if (record >= record_count)
            return NULL;
        char *start = mapping + record * pages_per_record * PAGE;
        memset(start, (int)(record & 0xFF), (size_t)pages_per_record * PAGE);
        if (msync(start, (size_t)pages_per_record * PAGE, MS_SYNC) != 0) {
            perror("msync");
            exit(1);
        }
    }
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 0;
    pages_per_record = argc > 2 ? atoi(argv[2]) : 0;
    if (argc != 4 || threads < 1 || threads > 64 || pages_per_record < 1 || pages_per_record > TOTAL_PAGES) {
        fprintf(stderr, "usage: sync_shapes THREADS(1-64) PAGES_PER_RECORD FILE\n");
        return 2;
    }
    record_count = TOTAL_PAGES / pages_per_record;
    size_t bytes = (size_t)TOTAL_PAGES * PAGE;
    int fd = open(argv[3], O_RDWR | O_CREAT | O_TRUNC, 0644);
    char *zeros = calloc(1, bytes);
    /* Written and synced first, so the syncs below only overwrite allocated blocks, as S4's file. */
    if (fd < 0 || zeros == NULL || write(fd, zeros, bytes) != (ssize_t)bytes || fsync(fd) != 0) {
        perror(argv[3]);
        return 1;
    }
    mapping = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapping == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    pthread_t workers[64];
    double start = now_us();
    for (int i = 0; i < threads; i++)
        pthread_create(&workers[i], NULL, committer, NULL);
    for (int i = 0; i < threads; i++)
        pthread_join(workers[i], NULL);
    double elapsed_us = now_us() - start;
    printf("%d threads x %d pages per sync: %.0f pages/s\n", threads, pages_per_record, record_count * pages_per_record / elapsed_us * 1e6);
    unlink(argv[3]);
    return 0;
}
