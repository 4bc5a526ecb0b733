/*
 * st_rules: what the rules engine remembers (rule_hits: which rule already
 * acted on or recommended for which message) and the recommendations that
 * wait for the user's yes or no.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "va/util.h"

static int step_done(struct store *st, sqlite3_stmt *s, const char *what, char **cause)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, what);
}

int store_rule_hit_add(struct store *st, const char *rule, int64_t message_id, const char *trigger,
                       const char *why, int64_t batch, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "INSERT OR IGNORE INTO rule_hits(rule, message_id, trigger, why,"
	                             " batch, created_at) VALUES (?, ?, ?, ?, ?, ?)",
	                             cause);

	if (!s)
		return -1;
	st_bind_text(s, 1, rule);
	sqlite3_bind_int64(s, 2, message_id);
	st_bind_text(s, 3, trigger);
	st_bind_text(s, 4, why);
	if (batch > 0)
		sqlite3_bind_int64(s, 5, batch);
	sqlite3_bind_int64(s, 6, time_now());
	if (step_done(st, s, "record a rule hit", cause) < 0)
		return -1;
	return sqlite3_changes(st->db) ? 0 : 1;
}

int store_rule_hit_exists(struct store *st, const char *rule, int64_t message_id, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "SELECT 1 FROM rule_hits WHERE rule = ? AND message_id = ?",
	                             cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, rule);
	sqlite3_bind_int64(s, 2, message_id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "read rule hits");
}

int store_rule_counts(struct store *st, store_count_fn fn, void *arg, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT rule, COUNT(*), MAX(created_at) FROM rule_hits GROUP BY rule",
	                             cause);
	int rc;

	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1),
		   sqlite3_column_int64(s, 2));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "count rule hits");
}

int64_t store_rule_last_batch(struct store *st, const char *rule, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT batch FROM actions WHERE rule = ? AND undone_at IS NULL"
	                             " AND batch IS NOT NULL ORDER BY id DESC LIMIT 1",
	                             cause);
	int64_t batch = 0;
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, rule);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		batch = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_fail(st, cause, "read the journal");
	return batch;
}

int64_t store_reco_add(struct store *st, int64_t message_id, const char *rule, const char *action,
                       const char *args, const char *reason, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "INSERT OR IGNORE INTO recommendations(message_id, rule, action,"
	                             " args, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)",
	                             cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, message_id);
	st_bind_text(s, 2, rule);
	st_bind_text(s, 3, action);
	st_bind_text(s, 4, args);
	st_bind_text(s, 5, reason);
	sqlite3_bind_int64(s, 6, time_now());
	if (step_done(st, s, "store a recommendation", cause) < 0)
		return -1;
	return sqlite3_changes(st->db) ? sqlite3_last_insert_rowid(st->db) : 0;
}

void store_recos_free(struct store_reco *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].rule);
		free(v[i].action);
		free(v[i].args);
		free(v[i].reason);
		free(v[i].state);
		free(v[i].subject);
		free(v[i].from);
	}
	free(v);
}

int store_reco_list(struct store *st, const char *state, int64_t message_id, int64_t id,
                    struct store_reco **out, size_t *n, char **cause)
{
	sqlite3_stmt *s = st_prepare(
	    st,
	    "SELECT r.id, r.message_id, r.rule, r.action, r.args, r.reason, r.state, r.created_at,"
	    " r.decided_at, m.subject, COALESCE(m.from_name, m.from_addr)"
	    " FROM recommendations r LEFT JOIN messages m ON m.id = r.message_id"
	    " WHERE (?1 IS NULL OR r.state = ?1) AND (?2 = 0 OR r.message_id = ?2)"
	    " AND (?3 = 0 OR r.id = ?3) ORDER BY r.id",
	    cause);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	st_bind_text(s, 1, state);
	sqlite3_bind_int64(s, 2, message_id);
	sqlite3_bind_int64(s, 3, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_reco *r;
		xgrow((void **)out, &cap, *n + 1, sizeof(**out));
		r = &(*out)[(*n)++];
		r->id = sqlite3_column_int64(s, 0);
		r->message_id = sqlite3_column_int64(s, 1);
		r->rule = st_column_text(s, 2);
		r->action = st_column_text(s, 3);
		r->args = st_column_text(s, 4);
		r->reason = st_column_text(s, 5);
		r->state = st_column_text(s, 6);
		r->created_at = sqlite3_column_int64(s, 7);
		r->decided_at = sqlite3_column_int64(s, 8);
		r->subject = st_column_text(s, 9);
		r->from = st_column_text(s, 10);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	store_recos_free(*out, *n);
	*out = NULL;
	*n = 0;
	return st_fail(st, cause, "list recommendations");
}

int store_reco_decide(struct store *st, int64_t id, const char *state, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "UPDATE recommendations SET state = ?, decided_at = ?"
	                             " WHERE id = ? AND state = 'pending'",
	                             cause);

	if (!s)
		return -1;
	st_bind_text(s, 1, state);
	sqlite3_bind_int64(s, 2, time_now());
	sqlite3_bind_int64(s, 3, id);
	if (step_done(st, s, "decide a recommendation", cause) < 0)
		return -1;
	return sqlite3_changes(st->db) ? 0 : 1;
}

int store_pending_recos(struct store *st, store_count_fn fn, void *arg, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT message_id, COUNT(*), MIN(id) FROM recommendations"
	                             " WHERE state = 'pending' GROUP BY message_id",
	                             cause);
	char key[32];
	int rc;

	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(s, 0));
		fn(arg, key, sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2));
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "read recommendations");
}

int store_rule_candidates(struct store *st, const char *where, int64_t value, int64_t **ids,
                          size_t *n, char **cause)
{
	static const struct {
		const char *name, *sql;
	} q[] = {
	    {"after_id", "SELECT id FROM messages WHERE id > ? ORDER BY id"},
	    {"classified_since",
	     "SELECT id FROM messages WHERE classified_at >= ? ORDER BY id"},
	    {"date_since", "SELECT id FROM messages WHERE date >= ? ORDER BY id"},
	    {"all", "SELECT id FROM messages WHERE ? >= 0 ORDER BY id"},
	};
	sqlite3_stmt *s = NULL;
	size_t i;

	*ids = NULL;
	*n = 0;
	for (i = 0; i < VA_ARRAY_LEN(q); i++)
		if (!strcmp(q[i].name, where))
			s = st_prepare(st, q[i].sql, cause);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, value);
	return st_collect_ids(st, s, ids, n, "select messages for the rules", cause);
}

int64_t store_max_message_id(struct store *st, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "SELECT COALESCE(MAX(id), 0) FROM messages", cause);
	int64_t v = -1;

	if (!s)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v < 0 ? st_fail(st, cause, "read messages") : v;
}
