#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
/* execve from a thread that is not the thread-group leader, as runtimes do when a worker thread
   runs a child program in place of the process: the kernel kills the other threads and the
   exec'ing thread takes over the leader's pid (execve(2), "All threads other than the calling
   thread are destroyed"). The shell it becomes appends to the file this process opened and
   fdatasyncs it through the inherited descriptor 3, then acknowledges. */
static void *run(void *unused) {
    (void)unused;
    execl("/bin/sh", "sh", "-c", "printf 'from exec\\n' >&3 && echo done", (char *)0);
    _exit(2);
}

int main(void) {
    int fd = open("events.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd != 3 || write(fd, "before\n", 7) != 7 || fdatasync(fd) != 0) return 1;
    pthread_t thread;
    if (pthread_create(&thread, 0, run, 0) != 0) return 1;
    for (;;) pause();
}
