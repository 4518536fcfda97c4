#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
/* A log of fixed-size records after a header page holding the record count. It msyncs only the
   header page, before and after bumping the count: correct only where msync syncs the whole file. */
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 3;
    int fd = open("data.bin", O_RDWR | O_CREAT, 0644);
    if (fd < 0 || ftruncate(fd, 4096 * 4) != 0) return 1;
    char *p = mmap(0, 4096 * 4, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return 1;
    fsync(fd);
    int dfd = open(".", O_RDONLY | O_DIRECTORY); fsync(dfd); close(dfd);
    for (int i = 0; i < n; i++) {
        memset(p + 4096 + i * 512, 'a' + i, 512);      /* the record, in page 1 */
        msync(p, 4096, MS_SYNC);                        /* barrier: header page only */
        ((int *)p)[0] = i + 1;                          /* count */
        msync(p, 4096, MS_SYNC);
        printf("%d\n", i + 1); fflush(stdout);
    }
    return 0;
}
