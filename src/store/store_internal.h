/* store_internal: shared between the store's files only. */
#ifndef VA_STORE_INTERNAL_H
#define VA_STORE_INTERNAL_H

#include <sqlite3.h>

#include "va/store.h"

/* Statements prepared once per connection (hot paths: import, listing). */
enum st_cached {
	SQ_MSG_EXISTS,
	SQ_MSG_INSERT,
	SQ_RAW_INSERT,
	SQ_ATT_INSERT,
	SQ_REF_INSERT,
	SQ_THREAD_OF_MSGID,
	SQ_CHILD_THREADS,
	SQ_THREAD_MERGE,
	SQ_THREAD_SET,
	SQ_SAVEPOINT,
	SQ_RELEASE,
	SQ_ROLLBACK_TO,
	SQ_NCACHED
};

struct store {
	sqlite3      *db;
	char         *path;
	sqlite3_stmt *cache[SQ_NCACHED];
	int           counted; /* counted in db.c's open stores */
	struct st_ckpt *ckpt;  /* background checkpoints (st_ckpt.c), or NULL */
};

/* The cached statement `which`, reset and unbound, preparing it on first use. */
sqlite3_stmt *st_cached(struct store *st, enum st_cached which, const char *sql, char **cause);

/* Step a cached one-value query: its first column, or 0 when there is no
 * row; the statement is reset so no read transaction stays open. */
int64_t st_cached_int64(sqlite3_stmt *s);

int store_migrate(sqlite3 *db, const char *path, char **cause);
/* Prepare or fail with a cause naming the statement's purpose. */
sqlite3_stmt *st_prepare(struct store *st, const char *sql, char **cause);
int st_fail(struct store *st, char **cause, const char *what);
/* Step s (bound, prepared) to the end, collecting its first column into
 * *ids (caller frees; NULL and 0 on failure); finalizes s.  0, or -1 with
 * *cause ("cannot <what>"). */
int st_collect_ids(struct store *st, sqlite3_stmt *s, int64_t **ids, size_t *n, const char *what,
                   char **cause);
/* Bind text or NULL. */
void st_bind_text(sqlite3_stmt *s, int i, const char *v);
char *st_column_text(sqlite3_stmt *s, int i); /* xstrdup'ed or NULL */
/* The first column of the first row of `sql` with `key` bound to ?1, or NULL. */
char *st_text_by_key(struct store *st, const char *sql, const char *key);

#endif
