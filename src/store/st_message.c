/*
 * st_message: accounts, folders and messages in the store: adding parsed
 * messages (with thread linking), reading them back, listing and full-text
 * search through FTS5.
 *
 * Threads: a message joins the thread of the nearest ancestor it names (In-
 * Reply-To, then References from last to first) that is already stored in the
 * same account; a message that arrives before its parent is merged into the
 * parent's thread when the parent arrives (message_refs makes that lookup an
 * index probe).  thread_id is the id of the thread's first stored message.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "va/util.h"

int64_t store_account_id(struct store *st, const char *name)
{
	sqlite3_stmt *s = st_prepare(st, "SELECT id FROM accounts WHERE name = ?", NULL);
	int64_t id = 0;

	if (!s)
		return 0;
	st_bind_text(s, 1, name);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id;
}

int64_t store_account_ensure(struct store *st, const char *name, const char *type,
                             const char *email, char **cause)
{
	sqlite3_stmt *s;
	int64_t id = store_account_id(st, name);

	if (id > 0)
		return id;
	s = st_prepare(st, "INSERT INTO accounts(name, type, email, created_at) VALUES (?, ?, ?, ?)",
	               cause);
	if (!s)
		return -1;
	st_bind_text(s, 1, name);
	st_bind_text(s, 2, type);
	st_bind_text(s, 3, email);
	sqlite3_bind_int64(s, 4, time_now());
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		return st_fail(st, cause, "add the account");
	}
	sqlite3_finalize(s);
	return sqlite3_last_insert_rowid(st->db);
}

int store_account_remove_type(struct store *st, const char *name, const char *type, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "DELETE FROM accounts WHERE name = ? AND type = ?", cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, name);
	st_bind_text(s, 2, type);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "remove the account");
	sqlite3_finalize(s);
	return rc;
}

int64_t store_folder_ensure(struct store *st, int64_t account_id, const char *name, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "INSERT INTO folders(account_id, name) VALUES (?, ?) "
	                             "ON CONFLICT(account_id, name) DO UPDATE SET name = excluded.name "
	                             "RETURNING id",
	                             cause);
	int64_t id = -1;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, account_id);
	st_bind_text(s, 2, name);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else
		st_fail(st, cause, "add the folder");
	sqlite3_finalize(s);
	return id;
}

static int64_t existing_id(struct store *st, const struct message *m, char **cause)
{
	sqlite3_stmt *s = st_cached(st, SQ_MSG_EXISTS,
	                            "SELECT id FROM messages WHERE folder_id = ? AND source = ?", cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, m->folder_id);
	st_bind_text(s, 2, m->source);
	return st_cached_int64(s);
}

static char *problems_text(const struct message *m)
{
	struct strbuf sb;
	size_t i;

	if (!m->nproblems)
		return NULL;
	sb_init(&sb);
	for (i = 0; i < m->nproblems; i++) {
		if (i)
			sb_addc(&sb, '\n');
		sb_adds(&sb, m->problems[i]);
	}
	return sb_detach(&sb);
}

/* Bind text the statement only reads during the step that follows (the
 * message's own strings): no copy, unlike st_bind_text.  The bodies and
 * headers of a first sync are tens of MB. */
