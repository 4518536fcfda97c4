/* Litmus tests for crash consistency on real file systems (writeback realfs) and under the
 * simulator's models (writeback trace).
 *
 *   litmus setup NAME   prepares the files the test starts from (run before, then synced)
 *   litmus run NAME     the test: prints "ack" after each call whose durability it relies on
 *   litmus check        the checker: prints the outcome (acks seen, then every file and directory
 *                       under $WRITEBACK_IMAGE with a summary of its contents) and exits 0, or 1
 *                       when LITMUS_FAIL=1 (so `writeback trace` lists every outcome a model allows)
 *   litmus list         the test names
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096

static void die(const char *what) { perror(what); exit(2); }
static void ack(void) { printf("ack\n"); fflush(stdout); }

static int openf(const char *path, int flags) {
    int fd = open(path, flags, 0644);
    if (fd < 0) die(path);
    return fd;
}
static void put(int fd, const char *data, size_t length, off_t offset) {
    if (pwrite(fd, data, length, offset) != (ssize_t)length) die("pwrite");
}
static void fill(int fd, char byte, size_t length, off_t offset) {
    char *buffer = malloc(length);
    memset(buffer, byte, length);
    put(fd, buffer, length, offset);
    free(buffer);
}
static void fsync_path(const char *path) {
    int fd = openf(path, O_RDONLY);
    if (fsync(fd) != 0) die("fsync");
    close(fd);
}
static void make(const char *path, const char *contents) {
    int fd = openf(path, O_CREAT | O_TRUNC | O_WRONLY);
    put(fd, contents, strlen(contents), 0);
    close(fd);
}
static void make_pages(const char *path, char byte, int pages) {
    int fd = openf(path, O_CREAT | O_TRUNC | O_WRONLY);
    fill(fd, byte, (size_t)pages * PAGE, 0);
    close(fd);
}

/* ---- the tests ---- */
static void create_fsync_file(void) { int fd = openf("f", O_CREAT | O_WRONLY); put(fd, "new", 3, 0); fsync(fd); ack(); close(fd); }
static void create_fsync_file_dir(void) { int fd = openf("f", O_CREAT | O_WRONLY); put(fd, "new", 3, 0); fsync(fd); close(fd); fsync_path("."); ack(); }
static void create_sync(void) { make("f", "new"); sync(); ack(); }
static void rename_over_nofsync(void) { make("tmp", "new"); if (rename("tmp", "f")) die("rename"); ack(); }
static void rename_over_fsync(void) {
    int fd = openf("tmp", O_CREAT | O_WRONLY); put(fd, "new", 3, 0); fsync(fd); close(fd);
    if (rename("tmp", "f")) die("rename");
    ack();
}
static void rename_over_fsync_dir(void) {
    int fd = openf("tmp", O_CREAT | O_WRONLY); put(fd, "new", 3, 0); fsync(fd); close(fd);
    if (rename("tmp", "f")) die("rename");
    fsync_path(".");
    ack();
}
static void overwrite_nofsync(void) { int fd = openf("f", O_WRONLY); put(fd, "new", 3, 0); close(fd); ack(); }
static void append_fdatasync(void) { int fd = openf("f", O_WRONLY | O_APPEND); fill(fd, 'b', PAGE, 0); fdatasync(fd); ack(); close(fd); }
static void append_fsync(void) { int fd = openf("f", O_WRONLY | O_APPEND); fill(fd, 'b', PAGE, 0); fsync(fd); ack(); close(fd); }
static void truncate_write_fsync(void) {
    int fd = openf("f", O_WRONLY);
    if (ftruncate(fd, 0)) die("ftruncate");
    fill(fd, 'b', PAGE, 0);
    fsync(fd); ack(); close(fd);
}
static void truncate_nofsync(void) { if (truncate("f", PAGE)) die("truncate"); ack(); }
static void link_fsync_file(void) { if (link("f", "g")) die("link"); fsync_path("f"); ack(); }
static void link_fsync_dir(void) { if (link("f", "g")) die("link"); fsync_path("."); ack(); }
static void unlink_nofsync(void) { if (unlink("f")) die("unlink"); ack(); }
static void unlink_fsync_dir(void) { if (unlink("f")) die("unlink"); fsync_path("."); ack(); }
static void mkdir_fsync_each(void) {
    if (mkdir("d", 0755)) die("mkdir");
    int fd = openf("d/f", O_CREAT | O_WRONLY); put(fd, "new", 3, 0); fsync(fd); close(fd);
    fsync_path("d"); fsync_path(".");
    ack();
}
static void mkdir_fsync_file_only(void) {
    if (mkdir("d", 0755)) die("mkdir");
    int fd = openf("d/f", O_CREAT | O_WRONLY); put(fd, "new", 3, 0); fsync(fd); close(fd);
    ack();
}
static void msync_range(void) {
    int fd = openf("f", O_RDWR);
    char *map = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) die("mmap");
    memset(map + 2 * PAGE, 'c', PAGE);   /* dirty, never synced explicitly */
    memset(map, 'b', PAGE);
    if (msync(map, PAGE, MS_SYNC)) die("msync");
    ack();
    munmap(map, 3 * PAGE); close(fd);
}
static void odsync_append(void) {
    int fd = openf("f", O_WRONLY | O_APPEND | O_DSYNC);
    for (char record = '1'; record <= '3'; record++) { fill(fd, record, 512, 0); ack(); }
    close(fd);
}
static void sync_file_range_write(void) {
    int fd = openf("f", O_WRONLY);
    fill(fd, 'b', PAGE, 0);
    fill(fd, 'c', PAGE, PAGE);
    if (sync_file_range(fd, 0, PAGE, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)) die("sync_file_range");
    ack(); close(fd);
}
static void two_files_ordered(void) {
    int a = openf("a", O_WRONLY), b = openf("b", O_WRONLY);
    put(a, "1", 1, 0); fsync(a);
    put(b, "1", 1, 0); fsync(b);
    ack(); close(a); close(b);
}
static void write_two_files_nofsync(void) {
    int a = openf("a", O_WRONLY), b = openf("b", O_WRONLY);
    put(a, "1", 1, 0); put(b, "1", 1, 0);
    ack(); close(a); close(b);
}

