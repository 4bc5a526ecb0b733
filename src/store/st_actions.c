/*
 * st_actions: what triage needs of the store: one message's changeable state
 * (flags, folder, keywords, verdict, file), the setters the app layer's
 * actions use, and the `actions` journal that makes them undoable.
 *
 * The journal rows are written by src/app/actions.c inside the same
 * transaction as the change they describe, so a change without its undo data
 * (or the reverse) never reaches the disk.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "va/util.h"

void store_msg_state_release(struct store_msg_state *s)
{
	char **strs[] = {&s->account, &s->account_type, &s->folder, &s->source,  &s->path,
	                 &s->hash,    &s->subject,      &s->keywords, &s->category, &s->reason,
	                 &s->model};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(strs); i++)
		x_free(strs[i]);
}

int store_msg_state_get(struct store *st, int64_t id, struct store_msg_state *out, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT m.id, m.account_id, m.folder_id, a.name, a.type, f.name,"
	                             " m.source, m.path, m.hash, m.subject, m.flags, m.keywords,"
	                             " m.category, m.reason, m.model, m.confidence FROM messages m"
	                             " JOIN accounts a ON a.id = m.account_id"
	                             " JOIN folders f ON f.id = m.folder_id WHERE m.id = ?",
	                             cause);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(s, 0);
		out->account_id = sqlite3_column_int64(s, 1);
		out->folder_id = sqlite3_column_int64(s, 2);
		out->account = st_column_text(s, 3);
		out->account_type = st_column_text(s, 4);
		out->folder = st_column_text(s, 5);
		out->source = st_column_text(s, 6);
		out->path = st_column_text(s, 7);
		out->hash = st_column_text(s, 8);
		out->subject = st_column_text(s, 9);
		out->flags = (unsigned)sqlite3_column_int(s, 10);
		out->keywords = st_column_text(s, 11);
		out->category = st_column_text(s, 12);
		out->reason = st_column_text(s, 13);
		out->model = st_column_text(s, 14);
		out->confidence = sqlite3_column_type(s, 15) == SQLITE_NULL ? -1
		                                                           : sqlite3_column_int(s, 15);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : st_fail(st, cause, "read the message");
}

/* Run a prepared one-row UPDATE/DELETE; 0, or -1 with a cause naming `what`. */
static int step_done(struct store *st, sqlite3_stmt *s, const char *what, char **cause)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, what);
}

int store_message_set_keywords(struct store *st, int64_t id, const char *keywords, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "UPDATE messages SET keywords = ? WHERE id = ?", cause);

	if (!s)
		return -1;
	st_bind_text(s, 1, keywords && *keywords ? keywords : NULL);
	sqlite3_bind_int64(s, 2, id);
	return step_done(st, s, "update the labels", cause);
}

int store_message_move(struct store *st, int64_t id, int64_t folder_id, const char *path,
                       char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "UPDATE messages SET folder_id = ?, path = ? WHERE id = ?",
	                             cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	st_bind_text(s, 2, path);
	sqlite3_bind_int64(s, 3, id);
	return step_done(st, s, "move the message", cause);
}

int store_message_put_class(struct store *st, int64_t id, const char *category, int confidence,
                            const char *reason, const char *model, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "UPDATE messages SET category = ?, confidence = ?, reason = ?,"
	                             " model = ?, classified_at = ? WHERE id = ?",
	                             cause);

	if (!s)
		return -1;
	st_bind_text(s, 1, category);
	if (confidence < 0)
		sqlite3_bind_null(s, 2);
	else
		sqlite3_bind_int(s, 2, confidence);
	st_bind_text(s, 3, reason);
	st_bind_text(s, 4, model);
	if (category)
		sqlite3_bind_int64(s, 5, time_now());
	else
		sqlite3_bind_null(s, 5);
	sqlite3_bind_int64(s, 6, id);
	return step_done(st, s, "store the category", cause);
}

int store_label_delete(struct store *st, int64_t label_id, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "DELETE FROM classifier_labels WHERE id = ?", cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, label_id);
	return step_done(st, s, "remove the training label", cause);
}

/* ---- the journal ---- */

void store_action_release(struct store_action *a)
{
	char **strs[] = {&a->kind, &a->args, &a->undo, &a->origin, &a->rule, &a->server_state,
	                 &a->subject};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(strs); i++)
		x_free(strs[i]);
}

void store_actions_free(struct store_action *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_action_release(&a[i]);
	free(a);
}

