/*
 * store: the SQLite database (L1; the only sqlite3 user, STYLE 19).
 *
 * One `struct store` per thread (DESIGN: no handle crosses threads).  WAL,
 * foreign keys, a busy timeout; the schema is migrated forward on open
 * (src/store/migrate.c).  Functions return 0 / an id on success and -1 with
 * *cause on failure; "not found" is 1 where a function can say it.
 */
#ifndef VA_STORE_H
#define VA_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "va/message.h"

struct store;

/* Open (creating with mode 0600 when absent) and migrate.  A file that is not
 * a SQLite database is refused with a clear cause and left untouched. */
struct store *store_open(const char *path, char **cause);
void          store_close(struct store *st);
const char   *store_path(const struct store *st);
int           store_schema_version(struct store *st);
int           store_schema_latest(void);

int store_begin(struct store *st, char **cause);
int store_commit(struct store *st, char **cause);
void store_rollback(struct store *st);

/* Accounts and folders: the row id (creating it when missing), or -1. */
int64_t store_account_ensure(struct store *st, const char *name, const char *type,
                             const char *email, char **cause);
int64_t store_account_id(struct store *st, const char *name); /* 0 when absent */
/* Remove the account `name` if its type is `type`, with all its messages. */
int     store_account_remove_type(struct store *st, const char *name, const char *type,
                                  char **cause);
int64_t store_folder_ensure(struct store *st, int64_t account_id, const char *name,
                            char **cause);

/* Add a parsed message (m->account_id, m->folder_id and m->source set).  raw,
 * when non-NULL, is kept in message_raw (imports); `path` is the file it
 * lives in (Maildir accounts).  When (folder, source) already exists nothing
 * changes and *existed is set.  Links the message into its thread.  Sets m->id. */
int64_t store_message_add(struct store *st, struct message *m, const char *path, const char *raw,
                          size_t rawlen, int *existed, char **cause);

/* Fill out (message_init'ed by the caller) with everything stored: headers,
 * body, attachments, names.  0, 1 when there is no such id, -1 on error. */
int store_message_get(struct store *st, int64_t id, struct message *out, char **cause);

/* Raw RFC 822 bytes of a message (from message_raw, or its file).  Caller frees. */
char *store_message_raw(struct store *st, int64_t id, size_t *len, char **cause);

struct store_query {
	const char *account;   /* NULL: all */
	const char *folder;    /* NULL: all */
	const char *category;  /* NULL: any; "none" for unclassified */
	const char *search;    /* FTS5 query in va's syntax (see store_search_syntax), or NULL */
	const char *from;      /* substring of sender name/address, or NULL */
	int         unread;    /* 1: only unread */
	int         flagged;   /* 1: only flagged */
	int64_t     thread_id; /* 0: any */
	int         limit;     /* 0: no limit */
	int         offset;
};

/* Light rows (no body, no headers; attachments counted in natt only), newest
 * first (best match first for searches).  *out is an array of n messages;
 * free with store_messages_free. */
int  store_message_list(struct store *st, const struct store_query *q, struct message **out,
                        size_t *n, char **cause);
void store_messages_free(struct message *msgs, size_t n);
int  store_message_count(struct store *st, const struct store_query *q, int64_t *count,
                         char **cause);

/* Turn a user query into an FTS5 expression: words are ANDed, "quoted
 * phrases" kept, word* is a prefix, from:/to:/subject:/body: restrict the
 * column, OR/NOT pass through.  Caller frees. */
char *store_search_syntax(const char *query);

int store_message_set_flags(struct store *st, int64_t id, unsigned flags, char **cause);
/* A Maildir file moved (new/ -> cur/) or changed its info suffix. */
int store_message_set_location(struct store *st, int64_t id, const char *path, unsigned flags,
                               char **cause);
int store_message_delete(struct store *st, int64_t id, char **cause);

/* Every (source, path, flags, id) in a folder, for Maildir rescans. */
typedef void (*store_source_fn)(void *arg, const char *source, const char *path, unsigned flags,
                                int64_t id);
int store_folder_sources(struct store *st, int64_t folder_id, store_source_fn fn, void *arg,
                         char **cause);

/* Small key/value state (sync cursors and the like). */
int   store_kv_set(struct store *st, const char *key, const char *value, char **cause);
char *store_kv_get(struct store *st, const char *key);

#endif
