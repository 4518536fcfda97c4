/* Creates sub/, writes and fsyncs sub/data, then prints "ok" (its acknowledgement).
 * Usage: nested_dir root    fsyncs only DIR itself: sub/data's entry in sub/ is never durable (the bug)
 *        nested_dir both    fsyncs sub/ (data's entry), then DIR (sub's entry): correct
 * Run in DIR (its current directory). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fsync_directory(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || fsync(fd) != 0) {
        perror(path);
        return -1;
    }
    return close(fd);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "root") != 0 && strcmp(mode, "both") != 0) {
        fprintf(stderr, "usage: nested_dir root|both\n");
        return 2;
    }
    if (mkdir("sub", 0755) != 0) {
        perror("mkdir sub");
        return 1;
    }
    int fd = open("sub/data", O_WRONLY | O_CREAT | O_EXCL, 0644);
    const char record[] = "acknowledged record\n";
    if (fd < 0 || write(fd, record, sizeof record - 1) != (ssize_t)(sizeof record - 1) || fsync(fd) != 0 || close(fd) != 0) {
        perror("sub/data");
        return 1;
    }
    if (strcmp(mode, "both") == 0 && fsync_directory("sub") != 0) {
        return 1;
    }
    if (fsync_directory(".") != 0) {
        return 1;
    }
    printf("ok\n");
    return fflush(stdout) == 0 ? 0 : 1;
}
