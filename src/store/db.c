/*
 * db: opening the database (pragmas, permissions, "is this SQLite?"),
 * transactions, and the small helpers the other store files share.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_internal.h"
#include "va/util.h"

/* Create the file 0600 ourselves so SQLite never makes it world-readable. */
static int ensure_file(const char *path, char **cause)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return set_cause(cause, "cannot open database \"%s\": %s", path, strerror(errno));
	close(fd);
	return 0;
}

static int check_header(const char *path, char **cause)
{
	static const char magic[16] = "SQLite format 3";
	char buf[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return set_cause(cause, "cannot open database \"%s\": %s", path, strerror(errno));
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n == 0)
		return 0; /* new, empty file */
	if (n != (ssize_t)sizeof buf || memcmp(buf, magic, sizeof buf))
		return set_cause(cause,
		                 "cannot open database \"%s\": the file is not a SQLite database "
		                 "(left untouched; move it away or use --data-dir)",
		                 path);
	return 0;
}

/* Stores open in this process.  POSIX locks belong to the process and any
 * close() of the database file drops them all, so once a connection is open
 * the pre-open checks above (open + close) must not run again: they would
 * strip the live connections' locks, and another process would then delete
 * the WAL under them (lost commits).  Later opens rely on SQLite's own
 * "not a database" error instead. */
static int nstores;

#define SOFT_HEAP_MB 32

struct store *store_open(const char *path, char **cause)
{
	struct store *st;
	char *err = NULL;
	static const char *const pragmas =
	    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
	    "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000;";

	if (__atomic_load_n(&nstores, __ATOMIC_ACQUIRE) == 0 &&
	    (ensure_file(path, cause) < 0 || check_header(path, cause) < 0))
		return NULL;
	/* Every connection may cache 16 MB of pages; together (a scheduler,
	 * its workers, IDLE watchers) they stay under SOFT_HEAP_MB, past which
	 * SQLite reuses cache pages instead of growing. */
	if (sqlite3_soft_heap_limit64(-1) == 0)
		sqlite3_soft_heap_limit64((sqlite3_int64)SOFT_HEAP_MB << 20);
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		set_cause(cause, "cannot open database \"%s\": %s", path, sqlite3_errmsg(st->db));
		store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_extended_result_codes(st->db, 1);
	if (sqlite3_exec(st->db, pragmas, NULL, NULL, &err) != SQLITE_OK) {
		set_cause(cause, "cannot open database \"%s\": %s", path, err ? err : "pragma failed");
		sqlite3_free(err);
		store_close(st);
		return NULL;
	}
	if (store_migrate(st->db, path, cause) < 0) {
		store_close(st);
		return NULL;
	}
	chmod(path, 0600);
	__atomic_add_fetch(&nstores, 1, __ATOMIC_ACQ_REL);
	st->counted = 1;
	return st;
}

void store_close(struct store *st)
{
	size_t i;

	if (!st)
		return;
	store_bulk_end(st);
	if (st->counted)
		__atomic_sub_fetch(&nstores, 1, __ATOMIC_ACQ_REL);
	for (i = 0; i < SQ_NCACHED; i++)
		sqlite3_finalize(st->cache[i]);
	if (st->db)
		sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}

int st_collect_ids(struct store *st, sqlite3_stmt *s, int64_t **ids, size_t *n, const char *what,
                   char **cause)
{
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow((void **)ids, &cap, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	free(*ids);
	*ids = NULL;
	*n = 0;
	return st_fail(st, cause, what);
}

void store_release_memory(struct store *st)
{
	if (st && st->db)
		sqlite3_db_release_memory(st->db);
}

const char *store_path(const struct store *st)
{
	return st->path;
}

int store_schema_version(struct store *st)
{
	sqlite3_stmt *s = st_prepare(st, "PRAGMA user_version", NULL);
	int v = -1;

	if (s && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

int st_fail(struct store *st, char **cause, const char *what)
{
	int code = sqlite3_errcode(st->db);

	if ((code & 0xff) == SQLITE_FULL)
		return set_cause(cause, "cannot %s: the disk is full (\"%s\"); nothing was lost", what,
		                 st->path);
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
		return set_cause(cause, "cannot %s: the database \"%s\" is locked by another process",
		                 what, st->path);
	return set_cause(cause, "cannot %s: %s", what, sqlite3_errmsg(st->db));
}

sqlite3_stmt *st_prepare(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		st_fail(st, cause, "prepare a query");
		return NULL;
	}
	return s;
}

sqlite3_stmt *st_cached(struct store *st, enum st_cached which, const char *sql, char **cause)
{
	sqlite3_stmt *s = st->cache[which];

	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		st_fail(st, cause, "prepare a query");
		return NULL;
	}
	st->cache[which] = s;
	return s;
}

int64_t st_cached_int64(sqlite3_stmt *s)
{
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;

	/* A cached statement left on a row would hold its read transaction open:
	 * this connection would go on seeing the database as it was then (a
	 * long-running TUI or daemon would miss what other processes wrote). */
	sqlite3_reset(s);
	return v;
}

void st_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

char *st_column_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

static int exec_simple(struct store *st, const char *sql, const char *what, char **cause)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return st_fail(st, cause, what);
	return 0;
}

