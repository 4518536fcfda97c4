/* Creates a file in the traced directory, then sets up an io_uring: the recorder must refuse. */
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) {
    int fd = open("x.bin", O_RDWR | O_CREAT, 0644);
    write(fd, "x", 1);
    unsigned char params[120];
    memset(params, 0, sizeof params);
    return syscall(SYS_io_uring_setup, 4, params) < 0;
}
