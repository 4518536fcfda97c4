#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
/* Signals a traced program relies on must reach it: SIGUSR1 sent to itself, SIGALRM from a timer
   that interrupts a sleep, SIGCHLD from a child's exit, and SIGSEGV used as a runtime does (the JVM
   for safepoint polls and null checks): the handler makes the faulting page writable and returns.
   A child that stops itself (SIGSTOP) must be seen stopped by its parent's waitpid(WUNTRACED) and
   run again only after the parent's SIGCONT (job control: the tracer must not resume a group-stop).
   Each signal handled is logged to events.log (write + fdatasync) and acknowledged on stdout. */
static volatile sig_atomic_t got_usr1, got_alrm, got_chld;
static char *volatile guard;  /* volatile: stored before the fault, read by the handler */

static void on_usr1(int s) { (void)s; got_usr1 = 1; }
static void on_alrm(int s) { (void)s; got_alrm = 1; }
static void on_chld(int s) { (void)s; got_chld = 1; }
static void on_segv(int s, siginfo_t *info, void *context) {
    (void)s; (void)context;
    if ((char *)info->si_addr != guard) _exit(3);
    mprotect(guard, 4096, PROT_READ | PROT_WRITE);
}

static void handler(int signal, void (*function)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = function;
    sigaction(signal, &action, 0);
}

static void logged(int fd, const char *what) {
    if (write(fd, what, strlen(what)) != (ssize_t)strlen(what) || fdatasync(fd) != 0) _exit(4);
    printf("%s", what);
    fflush(stdout);
}

int main(void) {
    int fd = open("events.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return 1;
    handler(SIGUSR1, on_usr1);
    handler(SIGALRM, on_alrm);
    handler(SIGCHLD, on_chld);
    struct sigaction segv;
    memset(&segv, 0, sizeof segv);
    segv.sa_sigaction = on_segv;
    segv.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &segv, 0);

    kill(getpid(), SIGUSR1);
    if (got_usr1) logged(fd, "usr1\n");

    struct itimerval timer = { .it_value = { .tv_usec = 20000 } };
    setitimer(ITIMER_REAL, &timer, 0);
    struct timespec second = { .tv_sec = 5 };
    if (nanosleep(&second, 0) != 0 && got_alrm) logged(fd, "alrm\n");  /* interrupted: EINTR */

    pid_t child = fork();
    if (child == 0) _exit(0);
    while (!got_chld) pause();
    int status;
    if (waitpid(child, &status, 0) == child && WIFEXITED(status)) logged(fd, "chld\n");

    guard = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    guard[0] = 'x';  /* faults once; the handler makes it writable and the store is retried */
    if (guard[0] == 'x') logged(fd, "segv\n");

    got_chld = 0;
    child = fork();
    if (child == 0) {
        raise(SIGSTOP);
        logged(fd, "cont\n");
        _exit(0);
    }
    while (waitpid(child, &status, WUNTRACED) < 0) {}  /* EINTR from SIGCHLD */
    if (!WIFSTOPPED(status)) return 5;
    usleep(50000);  /* a resumed child would log "cont" now, before "stop" */
    logged(fd, "stop\n");
    kill(child, SIGCONT);
    while (waitpid(child, &status, 0) < 0) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 6;
    return 0;
}