static void bind_borrowed(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* The row, with its thread (`thread`, or 0: a thread of its own, whose id is
 * the row's: the id is chosen here, as SQLite would, so that the row is
 * written once rather than rewritten by an UPDATE of thread_id). */
static int insert_row(struct store *st, struct message *m, const char *path, int64_t thread,
                      char **cause)
{
	static const char sql[] =
	    "INSERT INTO messages(account_id, folder_id, source, path, message_id, in_reply_to, refs,"
	    " from_name, from_addr, to_addrs, cc_addrs, reply_to, subject, date, list_id,"
	    " list_unsubscribe, precedence, auto_submitted, content_type, headers, body,"
	    " body_from_html, size, hash, flags, keywords, n_attachments, problems, added_at,"
	    " id, thread_id, uid, uidvalidity, modseq)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	    " (SELECT coalesce(max(id), 0) + 1 FROM messages),"
	    " coalesce(?30, (SELECT coalesce(max(id), 0) + 1 FROM messages)), ?31, ?32, ?33)";
	const char *texts[] = {m->source,   path,        m->message_id, m->in_reply_to, m->references,
	                       m->from_name, m->from_addr, m->to,       m->cc,          m->reply_to,
	                       m->subject};
	const char *texts2[] = {m->list_id,      m->list_unsubscribe, m->precedence,
	                        m->auto_submitted, m->content_type,   m->headers,
	                        m->body};
	sqlite3_stmt *s = st_cached(st, SQ_MSG_INSERT, sql, cause);
	char *problems;
	size_t i;
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, m->account_id);
	sqlite3_bind_int64(s, 2, m->folder_id);
	for (i = 0; i < VA_ARRAY_LEN(texts); i++)
		bind_borrowed(s, 3 + (int)i, texts[i]);
	sqlite3_bind_int64(s, 14, m->date);
	for (i = 0; i < VA_ARRAY_LEN(texts2); i++)
		bind_borrowed(s, 15 + (int)i, texts2[i]);
	sqlite3_bind_int(s, 22, m->body_from_html);
	sqlite3_bind_int64(s, 23, m->size);
	st_bind_text(s, 24, m->hash);
	sqlite3_bind_int(s, 25, (int)m->flags);
	st_bind_text(s, 26, m->keywords);
	sqlite3_bind_int(s, 27, (int)m->natt);
	problems = problems_text(m);
	st_bind_text(s, 28, problems);
	free(problems);
	sqlite3_bind_int64(s, 29, time_now());
	if (thread > 0)
		sqlite3_bind_int64(s, 30, thread);
	if (m->uid) { /* IMAP: the server state goes in with the row, not by an UPDATE after */
		sqlite3_bind_int64(s, 31, m->uid);
		sqlite3_bind_int64(s, 32, m->uidvalidity);
		if (m->modseq)
			sqlite3_bind_int64(s, 33, (sqlite3_int64)m->modseq);
	}
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "store the message");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s); /* drop the borrowed pointers */
	if (rc == 0) {
		m->id = sqlite3_last_insert_rowid(st->db);
		m->thread_id = thread > 0 ? thread : m->id;
	}
	return rc;
}

static int insert_raw(struct store *st, int64_t id, const char *raw, size_t len, char **cause)
{
	sqlite3_stmt *s = st_cached(st, SQ_RAW_INSERT,
	                            "INSERT INTO message_raw(message_id, raw) VALUES (?, ?)", cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob64(s, 2, raw, len, SQLITE_STATIC);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "store the raw message");
}

static int insert_attachments(struct store *st, const struct message *m, char **cause)
{
	size_t i;

	for (i = 0; i < m->natt; i++) {
		sqlite3_stmt *s = st_cached(st, SQ_ATT_INSERT,
		                            "INSERT INTO attachments(message_id, part, filename, mime_type,"
		                            " size, content_id) VALUES (?, ?, ?, ?, ?, ?)",
		                            cause);
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, m->id);
		sqlite3_bind_int(s, 2, m->att[i].part);
		st_bind_text(s, 3, m->att[i].filename);
		st_bind_text(s, 4, m->att[i].mime_type);
		sqlite3_bind_int64(s, 5, m->att[i].size);
		st_bind_text(s, 6, m->att[i].content_id);
		if (sqlite3_step(s) != SQLITE_DONE)
			return st_fail(st, cause, "store an attachment");
	}
	return 0;
}

/* The ids this message names as ancestors, nearest first. */
static size_t ancestor_ids(const struct message *m, char ***out)
{
	char *refs = xstrdup(m->references ? m->references : ""), *save = NULL, *tok;
	char **ids = NULL;
	size_t n = 0, cap = 0, i;

	for (tok = strtok_r(refs, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		xgrow((void **)&ids, &cap, n + 1, sizeof(*ids));
		ids[n++] = xstrdup(tok);
	}
	for (i = 0; i < n / 2; i++) { /* reverse: nearest ancestor first */
		char *t = ids[i];
		ids[i] = ids[n - 1 - i];
		ids[n - 1 - i] = t;
	}
	if (m->in_reply_to && *m->in_reply_to && (n == 0 || strcmp(ids[0], m->in_reply_to))) {
		xgrow((void **)&ids, &cap, n + 1, sizeof(*ids));
		memmove(ids + 1, ids, n * sizeof(*ids));
		ids[0] = xstrdup(m->in_reply_to);
		n++;
	}
	free(refs);
	*out = ids;
	return n;
}

static int64_t thread_of_msgid(struct store *st, int64_t account, const char *msgid, char **cause)
{
	sqlite3_stmt *s = st_cached(st, SQ_THREAD_OF_MSGID,
	                            "SELECT thread_id FROM messages WHERE message_id = ? AND"
	                            " account_id = ? AND thread_id IS NOT NULL LIMIT 1",
	                            cause);

	if (!s)
		return -1;
	st_bind_text(s, 1, msgid);
	sqlite3_bind_int64(s, 2, account);
	return st_cached_int64(s);
}

static int link_refs(struct store *st, struct message *m, char **ids, size_t n, char **cause)
{
	size_t i;

	for (i = 0; i < n; i++) {
		sqlite3_stmt *s = st_cached(st, SQ_REF_INSERT,
		                            "INSERT INTO message_refs(message_id, ref) VALUES (?, ?)", cause);
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, m->id);
		st_bind_text(s, 2, ids[i]);
		if (sqlite3_step(s) != SQLITE_DONE)
			return st_fail(st, cause, "store a reference");
	}
	return 0;
}

