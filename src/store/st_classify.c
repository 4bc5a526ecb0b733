/*
 * st_classify: the classifier's rows in the store: model weights
 * (classifier_params), training labels (classifier_labels), the verdict
 * columns of messages, and a lean reader that streams just the fields the
 * tokenizer needs.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "va/util.h"

int store_classifier_load(struct store *st, const char *model, store_param_fn fn, void *arg,
                          char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT feature, category, value FROM classifier_params"
	                             " WHERE model = ?",
	                             cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, model);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(s, 0),
		   (const char *)sqlite3_column_text(s, 1), sqlite3_column_double(s, 2));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "read the classifier");
}

struct store_param_writer {
	struct store *st;
	sqlite3_stmt *put;
	sqlite3_stmt *del;
	char *model;
	int failed;
};

struct store_param_writer *store_classifier_writer(struct store *st, const char *model,
                                                   char **cause)
{
	struct store_param_writer *w = xcalloc(1, sizeof *w);

	w->st = st;
	w->model = xstrdup(model);
	w->put =
	    st_prepare(st,
	               "INSERT OR REPLACE INTO classifier_params(model, feature, category, value)"
	               " VALUES (?, ?, ?, ?)",
	               cause);
	w->del = w->put ? st_prepare(st,
	                             "DELETE FROM classifier_params WHERE model = ? AND feature = ?"
	                             " AND category = ?",
	                             cause)
	                : NULL;
	if (!w->del || store_begin(st, cause) < 0) {
		sqlite3_finalize(w->put);
		sqlite3_finalize(w->del);
		free(w->model);
		free(w);
		return NULL;
	}
	return w;
}

void store_classifier_put(struct store_param_writer *w, const char *feature, const char *category,
                          double value)
{
	sqlite3_stmt *s = value == 0.0 ? w->del : w->put;

	if (w->failed)
		return;
	sqlite3_reset(s);
	st_bind_text(s, 1, w->model);
	st_bind_text(s, 2, feature);
	st_bind_text(s, 3, category);
	if (value != 0.0)
		sqlite3_bind_double(s, 4, value);
	if (sqlite3_step(s) != SQLITE_DONE)
		w->failed = 1;
}

int store_classifier_writer_end(struct store_param_writer *w, char **cause)
{
	int rc = 0;

	if (w->failed) {
		rc = st_fail(w->st, cause, "save the classifier");
		store_rollback(w->st);
	} else if (store_commit(w->st, cause) < 0) {
		rc = -1;
	}
	sqlite3_finalize(w->put);
	sqlite3_finalize(w->del);
	free(w->model);
	free(w);
	return rc;
}

int store_classifier_clear(struct store *st, const char *model, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "DELETE FROM classifier_params WHERE model = ?", cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, model);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "clear the classifier");
}

int64_t store_label_add(struct store *st, int64_t message_id, const char *hash,
                        const char *category, const char *source, char **cause)
{
	sqlite3_stmt *s =
	    st_prepare(st,
	               "INSERT INTO classifier_labels(message_id, hash, category, source,"
	               " created_at) VALUES (?, ?, ?, ?, ?)",
	               cause);
	int rc;

	if (!s)
		return -1;
	if (message_id > 0)
		sqlite3_bind_int64(s, 1, message_id);
	st_bind_text(s, 2, hash);
	st_bind_text(s, 3, category);
	st_bind_text(s, 4, source);
	sqlite3_bind_int64(s, 5, time_now());
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, cause, "record the label");
	return sqlite3_last_insert_rowid(st->db);
}

int store_labels_after(struct store *st, int64_t after, store_label_fn fn, void *arg, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT id, message_id, category FROM classifier_labels"
	                             " WHERE id > ? AND message_id IS NOT NULL ORDER BY id",
	                             cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, after);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
		   (const char *)sqlite3_column_text(s, 2));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "read the labels");
}

int64_t store_labels_from_folders(struct store *st, const char *pattern, const char *category,
                                  unsigned flag, char **cause)
{
	sqlite3_stmt *s = st_prepare(
	    st,
	    "INSERT INTO classifier_labels(message_id, hash, category, source, created_at)"
	    " SELECT m.id, m.hash, ?1, 'folder', ?4 FROM messages m JOIN folders f ON f.id = "
	    "m.folder_id"
	    " WHERE (?2 IS NULL OR lower(f.name) LIKE ?2) AND (?3 = 0 OR (m.flags & ?3) != 0)"
	    " AND NOT EXISTS (SELECT 1 FROM classifier_labels l WHERE l.message_id = m.id)",
	    cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, category);
	st_bind_text(s, 2, pattern);
	sqlite3_bind_int64(s, 3, flag);
	sqlite3_bind_int64(s, 4, time_now());
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, cause, "record labels from folders");
	return sqlite3_changes(st->db);
}

int store_message_set_class(struct store *st, int64_t id, const char *category, int confidence,
                            const char *reason, const char *model, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "UPDATE messages SET category = ?, confidence = ?, reason = ?,"
	                             " model = ?, classified_at = ? WHERE id = ?",
	                             cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, category);
	sqlite3_bind_int(s, 2, confidence);
	st_bind_text(s, 3, reason);
	st_bind_text(s, 4, model);
	sqlite3_bind_int64(s, 5, time_now());
	sqlite3_bind_int64(s, 6, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, cause, "store the verdict");
	return sqlite3_changes(st->db) > 0 ? 0 : 1;
}

#define CLASSIFY_COLS                                                                              \
	"SELECT m.id, m.hash, m.from_name, m.from_addr, m.to_addrs, m.reply_to, m.subject,"        \
	" m.in_reply_to, m.list_id, m.list_unsubscribe, m.precedence, m.auto_submitted,"           \
	" m.content_type, m.headers, m.body, m.body_from_html, m.n_attachments, m.flags"           \
	" FROM messages m"

static void read_classify_row(sqlite3_stmt *s, struct message *m)
{
	char **text[] = {&m->hash,
	                 &m->from_name,
	                 &m->from_addr,
	                 &m->to,
	                 &m->reply_to,
	                 &m->subject,
	                 &m->in_reply_to,
	                 &m->list_id,
	                 &m->list_unsubscribe,
	                 &m->precedence,
	                 &m->auto_submitted,
	                 &m->content_type,
	                 &m->headers,
	                 &m->body};
	size_t i;

	message_init(m);
	m->id = sqlite3_column_int64(s, 0);
	for (i = 0; i < VA_ARRAY_LEN(text); i++)
		*text[i] = st_column_text(s, (int)i + 1);
	m->body_from_html = sqlite3_column_int(s, 15);
	m->attach_count = sqlite3_column_int(s, 16);
	m->flags = (unsigned)sqlite3_column_int(s, 17);
}

/* Step s and hand each row to fn; stops when fn returns non-zero. */
static int each_row(struct store *st, sqlite3_stmt *s, store_message_fn fn, void *arg, char **cause)
{
	struct message m;
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		read_classify_row(s, &m);
		stop = fn(arg, &m);
		message_release(&m);
	}
	if (stop || rc == SQLITE_DONE)
		return 0;
	return st_fail(st, cause, "read messages to classify");
}

