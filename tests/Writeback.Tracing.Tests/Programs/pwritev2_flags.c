#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>
/* pwritev2(2) flags that change what a write means: RWF_DSYNC makes this one write synchronous
   (as O_DSYNC would), RWF_APPEND appends whatever the offset argument says. */
int main(void) {
    int fd = open("log.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return 1;
    int dir = open(".", O_RDONLY | O_DIRECTORY);
    if (dir < 0 || fsync(dir) != 0) return 1;
    struct iovec first = { "first\n", 6 }, second = { "second\n", 7 };
    if (pwritev2(fd, &first, 1, 0, RWF_DSYNC) != 6) return 2;
    printf("1\n"); fflush(stdout);
    if (pwritev2(fd, &second, 1, 0, RWF_APPEND | RWF_DSYNC) != 7) return 3;
    printf("2\n"); fflush(stdout);
    return 0;
}