struct test { const char *name; void (*run)(void); void (*setup)(void); };
static void s_none(void) {}
static void s_old(void) { make("f", "old"); }
static void s_page(void) { make_pages("f", 'a', 1); }
static void s_two_pages(void) { make_pages("f", 'a', 2); }
static void s_three_pages(void) { make_pages("f", 'a', 3); }
static void s_empty(void) { make("f", ""); }
static void s_two_empty(void) { make("a", ""); make("b", ""); }

static const struct test tests[] = {
    { "create_fsync_file", create_fsync_file, s_none },
    { "create_fsync_file_dir", create_fsync_file_dir, s_none },
    { "create_sync", create_sync, s_none },
    { "rename_over_nofsync", rename_over_nofsync, s_old },
    { "rename_over_fsync", rename_over_fsync, s_old },
    { "rename_over_fsync_dir", rename_over_fsync_dir, s_old },
    { "overwrite_nofsync", overwrite_nofsync, s_old },
    { "append_fdatasync", append_fdatasync, s_page },
    { "append_fsync", append_fsync, s_page },
    { "truncate_write_fsync", truncate_write_fsync, s_two_pages },
    { "truncate_nofsync", truncate_nofsync, s_two_pages },
    { "link_fsync_file", link_fsync_file, s_old },
    { "link_fsync_dir", link_fsync_dir, s_old },
    { "unlink_nofsync", unlink_nofsync, s_old },
    { "unlink_fsync_dir", unlink_fsync_dir, s_old },
    { "mkdir_fsync_each", mkdir_fsync_each, s_none },
    { "mkdir_fsync_file_only", mkdir_fsync_file_only, s_none },
    { "msync_range", msync_range, s_three_pages },
    { "odsync_append", odsync_append, s_empty },
    { "sync_file_range", sync_file_range_write, s_two_pages },
    { "two_files_ordered", two_files_ordered, s_two_empty },
    { "two_files_nofsync", write_two_files_nofsync, s_two_empty },
};
#define TEST_COUNT (sizeof tests / sizeof tests[0])