int store_classify_each(struct store *st, const int64_t *ids, size_t n, int unclassified_only,
                        store_message_fn fn, void *arg, char **cause)
{
	sqlite3_stmt *s;
	size_t i;
	int rc = 0;

	if (!ids) {
		s = st_prepare(st,
		               unclassified_only ? CLASSIFY_COLS " WHERE m.classified_at IS NULL"
		                                 : CLASSIFY_COLS,
		               cause);
		if (!s)
			return -1;
		rc = each_row(st, s, fn, arg, cause);
		sqlite3_finalize(s);
		return rc;
	}
	s = st_prepare(st, CLASSIFY_COLS " WHERE m.id = ?", cause);
	if (!s)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, ids[i]);
		rc = each_row(st, s, fn, arg, cause);
	}
	sqlite3_finalize(s);
	return rc;
}

/* ---- the LLM's cache and daily usage ---- */

char *store_llm_cache_get(struct store *st, const char *key)
{
	return st_text_by_key(st, "SELECT response FROM llm_cache WHERE key = ?", key);
}

int store_llm_cache_put(struct store *st, const char *key, const char *model, const char *response,
                        char **cause)
{
	sqlite3_stmt *s =
	    st_prepare(st,
	               "INSERT OR REPLACE INTO llm_cache(key, model, response, created_at)"
	               " VALUES (?, ?, ?, ?)",
	               cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, key);
	st_bind_text(s, 2, model);
	st_bind_text(s, 3, response);
	sqlite3_bind_int64(s, 4, time_now());
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "cache the LLM answer");
}

int64_t store_llm_usage(struct store *st, const char *day)
{
	sqlite3_stmt *s = st_prepare(st, "SELECT tokens FROM llm_usage WHERE day = ?", NULL);
	int64_t n = 0;

	if (!s)
		return 0;
	st_bind_text(s, 1, day);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

int store_llm_usage_add(struct store *st, const char *day, int64_t tokens, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "INSERT INTO llm_usage(day, tokens) VALUES (?1, ?2)"
	                             " ON CONFLICT(day) DO UPDATE SET tokens = tokens + ?2",
	                             cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, day);
	sqlite3_bind_int64(s, 2, tokens);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "count LLM tokens");
}

int store_known_senders(struct store *st, store_text_fn fn, void *arg, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT DISTINCT from_addr FROM messages"
	                             " WHERE (flags & ?) != 0 AND from_addr IS NOT NULL",
	                             cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int(s, 1, MSG_ANSWERED);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "read known senders");
}
