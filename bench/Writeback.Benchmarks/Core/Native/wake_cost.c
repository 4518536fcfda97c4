/*
 * What the io_uring engine's hand-off costs its caller, without the engine: one thread blocks in
 * io_uring_enter(2) waiting for the completion of a read armed on an eventfd (as the engine's
 * completion thread does), and the main thread times write(2) of that eventfd (what
 * MappedFile.StartWriteback does after writing its SQE), N times, GAP_MS apart (S3 waits for the
 * file's pages to be clean between samples, so the engine is asleep at each one).
 *
 * Build and run: gcc -O2 -o wake_cost wake_cost.c -luring -lpthread && ./wake_cost 15 300
 */
#define _GNU_SOURCE
#include <liburing.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static int event_fd;
static struct io_uring ring;
static unsigned long long event_value;

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void arm_read(void)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_read(sqe, event_fd, &event_value, sizeof event_value, 0);
    io_uring_submit(&ring);
}

static void *completion_thread(void *unused)
{
    (void)unused;
    for (;;) {
        struct io_uring_cqe *cqe;
        if (io_uring_wait_cqe(&ring, &cqe) == 0) {
            io_uring_cqe_seen(&ring, cqe);
            arm_read();
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
    int samples = argc > 1 ? atoi(argv[1]) : 15;
    int gap_ms = argc > 2 ? atoi(argv[2]) : 300;
    if (samples < 1 || samples > 10000 || gap_ms < 0) {
        fprintf(stderr, "usage: wake_cost [SAMPLES 1-10000] [GAP_MS]\n");
        return 2;
    }
    event_fd = eventfd(0, EFD_CLOEXEC);
    int error = io_uring_queue_init(8, &ring, 0);
    if (event_fd < 0 || error < 0) {
        fprintf(stderr, "eventfd or io_uring_queue_init failed\n");
        return 1;
    }
    arm_read();
    pthread_t thread;
    pthread_create(&thread, NULL, completion_thread, NULL);
    double *elapsed_us = calloc((size_t)samples, sizeof *elapsed_us);
    usleep(100000);
    for (int i = 0; i < samples; i++) {
        usleep((useconds_t)gap_ms * 1000);
        unsigned long long one = 1;
        double start = now_us();
        if (write(event_fd, &one, sizeof one) != sizeof one)
            return 1;
        elapsed_us[i] = now_us() - start;
    }
    qsort(elapsed_us, (size_t)samples, sizeof *elapsed_us, by_value);
    printf("write(eventfd) waking a thread blocked in io_uring_enter, %d samples %d ms apart: median %.1f us, min %.1f, max %.1f\n",
           samples, gap_ms, elapsed_us[samples / 2], elapsed_us[0], elapsed_us[samples - 1]);
    return 0;
}