/* Every store transaction defers full-text indexing of the messages it adds
 * to its commit (see migration_fts_defer in migrate.c): the row in fts_defer
 * is part of the transaction, so a rollback or a crash takes it away too. */
int store_begin(struct store *st, char **cause)
{
	static const char defer_sql[] =
	    "INSERT INTO fts_defer(one, since) SELECT 1, coalesce(max(id), 0) FROM messages";

	if (exec_simple(st, "BEGIN IMMEDIATE", "begin a transaction", cause) < 0)
		return -1;
	if (exec_simple(st, defer_sql, "begin a transaction", cause) < 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int64_t store_data_version(struct store *st)
{
	sqlite3_stmt *s;
	int64_t v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA data_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* How many messages the transaction added (rows above fts_defer.since). */
static int64_t deferred_rows(struct store *st)
{
	sqlite3_stmt *s =
	    st_prepare(st, "SELECT (SELECT max(id) FROM messages) - since FROM fts_defer", NULL);
	int64_t n = 0;

	if (s && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* A bulk load (a first sync, an import) indexes hundreds of messages per
 * commit, and FTS5 flushes its pending terms every ~1 MB of them: with the
 * default automerge (4) every few flushes merge the small segments again,
 * a sixth to a quarter of the indexing time of the sync bench.  Such a commit
 * indexes with automerge 16 (fewer, larger merges; queries still see at most
 * 16 segments a level) and puts the setting back in the same transaction, so
 * the stored configuration never changes and later small writes merge as
 * before.  Measured on the sync bench (6,046 messages): ~60 ms less FTS5
 * work and ~20 ms less COMMIT (fewer pages), of the store thread's ~800 ms. */
#define BULK_ROWS 64

static const char automerge_bulk[] =
    "INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 16)";
static const char automerge_default[] =
    "INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 4)";

/* Index the messages the transaction added (one INSERT ... SELECT: one FTS5
 * segment per ~1 MB of terms), then commit.  When indexing fails nothing is
 * committed. */
int store_commit(struct store *st, char **cause)
{
	static const char index_sql[] =
	    "INSERT INTO messages_fts(rowid, subject, from_name, from_addr, to_addrs, body)"
	    " SELECT id, subject, from_name, from_addr, to_addrs, body FROM messages"
	    " WHERE id > (SELECT since FROM fts_defer);"
	    "DELETE FROM fts_defer";
	int bulk = !sqlite3_get_autocommit(st->db) && deferred_rows(st) >= BULK_ROWS;

	if ((bulk && exec_simple(st, automerge_bulk, "index the new messages", cause) < 0) ||
	    exec_simple(st, index_sql, "index the new messages", cause) < 0 ||
	    (bulk && exec_simple(st, automerge_default, "index the new messages", cause) < 0)) {
		if (!sqlite3_get_autocommit(st->db))
			store_rollback(st);
		return -1;
	}
	return exec_simple(st, "COMMIT", "commit", cause);
}

void store_rollback(struct store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_kv_set(struct store *st, const char *key, const char *value, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "INSERT OR REPLACE INTO kv(key, value) VALUES (?, ?)", cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, key);
	st_bind_text(s, 2, value);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "save state");
	sqlite3_finalize(s);
	return rc;
}

char *st_text_by_key(struct store *st, const char *sql, const char *key)
{
	sqlite3_stmt *s = st_prepare(st, sql, NULL);
	char *v = NULL;

	if (!s)
		return NULL;
	st_bind_text(s, 1, key);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = st_column_text(s, 0);
	sqlite3_finalize(s);
	return v;
}

char *store_kv_get(struct store *st, const char *key)
{
	return st_text_by_key(st, "SELECT value FROM kv WHERE key = ?", key);
}
