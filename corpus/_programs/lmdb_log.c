/* LMDB, one put per transaction, "ack N" printed after each commit returns.
   lmdb_log default|nosync|writemap|writemap-nosync N   (in the environment's directory)
   lmdb_log check         (as a writeback trace checker: WRITEBACK_IMAGE, WRITEBACK_OUTPUT)
   The check never touches a page past the end of data.mdb: LMDB maps the file and would die of
   SIGBUS on a crash image whose data.mdb is shorter than the pages its meta page names. */
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int acknowledged(void) {
    FILE *f = fopen(getenv("WRITEBACK_OUTPUT"), "r");
    int n = 0, v;
    char word[8];
    while (f && fscanf(f, "%7s %d", word, &v) == 2) n = v;
    if (f) fclose(f);
    return n;
}

static int check(void) {
    int acked = acknowledged();
    MDB_env *env; MDB_txn *txn; MDB_dbi dbi; MDB_stat st;
    mdb_env_create(&env);
    mdb_env_set_mapsize(env, 1 << 20);
    char path[4096];
    struct stat file;
    snprintf(path, sizeof path, "%s/data.mdb", getenv("WRITEBACK_IMAGE"));
    int rc = stat(path, &file) != 0 ? MDB_NOTFOUND : mdb_env_open(env, getenv("WRITEBACK_IMAGE"), MDB_RDONLY | MDB_NOLOCK, 0644);
    if (rc != 0) {
        if (acked == 0) return 0; /* nothing was promised */
        printf("cannot open the environment (%s) but %d puts were acknowledged\n", mdb_strerror(rc), acked);
        return 1;
    }
    MDB_envinfo info; MDB_stat env_stat;
    mdb_env_info(env, &info);
    mdb_env_stat(env, &env_stat);
    long long needed = ((long long)info.me_last_pgno + 1) * env_stat.ms_psize;
    if ((long long)file.st_size < needed) {
        printf("data.mdb is %lld bytes but its meta page names page %zu, which needs %lld bytes (%d puts acknowledged)\n",
               (long long)file.st_size, info.me_last_pgno, needed, acked);
        return 1;
    }
    if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0 || (rc = mdb_dbi_open(txn, NULL, 0, &dbi)) != 0
        || (rc = mdb_stat(txn, dbi, &st)) != 0) {
        printf("cannot read the database: %s\n", mdb_strerror(rc));
        return 1;
    }
    if ((int)st.ms_entries < acked) {
        printf("%d entries but %d puts were acknowledged\n", (int)st.ms_entries, acked);
        return 1;
    }
    for (int i = 1; i <= (int)st.ms_entries; i++) {
        char k[16]; MDB_val key = { (size_t)snprintf(k, sizeof k, "%08d", i), k }, val;
        if ((rc = mdb_get(txn, dbi, &key, &val)) != 0 || val.mv_size != 100 || ((char *)val.mv_data)[99] != (char)('a' + i % 26)) {
            printf("entry %d of %d is missing or wrong: %s\n", i, (int)st.ms_entries, mdb_strerror(rc));
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "check") == 0) return check();
    if (argc < 3) return 2;
    unsigned flags = strcmp(argv[1], "nosync") == 0 ? MDB_NOSYNC : strcmp(argv[1], "writemap") == 0 ? MDB_WRITEMAP
                   : strcmp(argv[1], "writemap-nosync") == 0 ? MDB_WRITEMAP | MDB_NOSYNC : 0;
    int n = atoi(argv[2]);
    MDB_env *env; MDB_txn *txn; MDB_dbi dbi;
    mdb_env_create(&env);
    mdb_env_set_mapsize(env, 1 << 20);
    if (mdb_env_open(env, ".", flags, 0644) != 0) return 3;
    for (int i = 1; i <= n; i++) {
        char k[16], v[100];
        MDB_val key = { (size_t)snprintf(k, sizeof k, "%08d", i), k }, val = { sizeof v, v };
        memset(v, 'a' + i % 26, sizeof v);
        if (mdb_txn_begin(env, NULL, 0, &txn) || mdb_dbi_open(txn, NULL, 0, &dbi) || mdb_put(txn, dbi, &key, &val, 0)
            || mdb_txn_commit(txn)) return 4;
        printf("ack %d\n", i);
        fflush(stdout);
    }
    mdb_env_close(env);
    return 0;
}
