/*
 * st_audit: the rows of the audit log (`audit`, `audit_pending`) and the
 * read-only table dumps of the privacy export.  Blobs go in and out as they
 * are: sealing, chaining and checking belong to src/app/audit.c.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "va/util.h"

void store_audit_row_release(struct store_audit_row *r)
{
	free(r->actor);
	free(r->kind);
	free(r->nonce);
	free(r->ct);
	free(r->prev);
	free(r->hash);
	memset(r, 0, sizeof(*r));
}

static void bind_blob(sqlite3_stmt *s, int i, const unsigned char *p, size_t n)
{
	if (p)
		sqlite3_bind_blob(s, i, n ? (const void *)p : "", (int)n, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* A blob column copied (NULL for SQL NULL); *n its length. */
static unsigned char *column_blob(sqlite3_stmt *s, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(s, i);
	unsigned char *out;

	*n = (size_t)sqlite3_column_bytes(s, i);
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	out = xmalloc(*n ? *n : 1);
	if (*n)
		memcpy(out, p, *n);
	return out;
}

int store_audit_add(struct store *st, const struct store_audit_row *r, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "INSERT INTO audit(id, ts, actor, kind, nonce, ciphertext,"
	                             " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                             cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, r->id);
	sqlite3_bind_int64(s, 2, r->ts);
	st_bind_text(s, 3, r->actor);
	st_bind_text(s, 4, r->kind);
	bind_blob(s, 5, r->nonce, r->nonce_len);
	bind_blob(s, 6, r->ct, r->ct_len);
	bind_blob(s, 7, r->prev, r->prev_len);
	bind_blob(s, 8, r->hash, r->hash_len);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "add an audit entry");
	sqlite3_finalize(s);
	return rc;
}

static void row_from(sqlite3_stmt *s, struct store_audit_row *r)
{
	r->id = sqlite3_column_int64(s, 0);
	r->ts = sqlite3_column_int64(s, 1);
	r->actor = st_column_text(s, 2);
	r->kind = st_column_text(s, 3);
	r->nonce = column_blob(s, 4, &r->nonce_len);
	r->ct = column_blob(s, 5, &r->ct_len);
	r->prev = column_blob(s, 6, &r->prev_len);
	r->hash = column_blob(s, 7, &r->hash_len);
}

#define AUDIT_COLS "id, ts, actor, kind, nonce, ciphertext, prev_hash, hash"

int store_audit_last(struct store *st, struct store_audit_row *out, char **cause)
{
	sqlite3_stmt *s =
	    st_prepare(st, "SELECT " AUDIT_COLS " FROM audit ORDER BY id DESC LIMIT 1", cause);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		row_from(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : st_fail(st, cause, "read the audit log");
}

static int64_t count_of(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, sql, cause);
	int64_t n = -1;

	if (!s)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		st_fail(st, cause, "count audit entries");
	sqlite3_finalize(s);
	return n;
}

int64_t store_audit_count(struct store *st, char **cause)
{
	return count_of(st, "SELECT count(*) FROM audit", cause);
}

int store_audit_each(struct store *st, store_audit_fn fn, void *arg, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "SELECT " AUDIT_COLS " FROM audit ORDER BY id", cause);
	struct store_audit_row r;
	int rc = SQLITE_DONE, stop = 0;

	if (!s)
		return -1;
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_from(s, &r);
		stop = fn(arg, &r);
		store_audit_row_release(&r);
	}
	if (!stop && rc != SQLITE_DONE)
		stop = st_fail(st, cause, "read the audit log");
	sqlite3_finalize(s);
	return stop;
}

/* ---- pending entries ---- */

