/*
 * st_replies: template approvals (by content hash) and the reply log, the
 * outbox that makes automatic replies safe: limits are counted and the row
 * inserted in one BEGIN IMMEDIATE transaction; state changes are
 * compare-and-set so that two senders never both take a row.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_internal.h"
#include "va/util.h"

#define COLS                                                                                       \
	"id, message_id, thread_id, send_after, sent_at, created_at, job_id, auto, account,"       \
	" template, recipient, idempotency_key, state, out_message_id, error, subject, gate, "     \
	"origin,"                                                                                  \
	" rule"

void store_reply_release(struct store_reply *r)
{
	char **strs[] = {&r->account, &r->template_name,  &r->recipient, &r->idempotency_key,
	                 &r->state,   &r->out_message_id, &r->error,     &r->subject,
	                 &r->gate,    &r->origin,         &r->rule,      &r->raw};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(strs); i++)
		x_free(strs[i]);
	memset(r, 0, sizeof *r);
}

void store_replies_free(struct store_reply *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_reply_release(&r[i]);
	free(r);
}

static void read_row(sqlite3_stmt *s, struct store_reply *r, int with_raw)
{
	int64_t *ints[] = {&r->id,      &r->message_id, &r->thread_id, &r->send_after,
	                   &r->sent_at, &r->created_at, &r->job_id};
	char **strs[] = {&r->account, &r->template_name,  &r->recipient, &r->idempotency_key,
	                 &r->state,   &r->out_message_id, &r->error,     &r->subject,
	                 &r->gate,    &r->origin,         &r->rule};
	int i, n = (int)VA_ARRAY_LEN(ints);

	memset(r, 0, sizeof *r);
	for (i = 0; i < n; i++)
		*ints[i] = sqlite3_column_int64(s, i);
	r->automatic = sqlite3_column_int(s, n);
	for (i = 0; i < (int)VA_ARRAY_LEN(strs); i++)
		*strs[i] = st_column_text(s, n + 1 + i);
	if (with_raw && sqlite3_column_type(s, n + 12) != SQLITE_NULL) {
		r->rawlen = (size_t)sqlite3_column_bytes(s, n + 12);
		r->raw = xmalloc(r->rawlen + 1);
		memcpy(r->raw, sqlite3_column_blob(s, n + 12), r->rawlen);
		r->raw[r->rawlen] = '\0';
	}
}

static int64_t key_id(struct store *st, const char *key)
{
	char *v = st_text_by_key(st, "SELECT id FROM reply_log WHERE idempotency_key = ?", key);
	int64_t id = v ? strtoll(v, NULL, 10) : 0;

	free(v);
	return id;
}

/* The INSERT itself (no transaction of its own). */
static int64_t insert(struct store *st, struct store_reply *r, char **cause)
{
	sqlite3_stmt *s = st_prepare(
	    st,
	    "INSERT INTO reply_log (message_id, thread_id, send_after, sent_at, created_at, job_id,"
	    " auto, account, template, recipient, idempotency_key, state, out_message_id, error,"
	    " subject, gate, origin, rule, raw) VALUES (NULLIF(?,0), NULLIF(?,0), NULLIF(?,0),"
	    " NULLIF(?,0), ?, NULLIF(?,0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    cause);
	const char *texts[] = {r->account,
	                       r->template_name,
	                       r->recipient ? r->recipient : "",
	                       r->idempotency_key,
	                       r->state ? r->state : "queued",
	                       r->out_message_id,
	                       r->error,
	                       r->subject,
	                       r->gate,
	                       r->origin,
	                       r->rule};
	int i, rc;

	if (!s)
		return -1;
	if (!r->created_at)
		r->created_at = (int64_t)time(NULL);
	sqlite3_bind_int64(s, 1, r->message_id);
	sqlite3_bind_int64(s, 2, r->thread_id);
	sqlite3_bind_int64(s, 3, r->send_after);
	sqlite3_bind_int64(s, 4, r->sent_at);
	sqlite3_bind_int64(s, 5, r->created_at);
	sqlite3_bind_int64(s, 6, r->job_id);
	sqlite3_bind_int(s, 7, r->automatic);
	for (i = 0; i < (int)VA_ARRAY_LEN(texts); i++)
		st_bind_text(s, 8 + i, texts[i]);
	if (r->raw)
		sqlite3_bind_blob(s, 19, r->raw, (int)r->rawlen, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, cause, "record the reply");
	r->id = sqlite3_last_insert_rowid(st->db);
	return r->id;
}

int64_t store_reply_add(struct store *st, struct store_reply *r, int *existed, char **cause)
{
	int64_t id;

	*existed = 0;
	if (store_begin(st, cause) < 0)
		return -1;
	if ((id = key_id(st, r->idempotency_key)) > 0) {
		*existed = 1;
		r->id = id;
	} else if ((id = insert(st, r, cause)) < 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, cause) < 0 ? -1 : id;
}

/* COUNT(*) of automatic live rows matching `where` (?1 since, ?2 text, ?3 int). */
static int64_t count_live(struct store *st, const char *where, int64_t since, const char *text,
                          int64_t num, char **cause)
{
	char *sql =
	    xasprintf("SELECT COUNT(*) FROM reply_log WHERE state IN ('queued','sending','sent')"
	              " AND %s",
	              where);
	sqlite3_stmt *s = st_prepare(st, sql, cause);
	int64_t n = -1;

	free(sql);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, since);
	st_bind_text(s, 2, text);
	sqlite3_bind_int64(s, 3, num);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		st_fail(st, cause, "count replies");
	sqlite3_finalize(s);
	return n;
}

