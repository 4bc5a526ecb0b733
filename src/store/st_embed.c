/*
 * st_embed: the embeddings cache behind "similar messages" (issue 6): one
 * vector per (message hash, embedding model), stored as native floats.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "va/util.h"

int store_embedding_get(struct store *st, const char *hash, const char *model, float **vec,
                        size_t *dim, char **cause)
{
	sqlite3_stmt *s =
	    st_prepare(st, "SELECT dim, vec FROM embeddings WHERE hash = ? AND model = ?", cause);
	int rc, found = 1;

	*vec = NULL;
	*dim = 0;
	if (!s)
		return -1;
	st_bind_text(s, 1, hash);
	st_bind_text(s, 2, model);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		sqlite3_int64 n = sqlite3_column_int64(s, 0);
		int bytes = sqlite3_column_bytes(s, 1);
		const void *blob = sqlite3_column_blob(s, 1);
		if (n > 0 && blob && (size_t)bytes == (size_t)n * sizeof(float)) {
			*vec = xmalloc((size_t)bytes);
			memcpy(*vec, blob, (size_t)bytes);
			*dim = (size_t)n;
			found = 0;
		}
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return st_fail(st, cause, "read an embedding");
	return found;
}

int store_embedding_put(struct store *st, const char *hash, const char *model, const float *vec,
                        size_t dim, char **cause)
{
	sqlite3_stmt *s =
	    st_prepare(st,
	               "INSERT OR REPLACE INTO embeddings(hash, model, dim, vec, created_at)"
	               " VALUES (?, ?, ?, ?, ?)",
	               cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, hash);
	st_bind_text(s, 2, model);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)dim);
	sqlite3_bind_blob(s, 4, vec, (int)(dim * sizeof *vec), SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, time_now());
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "store an embedding");
}
