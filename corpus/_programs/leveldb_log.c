/* LevelDB through its C API, one put per write, "ack N" printed after each put returns.
   leveldb_log sync|nosync N   (the database is "db" in the current directory; it exists already)
   leveldb_log check            (as a writeback trace checker: WRITEBACK_IMAGE, WRITEBACK_OUTPUT)
   leveldb_log create           (creates the empty database "db") */
#include <leveldb/c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int acknowledged(void) {
    FILE *f = fopen(getenv("WRITEBACK_OUTPUT"), "r");
    int n = 0, v;
    char word[8];
    while (f && fscanf(f, "%7s %d", word, &v) == 2) n = v;
    if (f) fclose(f);
    return n;
}

static leveldb_t *open_db(const char *path, int create, char **err) {
    leveldb_options_t *options = leveldb_options_create();
    leveldb_options_set_create_if_missing(options, (unsigned char)create);
    leveldb_options_set_paranoid_checks(options, 1);
    leveldb_t *db = leveldb_open(options, path, err);
    leveldb_options_destroy(options);
    return db;
}

static int check(void) {
    int acked = acknowledged();
    char path[4096], *err = NULL;
    snprintf(path, sizeof path, "%s/db", getenv("WRITEBACK_IMAGE"));
    leveldb_t *db = open_db(path, 0, &err);
    if (err != NULL) {
        printf("cannot open the database (%s) with %d puts acknowledged\n", err, acked);
        return 1;
    }
    leveldb_readoptions_t *read = leveldb_readoptions_create();
    leveldb_readoptions_set_verify_checksums(read, 1);
    int present = 0;
    for (int i = 1; i <= 1000; i++) {
        char key[16], expected[16];
        size_t length;
        snprintf(key, sizeof key, "key%06d", i);
        snprintf(expected, sizeof expected, "value %d", i);
        char *value = leveldb_get(db, read, key, strlen(key), &length, &err);
        if (err != NULL) { printf("get %s: %s\n", key, err); return 1; }
        if (value == NULL) break;
        if (length != strlen(expected) || memcmp(value, expected, length) != 0) { printf("%s holds a wrong value\n", key); return 1; }
        leveldb_free(value);
        present = i;
    }
    leveldb_close(db);
    if (present < acked) {
        printf("%d puts survive but %d were acknowledged\n", present, acked);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    char *err = NULL;
    if (argc > 1 && strcmp(argv[1], "check") == 0) return check();
    if (argc > 1 && strcmp(argv[1], "create") == 0) {
        leveldb_t *db = open_db("db", 1, &err);
        if (err != NULL) { fprintf(stderr, "create: %s\n", err); return 3; }
        leveldb_close(db);
        return 0;
    }
    if (argc < 3) return 2;
    int n = atoi(argv[2]);
    leveldb_t *db = open_db("db", 0, &err);
    if (err != NULL) { fprintf(stderr, "open: %s\n", err); return 3; }
    leveldb_writeoptions_t *write = leveldb_writeoptions_create();
    leveldb_writeoptions_set_sync(write, (unsigned char)(strcmp(argv[1], "sync") == 0));
    for (int i = 1; i <= n; i++) {
        char key[16], value[16];
        snprintf(key, sizeof key, "key%06d", i);
        snprintf(value, sizeof value, "value %d", i);
        leveldb_put(db, write, key, strlen(key), value, strlen(value), &err);
        if (err != NULL) { fprintf(stderr, "put: %s\n", err); return 4; }
        printf("ack %d\n", i);
        fflush(stdout);
    }
    leveldb_close(db);
    return 0;
}
