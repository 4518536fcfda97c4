/*
 * What handing a range sync to an engine thread costs, without the library: the main thread dirties
 * PAGES pages of a mapping and then either calls msync(MS_SYNC) on them itself (MODE 0), or (MODE 1)
 * does what FlushAsync's group does: writes an eventfd that an engine thread, blocked in
 * io_uring_enter on a read of that eventfd, wakes from; the engine submits IORING_OP_FSYNC with the
 * range and IORING_FSYNC_DATASYNC (run by an io-wq worker), and when its completion arrives wakes the
 * main thread through a futex. 400 samples; prints the median, mean and p90 of the main thread's wait.
 *
 * Build and run: gcc -O2 -o handoff_cost handoff_cost.c -luring -lpthread
 *                for m in 0 1 0 1; do ./handoff_cost 8 $m /var/tmp/writeback-bench/handoff.dat; done
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <liburing.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { PAGE = 4096, SAMPLES = 400, WAKE_TAG = 1, SYNC_TAG = 2 };

static int event_fd, file_fd, pages;
static struct io_uring ring;
static unsigned long long event_value;
static long request_offset;
static int done;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void arm_wake(void)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_read(sqe, event_fd, &event_value, sizeof event_value, 0);
    sqe->user_data = WAKE_TAG;
}

static void *engine(void *unused)
{
    (void)unused;
    arm_wake();
    for (;;) {
        io_uring_submit_and_wait(&ring, 1);
        struct io_uring_cqe *cqe;
        while (io_uring_peek_cqe(&ring, &cqe) == 0) {
            unsigned long long tag = cqe->user_data;
            io_uring_cqe_seen(&ring, cqe);
            if (tag == WAKE_TAG) {
                arm_wake();
                struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
                io_uring_prep_fsync(sqe, file_fd, IORING_FSYNC_DATASYNC);
                sqe->off = (unsigned long long)request_offset;
                sqe->len = (unsigned)(pages * PAGE - 1);
                sqe->user_data = SYNC_TAG;
            } else {
                __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
                syscall(SYS_futex, &done, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
            }
        }
    }
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    pages = argc > 1 ? atoi(argv[1]) : 0;
    int mode = argc > 2 ? atoi(argv[2]) : -1;
    if (argc != 4 || pages < 1 || pages > 256 || (mode != 0 && mode != 1)) {
        fprintf(stderr, "usage: handoff_cost PAGES(1-256) MODE(0 direct msync, 1 engine thread) FILE\n");
        return 2;
    }
    size_t bytes = (size_t)SAMPLES * pages * PAGE;
    file_fd = open(argv[3], O_RDWR | O_CREAT | O_TRUNC, 0644);
    char *zeros = calloc(1, bytes);
    if (file_fd < 0 || zeros == NULL || write(file_fd, zeros, bytes) != (ssize_t)bytes || fsync(file_fd) != 0) {
        perror(argv[3]);
        return 1;
    }
    char *mapping = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, file_fd, 0);
    event_fd = eventfd(0, EFD_CLOEXEC);
    if (mapping == MAP_FAILED || event_fd < 0 || io_uring_queue_init(16, &ring, 0) < 0) {
        fprintf(stderr, "mmap, eventfd or io_uring_queue_init failed\n");
        return 1;
    }
    pthread_t engine_thread;
    pthread_create(&engine_thread, NULL, engine, NULL);
    usleep(100000);
    double waits_us[SAMPLES], sum_us = 0;
    for (int i = 0; i < SAMPLES; i++) {
        char *start = mapping + (size_t)i * pages * PAGE;
        memset(start, i & 0xFF, (size_t)pages * PAGE);
        double begin = now_us();
        if (mode == 0) {
            msync(start, (size_t)pages * PAGE, MS_SYNC);
        } else {
            request_offset = (long)i * pages * PAGE;
            __atomic_store_n(&done, 0, __ATOMIC_RELEASE);
            unsigned long long one = 1;
            if (write(event_fd, &one, sizeof one) != sizeof one)
                return 1;
            while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) == 0)
                syscall(SYS_futex, &done, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
        }
        waits_us[i] = now_us() - begin;
        sum_us += waits_us[i];
    }
    qsort(waits_us, SAMPLES, sizeof *waits_us, by_value);
    printf("%s, %d pages: median %.0f us, mean %.0f us, p90 %.0f us\n", mode == 0 ? "direct msync" : "engine thread + io_uring FSYNC",
           pages, waits_us[SAMPLES / 2], sum_us / SAMPLES, waits_us[SAMPLES * 9 / 10]);
    unlink(argv[3]);
    return 0;
}