/* ---- the checker ---- */
static FILE *sink;

static void summarize(const char *path, const char *name) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { fprintf(sink, " %s:unreadable", name); return; }
    static char data[1 << 20];
    ssize_t length = read(fd, data, sizeof data);
    close(fd);
    if (length < 0) { fprintf(sink, " %s:unreadable", name); return; }
    fprintf(sink, " %s=", name);
    if (length == 0) { fprintf(sink, "empty"); return; }
    int printable = length <= 16;
    for (ssize_t i = 0; i < length && printable; i++) printable = data[i] >= 33 && data[i] < 127;
    if (printable) { fprintf(sink, "%.*s", (int)length, data); return; }
    /* runs of equal bytes: 4096 a's then 4096 b's is "a*4096+b*4096" */
    for (ssize_t start = 0; start < length;) {
        ssize_t end = start;
        while (end < length && data[end] == data[start]) end++;
        char c = data[start];
        fprintf(sink, "%s%c*%zd", start ? "+" : "", c >= 33 && c < 127 ? c : '?', end - start);
        start = end;
    }
}
static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }
static void walk(const char *directory, const char *prefix) {
    struct dirent **entries;
    int count = scandir(directory, &entries, NULL, by_name);
    if (count < 0) return;
    for (int i = 0; i < count; i++) {
        const char *name = entries[i]->d_name;
        if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "lost+found")) { free(entries[i]); continue; }
        char path[4096], label[4096];
        snprintf(path, sizeof path, "%s/%s", directory, name);
        snprintf(label, sizeof label, "%s%s", prefix, name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            fprintf(sink, " %s/", label);
            char sub[4100];
            snprintf(sub, sizeof sub, "%s/", label);
            walk(path, sub);
        } else {
            summarize(path, label);
        }
        free(entries[i]);
    }
    free(entries);
}
static int check(void) {
    const char *image = getenv("WRITEBACK_IMAGE"), *output = getenv("WRITEBACK_OUTPUT");
    if (!image || !output) { fprintf(stderr, "litmus check: WRITEBACK_IMAGE and WRITEBACK_OUTPUT must be set\n"); return 2; }
    char *line_buffer = NULL;
    size_t line_bytes = 0;
    sink = open_memstream(&line_buffer, &line_bytes);
    int acks = 0;
    FILE *out = fopen(output, "r");
    char line[256];
    while (out && fgets(line, sizeof line, out)) if (!strncmp(line, "ack", 3)) acks++;
    if (out) fclose(out);
    fprintf(sink, "ack=%d |", acks);
    walk(image, "");
    fprintf(sink, "\n");
    fclose(sink);
    fwrite(line_buffer, 1, line_bytes, stdout);
    fflush(stdout);
    /* LITMUS_LOG=FILE: also append the outcome line to FILE (one O_APPEND write: checkers run in parallel). */
    const char *log = getenv("LITMUS_LOG");
    if (log) {
        int fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd < 0 || write(fd, line_buffer, line_bytes) != (ssize_t)line_bytes) die(log);
        close(fd);
    }
    free(line_buffer);
    const char *fail = getenv("LITMUS_FAIL");
    return fail && !strcmp(fail, "1") ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "check")) return check();
    if (argc >= 2 && !strcmp(argv[1], "list")) { for (size_t i = 0; i < TEST_COUNT; i++) puts(tests[i].name); return 0; }
    if (argc < 3) { fprintf(stderr, "usage: litmus setup|run NAME | check | list\n"); return 2; }
    for (size_t i = 0; i < TEST_COUNT; i++) {
        if (strcmp(argv[2], tests[i].name)) continue;
        if (!strcmp(argv[1], "setup")) tests[i].setup();
        else if (!strcmp(argv[1], "run")) tests[i].run();
        else { fprintf(stderr, "litmus: unknown mode %s\n", argv[1]); return 2; }
        return 0;
    }
    fprintf(stderr, "litmus: unknown test %s\n", argv[2]);
    return 2;
}