static void bind_id_or_null(sqlite3_stmt *s, int i, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

int64_t store_action_add(struct store *st, const struct store_action *a, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "INSERT INTO actions(message_id, account_id, kind, args, undo,"
	                             " origin, rule, batch, server_state, created_at)"
	                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                             cause);

	if (!s)
		return -1;
	bind_id_or_null(s, 1, a->message_id);
	bind_id_or_null(s, 2, a->account_id);
	st_bind_text(s, 3, a->kind);
	st_bind_text(s, 4, a->args);
	st_bind_text(s, 5, a->undo);
	st_bind_text(s, 6, a->origin ? a->origin : "user");
	st_bind_text(s, 7, a->rule);
	bind_id_or_null(s, 8, a->batch);
	st_bind_text(s, 9, a->server_state ? a->server_state : "local");
	sqlite3_bind_int64(s, 10, a->created_at ? a->created_at : time_now());
	if (step_done(st, s, "record the action", cause) < 0)
		return -1;
	return sqlite3_last_insert_rowid(st->db);
}

/* One int64 from a query without parameters. */
static int64_t scalar(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, sql, cause);
	int64_t v = -1;

	if (!s)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else
		st_fail(st, cause, "read the actions journal");
	sqlite3_finalize(s);
	return v;
}

int64_t store_action_new_batch(struct store *st, char **cause)
{
	return scalar(st, "SELECT COALESCE(MAX(batch), 0) + 1 FROM actions", cause);
}

#define ACTION_COLS                                                                                \
	"SELECT a.id, a.message_id, a.account_id, a.batch, a.kind, a.args, a.undo, a.origin,"     \
	" a.rule, a.server_state, a.created_at, a.undone_at, m.subject"                            \
	" FROM actions a LEFT JOIN messages m ON m.id = a.message_id "

static void read_action(sqlite3_stmt *s, struct store_action *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(s, 0);
	a->message_id = sqlite3_column_int64(s, 1);
	a->account_id = sqlite3_column_int64(s, 2);
	a->batch = sqlite3_column_int64(s, 3);
	a->kind = st_column_text(s, 4);
	a->args = st_column_text(s, 5);
	a->undo = st_column_text(s, 6);
	a->origin = st_column_text(s, 7);
	a->rule = st_column_text(s, 8);
	a->server_state = st_column_text(s, 9);
	a->created_at = sqlite3_column_int64(s, 10);
	a->undone_at = sqlite3_column_int64(s, 11);
	a->subject = st_column_text(s, 12);
}

/* Every row of a prepared ACTION_COLS query into *out. */
static int read_actions(struct store *st, sqlite3_stmt *s, struct store_action **out, size_t *n,
                        char **cause)
{
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow((void **)out, &cap, *n + 1, sizeof(**out));
		read_action(s, &(*out)[(*n)++]);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	store_actions_free(*out, *n);
	*out = NULL;
	*n = 0;
	return st_fail(st, cause, "read the actions journal");
}

int store_action_get(struct store *st, int64_t id, struct store_action *out, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, ACTION_COLS "WHERE a.id = ?", cause);
	struct store_action *v;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (read_actions(st, s, &v, &n, cause) < 0)
		return -1;
	if (n == 0)
		return 1;
	*out = v[0];
	free(v);
	return 0;
}

int store_action_list(struct store *st, size_t limit, struct store_action **out, size_t *n,
                      char **cause)
{
	sqlite3_stmt *s = st_prepare(st, ACTION_COLS "ORDER BY a.id DESC LIMIT ?", cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, limit ? (int64_t)limit : -1);
	return read_actions(st, s, out, n, cause);
}

int store_action_last_live(struct store *st, const char *origin, int64_t *id, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT id FROM actions WHERE undone_at IS NULL AND origin = ?"
	                             " ORDER BY id DESC LIMIT 1",
	                             cause);
	int rc;

	*id = 0;
	if (!s)
		return -1;
	st_bind_text(s, 1, origin);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : st_fail(st, cause, "read the journal");
}

int store_action_batch(struct store *st, int64_t batch, struct store_action **out, size_t *n,
                       char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             ACTION_COLS "WHERE a.batch = ? AND a.undone_at IS NULL"
	                                         " ORDER BY a.id DESC",
	                             cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, batch);
	return read_actions(st, s, out, n, cause);
}

int store_action_set_undone(struct store *st, int64_t id, int64_t when, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "UPDATE actions SET undone_at = ? WHERE id = ?", cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, when);
	sqlite3_bind_int64(s, 2, id);
	return step_done(st, s, "mark the action undone", cause);
}