/* The first limit r would break, SRV_OK, or -1. */
static int check_limits(struct store *st, const struct store_reply *r,
                        const struct store_reply_limits *l, char **cause)
{
	int64_t n;

	if (l->thread && r->thread_id &&
	    (n = count_live(st, "thread_id = ?3", 0, NULL, r->thread_id, cause)) != 0)
		return n < 0 ? -1 : SRV_THREAD;
	if (l->daily_limit > 0 &&
	    (n = count_live(st, "auto = 1 AND created_at >= ?1", l->day_since, NULL, 0, cause)) !=
	        0 &&
	    (n < 0 || n >= l->daily_limit))
		return n < 0 ? -1 : SRV_DAILY;
	if (l->template_limit > 0 &&
	    (n = count_live(st, "auto = 1 AND created_at >= ?1 AND template = ?2", l->day_since,
	                    r->template_name, 0, cause)) != 0 &&
	    (n < 0 || n >= l->template_limit))
		return n < 0 ? -1 : SRV_TEMPLATE_DAILY;
	if (l->sender_since > 0 &&
	    (n = count_live(st, "auto = 1 AND created_at >= ?1 AND recipient = ?2", l->sender_since,
	                    r->recipient, 0, cause)) != 0)
		return n < 0 ? -1 : SRV_SENDER;
	return SRV_OK;
}

int store_reply_reserve(struct store *st, struct store_reply *r, const struct store_reply_limits *l,
                        char **cause)
{
	int64_t id;
	int v;

	if (store_begin(st, cause) < 0)
		return -1;
	if ((id = key_id(st, r->idempotency_key)) > 0) {
		r->id = id;
		v = SRV_EXISTS;
	} else if ((v = check_limits(st, r, l, cause)) == SRV_OK && insert(st, r, cause) < 0)
		v = -1;
	if (v < 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, cause) < 0 ? -1 : v;
}

int store_reply_get(struct store *st, int64_t id, struct store_reply *out, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "SELECT " COLS ", raw FROM reply_log WHERE id = ?", cause);
	int rc;

	memset(out, 0, sizeof *out);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		read_row(s, out, 1);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : st_fail(st, cause, "read the reply");
}

int store_reply_list(struct store *st, size_t limit, struct store_reply **out, size_t *n,
                     char **cause)
{
	sqlite3_stmt *s =
	    st_prepare(st, "SELECT " COLS " FROM reply_log ORDER BY id DESC LIMIT ?", cause);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, limit ? (int64_t)limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow((void **)out, &cap, *n + 1, sizeof **out);
		read_row(s, &(*out)[(*n)++], 0);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_replies_free(*out, *n);
		*out = NULL;
		*n = 0;
		return st_fail(st, cause, "list replies");
	}
	return 0;
}

int store_reply_move(struct store *st, int64_t id, const char *from, const char *to,
                     const char *gate, const char *error, int64_t sent_at, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "UPDATE reply_log SET state = ?3, gate = coalesce(?4, gate),"
	                             " error = ?5, sent_at = coalesce(NULLIF(?6,0), sent_at)"
	                             " WHERE id = ?1 AND state = ?2",
	                             cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	st_bind_text(s, 2, from);
	st_bind_text(s, 3, to);
	st_bind_text(s, 4, gate);
	st_bind_text(s, 5, error);
	sqlite3_bind_int64(s, 6, sent_at);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, cause, "update the reply");
	return sqlite3_changes(st->db) == 1 ? 0 : 1;
}

int store_reply_set_job(struct store *st, int64_t id, int64_t job_id, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "UPDATE reply_log SET job_id = ? WHERE id = ?", cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, job_id);
	sqlite3_bind_int64(s, 2, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "update the reply");
}

int store_reply_due(struct store *st, const char *account, int64_t now, size_t limit,
                    int64_t **ids, size_t *n, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT id FROM reply_log WHERE state = 'queued' AND"
	                             " account = ? AND send_after <= ? ORDER BY send_after, id"
	                             " LIMIT ?",
	                             cause);

	*ids = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)limit);
	return st_collect_ids(st, s, ids, n, "list the replies that are due", cause);
}

/* ---- approvals ---- */

int store_template_approve(struct store *st, const char *name, const char *hash, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "INSERT INTO template_approvals (template, content_hash,"
	                             " approved_at) SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1"
	                             " FROM template_approvals WHERE template = ?1 AND"
	                             " content_hash = ?2 AND revoked_at IS NULL)",
	                             cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, name);
	st_bind_text(s, 2, hash);
	sqlite3_bind_int64(s, 3, (int64_t)time(NULL));
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "record the approval");
}

int store_template_revoke(struct store *st, const char *name, char **cause)
{
	sqlite3_stmt *s =
	    st_prepare(st,
	               "UPDATE template_approvals SET revoked_at = ? WHERE template = ?"
	               " AND revoked_at IS NULL",
	               cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)time(NULL));
	st_bind_text(s, 2, name);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, cause, "revoke the approval");
	return sqlite3_changes(st->db);
}

int store_template_approval(struct store *st, const char *name, const char *hash, int *other,
                            char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT content_hash = ?2, revoked_at IS NULL FROM"
	                             " template_approvals WHERE template = ?1",
	                             cause);
	int rc, same = 0, live_other = 0, revoked = 0;

	if (!s)
		return -1;
	st_bind_text(s, 1, name);
	st_bind_text(s, 2, hash);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int eq = sqlite3_column_int(s, 0), live = sqlite3_column_int(s, 1);

		same |= eq && live;
		live_other |= !eq && live;
		revoked |= !live;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, cause, "read the approvals");
	if (other)
		*other = live_other ? 1 : revoked ? 2 : 0;
	return same;
}