int64_t store_audit_pending_add(struct store *st, int64_t ts, const char *actor, const char *kind,
                                const unsigned char *sealed, size_t len, char **cause)
{
	sqlite3_stmt *s = st_prepare(
	    st, "INSERT INTO audit_pending(ts, actor, kind, sealed) VALUES (?, ?, ?, ?)", cause);
	int64_t id = -1;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, ts);
	st_bind_text(s, 2, actor);
	st_bind_text(s, 3, kind);
	bind_blob(s, 4, sealed ? sealed : (const unsigned char *)"", sealed ? len : 0);
	if (sqlite3_step(s) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(st->db);
	else
		st_fail(st, cause, "add a pending audit entry");
	sqlite3_finalize(s);
	return id;
}

void store_audit_pending_free(struct store_audit_pending *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].actor);
		free(v[i].kind);
		free(v[i].sealed);
	}
	free(v);
}

int store_audit_pending_list(struct store *st, struct store_audit_pending **out, size_t *n,
                             char **cause)
{
	sqlite3_stmt *s = st_prepare(
	    st, "SELECT id, ts, actor, kind, sealed FROM audit_pending ORDER BY id", cause);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_audit_pending *p;
		xgrow((void **)out, &cap, *n + 1, sizeof(**out));
		p = &(*out)[(*n)++];
		p->id = sqlite3_column_int64(s, 0);
		p->ts = sqlite3_column_int64(s, 1);
		p->actor = st_column_text(s, 2);
		p->kind = st_column_text(s, 3);
		p->sealed = column_blob(s, 4, &p->sealed_len);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	store_audit_pending_free(*out, *n);
	*out = NULL;
	*n = 0;
	return st_fail(st, cause, "read pending audit entries");
}

int store_audit_pending_delete(struct store *st, int64_t id, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "DELETE FROM audit_pending WHERE id = ?", cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc =
	    sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "remove a pending audit entry");
	sqlite3_finalize(s);
	return rc;
}

int64_t store_audit_pending_count(struct store *st, char **cause)
{
	return count_of(st, "SELECT count(*) FROM audit_pending", cause);
}

int store_audit_message(struct store *st, int64_t id, char **subject, char **from, char **account,
                        char **folder, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT m.subject, CASE WHEN m.from_name IS NOT NULL AND"
	                             " m.from_name != '' THEN m.from_name || ' <' ||"
	                             " coalesce(m.from_addr, '') || '>' ELSE m.from_addr END,"
	                             " a.name, f.name FROM messages m"
	                             " JOIN accounts a ON a.id = m.account_id"
	                             " JOIN folders f ON f.id = m.folder_id WHERE m.id = ?",
	                             cause);
	int rc;

	*subject = *from = *account = *folder = NULL;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*subject = st_column_text(s, 0);
		*from = st_column_text(s, 1);
		*account = st_column_text(s, 2);
		*folder = st_column_text(s, 3);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : st_fail(st, cause, "read the message");
}

/* ---- privacy export ---- */

