/*
 * store/st_analysis.c: the datasets and analyses tables (CSV analysis).  A
 * dataset row records what was read (name, path or URL without its query,
 * size, rows, columns); an analysis row keeps the options, the computed facts
 * as JSON, the summary and where the report was written.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "va/util.h"

void store_analysis_release(struct store_analysis *a)
{
	if (!a)
		return;
	free(a->name);
	free(a->path);
	free(a->params);
	free(a->result);
	free(a->summary);
	free(a->summary_model);
	free(a->report_path);
	memset(a, 0, sizeof *a);
}

void store_analyses_free(struct store_analysis *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_analysis_release(&a[i]);
	free(a);
}

int64_t store_dataset_add(struct store *st, const char *name, const char *path, const char *hash,
                          int64_t size, int64_t rows, int64_t columns, char **cause)
{
	sqlite3_stmt *s =
	    st_prepare(st,
	               "INSERT INTO datasets (name, path, hash, size, rows, columns, loaded_at)"
	               " VALUES (?, ?, ?, ?, ?, ?, ?)",
	               cause);
	int64_t id = -1;

	if (!s)
		return -1;
	st_bind_text(s, 1, name);
	st_bind_text(s, 2, path);
	st_bind_text(s, 3, hash);
	sqlite3_bind_int64(s, 4, size);
	sqlite3_bind_int64(s, 5, rows);
	sqlite3_bind_int64(s, 6, columns);
	sqlite3_bind_int64(s, 7, time_now());
	if (sqlite3_step(s) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(st->db);
	else
		st_fail(st, cause, "record the dataset");
	sqlite3_finalize(s);
	return id;
}

int64_t store_analysis_add(struct store *st, const struct store_analysis *a, char **cause)
{
	sqlite3_stmt *s = st_prepare(
	    st,
	    "INSERT INTO analyses (dataset_id, params, result, summary, summary_model, report_path,"
	    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    cause);
	int64_t id = -1;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, a->dataset_id);
	st_bind_text(s, 2, a->params);
	st_bind_text(s, 3, a->result);
	st_bind_text(s, 4, a->summary);
	st_bind_text(s, 5, a->summary_model);
	st_bind_text(s, 6, a->report_path);
	sqlite3_bind_int64(s, 7, a->created_at ? a->created_at : time_now());
	if (sqlite3_step(s) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(st->db);
	else
		st_fail(st, cause, "record the analysis");
	sqlite3_finalize(s);
	return id;
}

#define SELECT_ANALYSIS                                                                            \
	"SELECT a.id, a.dataset_id, d.name, d.path, d.size, d.rows, d.columns, a.params,"          \
	" CASE WHEN ?1 THEN a.result END, a.summary, a.summary_model, a.report_path, a.created_at" \
	" FROM analyses a LEFT JOIN datasets d ON d.id = a.dataset_id"

static void row_to(sqlite3_stmt *s, struct store_analysis *a)
{
	a->id = sqlite3_column_int64(s, 0);
	a->dataset_id = sqlite3_column_int64(s, 1);
	a->name = st_column_text(s, 2);
	a->path = st_column_text(s, 3);
	a->size = sqlite3_column_int64(s, 4);
	a->rows = sqlite3_column_int64(s, 5);
	a->columns = sqlite3_column_int64(s, 6);
	a->params = st_column_text(s, 7);
	a->result = st_column_text(s, 8);
	a->summary = st_column_text(s, 9);
	a->summary_model = st_column_text(s, 10);
	a->report_path = st_column_text(s, 11);
	a->created_at = sqlite3_column_int64(s, 12);
}

int store_analysis_list(struct store *st, size_t limit, int full, struct store_analysis **out,
                        size_t *n, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, SELECT_ANALYSIS " ORDER BY a.id DESC LIMIT ?2", cause);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_int(s, 1, full != 0);
	sqlite3_bind_int64(s, 2, limit ? (int64_t)limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow((void **)out, &cap, *n + 1, sizeof **out);
		row_to(s, &(*out)[(*n)++]);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_analyses_free(*out, *n);
		*out = NULL;
		*n = 0;
		return st_fail(st, cause, "list analyses");
	}
	return 0;
}

int store_analysis_get(struct store *st, int64_t id, struct store_analysis *out, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, SELECT_ANALYSIS " WHERE a.id = ?2", cause);
	int rc;

	memset(out, 0, sizeof *out);
	if (!s)
		return -1;
	sqlite3_bind_int(s, 1, 1);
	sqlite3_bind_int64(s, 2, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		row_to(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : st_fail(st, cause, "read an analysis");
}
