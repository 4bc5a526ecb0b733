/*
 * st_sync: what IMAP sync keeps in the store (issue 5): each folder's sync
 * cursor (folders.uidvalidity, uidnext, highestmodseq, last_sync,
 * special_use) and each message's place on the server (messages.uid,
 * uidvalidity, modseq) with its flags and keywords.  Messages themselves are
 * added by store_message_add (source "imap:UIDVALIDITY:UID").
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "va/util.h"

int store_sync_folder_get(struct store *st, int64_t folder_id, struct store_sync_folder *out,
                          char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT uidvalidity, uidnext, highestmodseq, last_sync,"
	                             " (SELECT count(*) FROM messages WHERE folder_id = f.id)"
	                             " FROM folders f WHERE id = ?",
	                             cause);
	int rc;

	memset(out, 0, sizeof *out);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->uidvalidity = (uint32_t)sqlite3_column_int64(s, 0);
		out->uidnext = (uint32_t)sqlite3_column_int64(s, 1);
		out->highestmodseq = (uint64_t)sqlite3_column_int64(s, 2);
		out->last_sync = sqlite3_column_int64(s, 3);
		out->count = sqlite3_column_int64(s, 4);
		rc = 0;
	} else
		rc = rc == SQLITE_DONE ? 1 : st_fail(st, cause, "read the folder's sync state");
	sqlite3_finalize(s);
	return rc;
}

int store_sync_folder_set(struct store *st, int64_t folder_id, const struct store_sync_folder *f,
                          const char *special_use, char **cause)
{
	sqlite3_stmt *s =
	    st_prepare(st,
	               "UPDATE folders SET uidvalidity = ?, uidnext = ?,"
	               " highestmodseq = ?, last_sync = ?, special_use = ? WHERE id = ?",
	               cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, f->uidvalidity);
	sqlite3_bind_int64(s, 2, f->uidnext);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)f->highestmodseq);
	sqlite3_bind_int64(s, 4, f->last_sync);
	st_bind_text(s, 5, special_use);
	sqlite3_bind_int64(s, 6, folder_id);
	rc =
	    sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "save the folder's sync state");
	sqlite3_finalize(s);
	return rc;
}

static void msg_row(sqlite3_stmt *s, struct store_sync_msg *m)
{
	m->id = sqlite3_column_int64(s, 0);
	m->uid = (uint32_t)sqlite3_column_int64(s, 1);
	m->flags = (unsigned)sqlite3_column_int(s, 2);
	m->keywords = st_column_text(s, 3);
	m->modseq = (uint64_t)sqlite3_column_int64(s, 4);
}

int store_sync_messages(struct store *st, int64_t folder_id, uint32_t uidvalidity,
                        struct store_sync_msg **out, size_t *n, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT id, uid, flags, keywords, modseq FROM messages"
	                             " WHERE folder_id = ? AND uidvalidity = ? ORDER BY uid",
	                             cause);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	sqlite3_bind_int64(s, 2, uidvalidity);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		msg_row(s, &(*out)[(*n)++]);
	}
	rc = rc == SQLITE_DONE ? 0 : st_fail(st, cause, "list the folder's messages");
	sqlite3_finalize(s);
	return rc;
}

void store_sync_messages_free(struct store_sync_msg *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].keywords);
	free(v);
}

int store_sync_put(struct store *st, uint32_t uidvalidity, const struct store_sync_msg *v, size_t n,
                   char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "UPDATE messages SET uid = ?, uidvalidity = ?, flags = ?,"
	                             " keywords = ?, modseq = ? WHERE id = ?",
	                             cause);
	size_t i;
	int rc = 0;

	if (!s)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		sqlite3_bind_int64(s, 1, v[i].uid);
		sqlite3_bind_int64(s, 2, uidvalidity);
		sqlite3_bind_int(s, 3, (int)v[i].flags);
		st_bind_text(s, 4, v[i].keywords);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)v[i].modseq);
		sqlite3_bind_int64(s, 6, v[i].id);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = st_fail(st, cause, "save the messages' server state");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc;
}

int64_t store_sync_drop_stale(struct store *st, int64_t folder_id, uint32_t uidvalidity,
                              char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "DELETE FROM messages WHERE folder_id = ?"
	                             " AND (uidvalidity IS NULL OR uidvalidity != ?)",
	                             cause);
	int64_t n;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	sqlite3_bind_int64(s, 2, uidvalidity);
	n = sqlite3_step(s) == SQLITE_DONE ? sqlite3_changes(st->db)
	                                   : st_fail(st, cause, "drop the folder's old messages");
	sqlite3_finalize(s);
	return n;
}

/* ---- triage write-back: actions journaled "pending" for IMAP accounts ---- */