static const struct {
	const char *name;
	const char *sql;
} dumps[] = {
    {"accounts", "SELECT id, name, type, email, created_at, last_sync, sync_error FROM accounts"
                 " ORDER BY id"},
    {"folders", "SELECT f.id, a.name AS account, f.name, f.special_use, f.uidvalidity,"
                " f.uidnext, f.last_sync FROM folders f JOIN accounts a ON a.id = f.account_id"
                " ORDER BY f.id"},
    {"messages",
     "SELECT m.id, a.name AS account, f.name AS folder, m.source, m.path, m.uid, m.uidvalidity,"
     " m.message_id, m.in_reply_to, m.thread_id, m.from_name, m.from_addr, m.to_addrs,"
     " m.cc_addrs, m.reply_to, m.subject, m.date, m.list_id, m.size, m.hash, m.flags,"
     " m.keywords, m.n_attachments, m.category, m.confidence, m.reason, m.model,"
     " m.classified_at, m.added_at FROM messages m JOIN accounts a ON a.id = m.account_id"
     " JOIN folders f ON f.id = m.folder_id ORDER BY m.id"},
    {"attachments", "SELECT id, message_id, part, filename, mime_type, size FROM attachments"
                    " ORDER BY id"},
    {"classifier_labels", "SELECT id, message_id, hash, category, source, created_at"
                          " FROM classifier_labels ORDER BY id"},
    {"actions", "SELECT id, message_id, account_id, kind, args, undo, origin, rule, batch,"
                " server_state, created_at, undone_at FROM actions ORDER BY id"},
    {"recommendations", "SELECT id, message_id, rule, action, args, reason, state, created_at,"
                        " decided_at FROM recommendations ORDER BY id"},
    {"rules_state", "SELECT rule, file, hash, enabled, last_run, last_error, matches"
                    " FROM rules_state ORDER BY rule"},
    {"jobs", "SELECT id, kind, key, args, schedule, spec, timezone, next_run, state, attempts,"
             " max_attempts, last_error, progress, created_at, updated_at FROM jobs ORDER BY id"},
    {"job_runs", "SELECT id, job_id, attempt, worker, started_at, ended_at, outcome, error"
                 " FROM job_runs ORDER BY id"},
    {"templates", "SELECT name, path, hash, updated_at FROM templates ORDER BY name"},
    {"template_approvals", "SELECT id, template, content_hash, approved_at, revoked_at"
                           " FROM template_approvals ORDER BY id"},
    {"reply_log", "SELECT id, message_id, template, recipient, state, auto, send_after,"
                  " sent_at, out_message_id, error, created_at FROM reply_log ORDER BY id"},
    {"followups", "SELECT id, message_id, due_at, state, note, created_at FROM followups"
                  " ORDER BY id"},
    {"snoozes", "SELECT id, message_id, until, state, created_at FROM snoozes ORDER BY id"},
    {"datasets", "SELECT id, name, path, hash, size, rows, columns, loaded_at FROM datasets"
                 " ORDER BY id"},
    {"analyses", "SELECT id, dataset_id, params, result, summary, summary_model, report_path,"
                 " created_at FROM analyses ORDER BY id"},
    {"llm_usage", "SELECT day, tokens FROM llm_usage ORDER BY day"},
};

const char *const store_dump_names[] = {
    "accounts",
    "folders",
    "messages",
    "attachments",
    "classifier_labels",
    "actions",
    "recommendations",
    "rules_state",
    "jobs",
    "job_runs",
    "templates",
    "template_approvals",
    "reply_log",
    "followups",
    "snoozes",
    "datasets",
    "analyses",
    "llm_usage",
    NULL,
};

static int dump_rows(sqlite3_stmt *s, store_dump_fn fn, void *arg)
{
	int ncol = sqlite3_column_count(s), rc = SQLITE_DONE, stop = 0;
	const char **names = xcalloc((size_t)ncol + 1, sizeof(*names));
	const char **vals = xcalloc((size_t)ncol + 1, sizeof(*vals));
	int *num = xcalloc((size_t)ncol + 1, sizeof(*num));

	for (int i = 0; i < ncol; i++)
		names[i] = sqlite3_column_name(s, i);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (int i = 0; i < ncol; i++) {
			int t = sqlite3_column_type(s, i);
			num[i] = t == SQLITE_INTEGER || t == SQLITE_FLOAT;
			vals[i] = t == SQLITE_NULL || t == SQLITE_BLOB
			              ? NULL
			              : (const char *)sqlite3_column_text(s, i);
		}
		stop = fn(arg, (size_t)ncol, names, vals, num);
	}
	free(names);
	free(vals);
	free(num);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_dump(struct store *st, const char *name, store_dump_fn fn, void *arg, char **cause)
{
	sqlite3_stmt *s = NULL;
	int rc;

	for (size_t i = 0; i < VA_ARRAY_LEN(dumps) && !s; i++)
		if (!strcmp(dumps[i].name, name) && !(s = st_prepare(st, dumps[i].sql, cause)))
			return -1;
	if (!s)
		return set_cause(cause, "no table dump \"%s\"", name);
	rc = dump_rows(s, fn, arg);
	if (rc < 0)
		st_fail(st, cause, "read the database");
	sqlite3_finalize(s);
	return rc;
}