/* Threads of earlier messages that name m as an ancestor move into `thread`. */
static int adopt_children(struct store *st, const struct message *m, int64_t thread, char **cause)
{
	sqlite3_stmt *s, *u;
	int64_t found[64];
	size_t n = 0, i;

	if (!m->message_id || !*m->message_id)
		return 0;
	s = st_cached(st, SQ_CHILD_THREADS,
	              "SELECT DISTINCT m.thread_id FROM message_refs r JOIN messages m"
	              " ON m.id = r.message_id WHERE r.ref = ? AND m.account_id = ? AND m.thread_id != ?",
	              cause);
	if (!s)
		return -1;
	st_bind_text(s, 1, m->message_id);
	sqlite3_bind_int64(s, 2, m->account_id);
	sqlite3_bind_int64(s, 3, thread);
	while (n < VA_ARRAY_LEN(found) && sqlite3_step(s) == SQLITE_ROW)
		found[n++] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	for (i = 0; i < n; i++) {
		u = st_cached(st, SQ_THREAD_MERGE, "UPDATE messages SET thread_id = ? WHERE thread_id = ?",
		              cause);
		if (!u)
			return -1;
		sqlite3_bind_int64(u, 1, thread);
		sqlite3_bind_int64(u, 2, found[i]);
		if (sqlite3_step(u) != SQLITE_DONE)
			return st_fail(st, cause, "link a thread");
	}
	return 0;
}

/* The thread of the nearest ancestor already stored: its id, 0 (none) or -1. */
static int64_t find_thread(struct store *st, const struct message *m, char **ids, size_t n,
                           char **cause)
{
	int64_t thread = 0;
	size_t i;

	for (i = 0; i < n && thread == 0; i++)
		thread = thread_of_msgid(st, m->account_id, ids[i], cause);
	return thread;
}

/* Add the row in its thread, its references, and merge the threads of
 * earlier messages that name it. */
static int add_threaded(struct store *st, struct message *m, const char *path, char **cause)
{
	char **ids;
	size_t n = ancestor_ids(m, &ids), i;
	int64_t thread = find_thread(st, m, ids, n, cause);
	int rc = thread < 0 ? -1 : insert_row(st, m, path, thread, cause);

	if (rc == 0)
		rc = link_refs(st, m, ids, n, cause);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (rc < 0)
		return -1;
	return adopt_children(st, m, m->thread_id, cause);
}

/* A savepoint statement, prepared once per connection (two a message). */
static int savepoint(struct store *st, enum st_cached which, const char *sql)
{
	sqlite3_stmt *s = st_cached(st, which, sql, NULL);
	int rc;

	if (!s)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

int64_t store_message_add(struct store *st, struct message *m, const char *path, const char *raw,
                          size_t rawlen, int *existed, char **cause)
{
	int64_t id = existing_id(st, m, cause);

	if (existed)
		*existed = id > 0;
	if (id != 0) {
		if (id > 0)
			m->id = id;
		return id;
	}
	if (savepoint(st, SQ_SAVEPOINT, "SAVEPOINT msg_add") < 0)
		return st_fail(st, cause, "store the message");
	if (add_threaded(st, m, path, cause) < 0 ||
	    (raw && insert_raw(st, m->id, raw, rawlen, cause) < 0) ||
	    insert_attachments(st, m, cause) < 0) {
		savepoint(st, SQ_ROLLBACK_TO, "ROLLBACK TO msg_add");
		savepoint(st, SQ_RELEASE, "RELEASE msg_add");
		m->id = 0;
		return -1;
	}
	savepoint(st, SQ_RELEASE, "RELEASE msg_add");
	return m->id;
}