static void pending_row(sqlite3_stmt *s, struct store_sync_pending *p)
{
	p->action_id = sqlite3_column_int64(s, 0);
	p->kind = st_column_text(s, 1);
	p->args = st_column_text(s, 2);
	p->message_id = sqlite3_column_int64(s, 3);
	p->uid = (uint32_t)sqlite3_column_int64(s, 4);
	p->uidvalidity = (uint32_t)sqlite3_column_int64(s, 5);
	p->folder = st_column_text(s, 6);
	p->server_folder = st_column_text(s, 7);
	p->flags = (unsigned)sqlite3_column_int(s, 8);
	p->keywords = st_column_text(s, 9);
}

/* Rows whose message is gone from the store cannot be pushed. */
static int pending_orphans(struct store *st, int64_t account_id, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "UPDATE actions SET server_state = 'gone' WHERE account_id = ?"
	                             " AND server_state = 'pending' AND message_id IS NULL",
	                             cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, account_id);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "mark vanished actions");
	sqlite3_finalize(s);
	return rc;
}

int store_sync_pending(struct store *st, int64_t account_id, struct store_sync_pending **out,
                       size_t *n, char **cause)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (pending_orphans(st, account_id, cause) < 0)
		return -1;
	s = st_prepare(st,
	               "SELECT a.id, a.kind, a.args, m.id, m.uid, m.uidvalidity, f.name,"
	               " CASE WHEN f.uidvalidity = m.uidvalidity THEN f.name ELSE"
	               " (SELECT name FROM folders sf WHERE sf.account_id = m.account_id"
	               "  AND sf.uidvalidity = m.uidvalidity LIMIT 1) END,"
	               " m.flags, m.keywords"
	               " FROM actions a JOIN messages m ON m.id = a.message_id"
	               " JOIN folders f ON f.id = m.folder_id"
	               " WHERE a.account_id = ? AND a.server_state = 'pending' ORDER BY m.id, a.id",
	               cause);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, account_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		pending_row(s, &(*out)[(*n)++]);
	}
	rc = rc == SQLITE_DONE ? 0 : st_fail(st, cause, "list the actions to write back");
	sqlite3_finalize(s);
	return rc;
}

void store_sync_pending_free(struct store_sync_pending *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].args);
		free(v[i].folder);
		free(v[i].server_folder);
		free(v[i].keywords);
	}
	free(v);
}

int store_sync_action_state(struct store *st, int64_t action_id, const char *state, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "UPDATE actions SET server_state = ? WHERE id = ?", cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, state);
	sqlite3_bind_int64(s, 2, action_id);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0
	                                    : st_fail(st, cause, "save an action's server state");
	sqlite3_finalize(s);
	return rc;
}

int store_sync_relocate(struct store *st, int64_t id, uint32_t uidvalidity, uint32_t uid,
                        char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "UPDATE messages SET source = ?, uid = ?, uidvalidity = ?,"
	                             " modseq = NULL WHERE id = ?",
	                             cause);
	char *source = xasprintf("imap:%u:%u", uidvalidity, uid);
	int rc;

	if (!s) {
		free(source);
		return -1;
	}
	st_bind_text(s, 1, source);
	sqlite3_bind_int64(s, 2, uid);
	sqlite3_bind_int64(s, 3, uidvalidity);
	sqlite3_bind_int64(s, 4, id);
	rc =
	    sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "save the message's new place");
	sqlite3_finalize(s);
	free(source);
	return rc;
}

char *store_sync_special_folder(struct store *st, int64_t account_id, const char *role,
                                int64_t *folder_id, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT id, name FROM folders WHERE account_id = ?"
	                             " AND special_use = ? ORDER BY id LIMIT 1",
	                             cause);
	char *name = NULL;
	int rc;

	*folder_id = 0;
	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, account_id);
	st_bind_text(s, 2, role);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*folder_id = sqlite3_column_int64(s, 0);
		name = st_column_text(s, 1);
	} else if (rc != SQLITE_DONE)
		st_fail(st, cause, "find the account's special folders");
	sqlite3_finalize(s);
	return name;
}
