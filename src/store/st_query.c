/*
 * st_query: reading messages back: one message in full, lists and searches
 * (FTS5, ranked by bm25 with subject and sender weighted up), counts, flag
 * updates, deletion and the per-folder source map used by Maildir rescans.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "va/util.h"

/* Columns read for every row, in this order (see read_row). */
#define LIGHT_COLS                                                                         \
	"m.id, a.name, f.name, m.source, m.message_id, m.in_reply_to, m.thread_id,"           \
	" m.from_name, m.from_addr, m.to_addrs, m.cc_addrs, m.subject, m.date, m.flags,"      \
	" m.keywords, m.n_attachments, m.category, m.confidence, m.reason, m.model, m.size,"  \
	" m.list_id, m.account_id, m.folder_id"
#define FULL_COLS                                                                          \
	LIGHT_COLS ", m.refs, m.reply_to, m.list_unsubscribe, m.precedence, m.auto_submitted," \
	           " m.content_type, m.headers, m.body, m.body_from_html, m.hash, m.problems"
#define JOINS " JOIN accounts a ON a.id = m.account_id JOIN folders f ON f.id = m.folder_id"
#define FROM_JOIN " FROM messages m" JOINS
#define FROM_FTS " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid" JOINS

static void read_light(sqlite3_stmt *s, struct message *m)
{
	char **texts[] = {&m->account, &m->folder, &m->source, &m->message_id, &m->in_reply_to};
	size_t i;

	m->id = sqlite3_column_int64(s, 0);
	for (i = 0; i < VA_ARRAY_LEN(texts); i++)
		*texts[i] = st_column_text(s, 1 + (int)i);
	m->thread_id = sqlite3_column_int64(s, 6);
	m->from_name = st_column_text(s, 7);
	m->from_addr = st_column_text(s, 8);
	m->to = st_column_text(s, 9);
	m->cc = st_column_text(s, 10);
	m->subject = st_column_text(s, 11);
	m->date = sqlite3_column_int64(s, 12);
	m->flags = (unsigned)sqlite3_column_int(s, 13);
	m->keywords = st_column_text(s, 14);
	m->attach_count = sqlite3_column_int(s, 15);
	m->category = st_column_text(s, 16);
	m->confidence = sqlite3_column_type(s, 17) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 17);
	m->reason = st_column_text(s, 18);
	m->model = st_column_text(s, 19);
	m->size = sqlite3_column_int64(s, 20);
	m->list_id = st_column_text(s, 21);
	m->account_id = sqlite3_column_int64(s, 22);
	m->folder_id = sqlite3_column_int64(s, 23);
}

static void read_full(sqlite3_stmt *s, struct message *m)
{
	const char *problems;

	read_light(s, m);
	m->references = st_column_text(s, 24);
	m->reply_to = st_column_text(s, 25);
	m->list_unsubscribe = st_column_text(s, 26);
	m->precedence = st_column_text(s, 27);
	m->auto_submitted = st_column_text(s, 28);
	m->content_type = st_column_text(s, 29);
	m->headers = st_column_text(s, 30);
	m->body = st_column_text(s, 31);
	m->body_from_html = sqlite3_column_int(s, 32);
	m->hash = st_column_text(s, 33);
	problems = (const char *)sqlite3_column_text(s, 34);
	while (problems && *problems) {
		const char *nl = strchr(problems, '\n');
		size_t len = nl ? (size_t)(nl - problems) : strlen(problems);
		message_problem(m, "%.*s", (int)len, problems);
		problems = nl ? nl + 1 : NULL;
	}
}

static int read_attachments(struct store *st, struct message *m, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT part, filename, mime_type, size, content_id FROM attachments"
	                             " WHERE message_id = ? ORDER BY part",
	                             cause);
	struct attachment a;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, m->id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		a.part = sqlite3_column_int(s, 0);
		a.filename = (char *)sqlite3_column_text(s, 1);
		a.mime_type = (char *)sqlite3_column_text(s, 2);
		a.size = sqlite3_column_int64(s, 3);
		a.content_id = (char *)sqlite3_column_text(s, 4);
		message_add_attachment(m, &a);
	}
	sqlite3_finalize(s);
	return 0;
}

int store_message_get(struct store *st, int64_t id, struct message *out, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "SELECT " FULL_COLS FROM_JOIN " WHERE m.id = ?", cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		read_full(s, out);
		sqlite3_finalize(s);
		return read_attachments(st, out, cause);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 1;
	return st_fail(st, cause, "read the message");
}

char *store_message_raw(struct store *st, int64_t id, size_t *len, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT r.raw, m.path FROM messages m LEFT JOIN message_raw r"
	                             " ON r.message_id = m.id WHERE m.id = ?",
	                             cause);
	char *out = NULL, *path = NULL;

	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		set_cause(cause, "no message with id %lld", (long long)id);
	} else if (sqlite3_column_type(s, 0) == SQLITE_BLOB) {
		*len = (size_t)sqlite3_column_bytes(s, 0);
		out = xmalloc(*len + 1);
		memcpy(out, sqlite3_column_blob(s, 0), *len);
		out[*len] = '\0';
	} else if ((path = st_column_text(s, 1)) != NULL) {
		out = file_read(path, len, cause);
	} else {
		set_cause(cause, "message %lld has no stored source", (long long)id);
	}
	free(path);
	sqlite3_finalize(s);
	return out;
}

/* A term for FTS5: quoted (so punctuation is literal), with a prefix star kept. */
static void add_term(struct strbuf *sb, const char *col, const char *w, size_t n)
{
	int prefix = n > 1 && w[n - 1] == '*';
	size_t i;

	if (prefix)
		n--;
	if (sb->len)
		sb_addc(sb, ' ');
	if (col)
		sb_addf(sb, "%s : ", col);
	sb_addc(sb, '"');
	for (i = 0; i < n; i++) {
		if (w[i] == '"')
			sb_addc(sb, '"');
		sb_addc(sb, w[i]);
	}
	sb_addc(sb, '"');
	if (prefix)
		sb_addc(sb, '*');
}

static const char *field_column(const char *w, size_t n, size_t *skip)
{
	static const struct { const char *name; const char *col; } fields[] = {
	    {"from:", "{from_name from_addr}"}, {"to:", "to_addrs"},
	    {"subject:", "subject"},            {"body:", "body"},
	};
	size_t i, len;

	for (i = 0; i < VA_ARRAY_LEN(fields); i++) {
		len = strlen(fields[i].name);
		if (n > len && !strncmp(w, fields[i].name, len)) {
			*skip = len;
			return fields[i].col;
		}
	}
	*skip = 0;
	return NULL;
}

char *store_search_syntax(const char *q)
{
	struct strbuf sb;
	const char *p = q, *col;
	size_t skip;

	sb_init(&sb);
	while (*p) {
		const char *start;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		start = p;
		if (*p == '"') {
			const char *end = strchr(p + 1, '"');
			size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
			add_term(&sb, NULL, p + 1, n);
			p = end ? end + 1 : p + 1 + n;
			if (*p == '*')
				sb_addc(&sb, '*'), p++;
			continue;
		}
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if ((p - start == 2 && !strncmp(start, "OR", 2)) ||
		    (p - start == 3 && (!strncmp(start, "AND", 3) || !strncmp(start, "NOT", 3)))) {
			if (sb.len)
				sb_addf(&sb, " %.*s", (int)(p - start), start);
			continue;
		}
		col = field_column(start, (size_t)(p - start), &skip);
		add_term(&sb, col, start + skip, (size_t)(p - start) - skip);
	}
	/* A dangling operator at the end is dropped rather than a syntax error. */
	while (sb.len && (str_ends(sb.buf, " OR") || str_ends(sb.buf, " AND") || str_ends(sb.buf, " NOT")))
		sb.buf[sb.len -= str_ends(sb.buf, " OR") ? 3 : 4] = '\0';
	return sb_detach(&sb);
}

/* A query under construction: SQL with named parameters and their values. */
struct qbuild {
	struct strbuf sql;
	const char   *fts, *account, *folder, *category, *from;
	int64_t       thread;
};

/* The account and folder filters.  `keys`: as one set of folder ids, so the
 * query reads `messages` alone (from a covering index, without joins). */
static void where_place(struct qbuild *b, const struct store_query *q, int keys)
{
	b->account = q->account;
	b->folder = q->folder;
	if (!q->account && !q->folder)
		return;
	if (keys)
		sb_adds(&b->sql, " AND m.folder_id IN (SELECT f.id FROM folders f"
		                 " JOIN accounts a ON a.id = f.account_id WHERE 1");
	if (q->account)
		sb_adds(&b->sql, " AND a.name = :account");
	if (q->folder)
		sb_adds(&b->sql, " AND f.name = :folder");
	if (keys)
		sb_addc(&b->sql, ')');
}

static void build_where_as(struct qbuild *b, const struct store_query *q, const char *fts,
                           int keys)
{
	sb_adds(&b->sql, " WHERE 1");
	if ((b->fts = fts) != NULL)
		sb_adds(&b->sql, " AND messages_fts MATCH :fts");
	where_place(b, q, keys);
	if (q->category && !strcmp(q->category, "none"))
		sb_adds(&b->sql, " AND m.category IS NULL");
	else if ((b->category = q->category) != NULL)
		sb_adds(&b->sql, " AND m.category = :category");
	if ((b->from = q->from) != NULL)
		sb_adds(&b->sql, " AND (instr(lower(m.from_addr), lower(:from))"
		                 " OR instr(lower(m.from_name), lower(:from)))");
	if (q->unread)
		sb_adds(&b->sql, " AND (m.flags & 1) = 0");
	if (q->flagged)
		sb_adds(&b->sql, " AND (m.flags & 4) != 0");
	if (q->owed)
		sb_adds(&b->sql,
		        " AND (m.flags & 2) = 0 AND m.list_id IS NULL AND m.list_unsubscribe IS NULL"
		        " AND m.precedence IS NULL AND COALESCE(m.auto_submitted, 'no') = 'no'"
		        " AND COALESCE(m.from_addr, '') NOT GLOB '*no-reply*'"
		        " AND COALESCE(m.from_addr, '') NOT GLOB '*noreply*'"
		        " AND COALESCE(m.from_addr, '') NOT GLOB '*donotreply*'"
		        " AND COALESCE(m.from_addr, '') NOT GLOB 'mailer-daemon@*'"
		        " AND COALESCE(m.from_addr, '') NOT GLOB 'postmaster@*'"
		        " AND COALESCE(m.category, '') NOT IN ('promotional', 'spam')"
		        " AND COALESCE(m.from_addr, '') NOT IN (SELECT lower(email) FROM accounts"
		        "   WHERE email IS NOT NULL)"
		        " AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.thread_id = m.thread_id"
		        "   AND r.date >= m.date AND r.id != m.id AND r.from_addr IN"
		        "   (SELECT lower(email) FROM accounts WHERE email IS NOT NULL))");
	if (q->waiting)
		sb_adds(&b->sql, " AND EXISTS (SELECT 1 FROM followups fu WHERE fu.message_id = m.id"
		                 " AND fu.state = 'waiting')");
	if ((b->thread = q->thread_id) != 0)
		sb_adds(&b->sql, " AND m.thread_id = :thread");
}

static void build_where(struct qbuild *b, const struct store_query *q, const char *fts)
{
	build_where_as(b, q, fts, 0);
}

static void bind_named(sqlite3_stmt *s, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(s, name);

	if (i > 0)
		st_bind_text(s, i, v);
}

static void bind_all(sqlite3_stmt *s, const struct qbuild *b)
{
	int i;

	bind_named(s, ":fts", b->fts);
	bind_named(s, ":account", b->account);
	bind_named(s, ":folder", b->folder);
	bind_named(s, ":category", b->category);
	bind_named(s, ":from", b->from);
	if ((i = sqlite3_bind_parameter_index(s, ":thread")) > 0)
		sqlite3_bind_int64(s, i, b->thread);
}

int store_message_list(struct store *st, const struct store_query *q, struct message **out,
                       size_t *n, char **cause)
{
	struct qbuild b = {STRBUF_INIT, NULL, NULL, NULL, NULL, NULL, 0};
	char *fts = q->search ? store_search_syntax(q->search) : NULL;
	struct message *msgs = NULL;
	size_t cap = 0, count = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if (fts && !*fts) {
		free(fts);
		return 0;
	}
	sb_init(&b.sql);
	sb_adds(&b.sql, fts ? "SELECT " LIGHT_COLS FROM_FTS : "SELECT " LIGHT_COLS FROM_JOIN);
	build_where(&b, q, fts);
	if (fts)
		sb_adds(&b.sql, " ORDER BY bm25(messages_fts, 10.0, 5.0, 5.0, 2.0, 1.0), m.date DESC");
	else
		sb_adds(&b.sql, " ORDER BY m.date DESC, m.id DESC");
	if (q->limit > 0)
		sb_addf(&b.sql, " LIMIT %d OFFSET %d", q->limit, q->offset);
	s = st_prepare(st, b.sql.buf, cause);
	sb_release(&b.sql);
	if (!s) {
		free(fts);
		return -1;
	}
	bind_all(s, &b);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow((void **)&msgs, &cap, count + 1, sizeof(*msgs));
		message_init(&msgs[count]);
		read_light(s, &msgs[count]);
		count++;
	}
	if (rc != SQLITE_DONE) {
		if (fts)
			set_cause(cause, "cannot search for \"%s\": %s", q->search, sqlite3_errmsg(st->db));
		else
			st_fail(st, cause, "list messages");
		sqlite3_finalize(s);
		store_messages_free(msgs, count);
		free(fts);
		return -1;
	}
	sqlite3_finalize(s);
	free(fts);
	*out = msgs;
	*n = count;
	return 0;
}

void store_messages_free(struct message *msgs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		message_release(&msgs[i]);
	free(msgs);
}

int store_message_count(struct store *st, const struct store_query *q, int64_t *count, char **cause)
{
	struct qbuild b = {STRBUF_INIT, NULL, NULL, NULL, NULL, NULL, 0};
	char *fts = q->search ? store_search_syntax(q->search) : NULL;
	sqlite3_stmt *s;
	int rc = -1;

	*count = 0;
	if (fts && !*fts) {
		free(fts);
		return 0;
	}
	sb_init(&b.sql);
	sb_adds(&b.sql, fts ? "SELECT count(*)" FROM_FTS : "SELECT count(*)" FROM_JOIN);
	build_where(&b, q, fts);
	s = st_prepare(st, b.sql.buf, cause);
	sb_release(&b.sql);
	if (s) {
		bind_all(s, &b);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*count = sqlite3_column_int64(s, 0);
			rc = 0;
		} else {
			st_fail(st, cause, "count messages");
		}
		sqlite3_finalize(s);
	}
	free(fts);
	return rc;
}

int store_message_set_flags(struct store *st, int64_t id, unsigned flags, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "UPDATE messages SET flags = ? WHERE id = ?", cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int(s, 1, (int)flags);
	sqlite3_bind_int64(s, 2, id);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "update flags");
	sqlite3_finalize(s);
	return rc;
}

int store_message_set_location(struct store *st, int64_t id, const char *path, unsigned flags,
                               char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "UPDATE messages SET path = ?, flags = ? WHERE id = ?", cause);
	int rc;

	if (!s)
		return -1;
	st_bind_text(s, 1, path);
	sqlite3_bind_int(s, 2, (int)flags);
	sqlite3_bind_int64(s, 3, id);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "update the message");
	sqlite3_finalize(s);
	return rc;
}

int store_message_delete(struct store *st, int64_t id, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "DELETE FROM messages WHERE id = ?", cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : st_fail(st, cause, "delete the message");
	sqlite3_finalize(s);
	return rc;
}

int store_folder_sources(struct store *st, int64_t folder_id, store_source_fn fn, void *arg,
                         char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "SELECT source, path, flags, id FROM messages WHERE folder_id = ?",
	                             cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, folder_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
		   (unsigned)sqlite3_column_int(s, 2), sqlite3_column_int64(s, 3));
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "read the folder");
}

/* 1 when q filters on nothing but folder, account, unread and flagged: the
 * covering indexes answer it alone, so the keys query names them (the
 * planner, without statistics, would rather sort). */
static int keys_plain(const struct store_query *q)
{
	return !q->category && !q->from && !q->owed && !q->waiting && !q->thread_id;
}

/* Searches are listed newest first like the folder, not by rank: the FTS
 * index only selects the rows (bm25 over every hit was most of a search's
 * time), and `sorted` asks the caller to sort them in memory (cheaper than
 * SQLite's temporary b-tree) unless a LIMIT needs the order in SQL. */
static void keys_sql(struct qbuild *b, const struct store_query *q, const char *fts, int *sorted)
{
	int plain = keys_plain(q);

	sb_init(&b->sql);
	if (fts)
		sb_addf(&b->sql, "SELECT m.id, m.flags, m.thread_id, m.date FROM messages_fts"
		                 " JOIN messages m%s ON m.id = messages_fts.rowid",
		        plain ? " INDEXED BY messages_keys" : "");
	else
		sb_addf(&b->sql, "SELECT m.id, m.flags, m.thread_id, m.date FROM messages m%s",
		        plain ? " INDEXED BY messages_list" : "");
	build_where_as(b, q, fts, 1);
	*sorted = !fts || q->limit > 0;
	if (*sorted)
		sb_adds(&b->sql, " ORDER BY m.date DESC, m.id DESC");
	if (q->limit > 0)
		sb_addf(&b->sql, " LIMIT %d OFFSET %d", q->limit, q->offset);
}

/* A key with the date it is listed by, while a search's keys are sorted. */
struct dated_key {
	struct store_key k;
	int64_t date;
};

/* Newest first, then the highest id: the folder's order (messages_list). */
static int cmp_dated(const void *a, const void *b)
{
	const struct dated_key *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? 1 : -1;
	return x->k.id < y->k.id ? 1 : x->k.id > y->k.id ? -1 : 0;
}

static void key_column(sqlite3_stmt *s, struct store_key *k)
{
	k->id = sqlite3_column_int64(s, 0);
	k->flags = (unsigned)sqlite3_column_int(s, 1);
	k->thread_id = sqlite3_column_int64(s, 2);
}

/* Every row of s as keys, in the order they come (`sorted`) or sorted here
 * by cmp_dated; returns the last sqlite3_step's code. */
static int keys_read(sqlite3_stmt *s, int sorted, struct store_key **out, size_t *n)
{
	struct dated_key *d = NULL;
	size_t cap = 0, count = 0, i;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 1024;
			if (sorted)
				*out = xrealloc(*out, cap * sizeof(**out));
			else
				d = xrealloc(d, cap * sizeof(*d));
		}
		if (sorted) {
			key_column(s, &(*out)[count++]);
			continue;
		}
		key_column(s, &d[count].k);
		d[count++].date = sqlite3_column_int64(s, 3);
	}
	*n = count;
	if (sorted || count == 0)
		return rc;
	qsort(d, count, sizeof(*d), cmp_dated);
	*out = xmalloc(count * sizeof(**out));
	for (i = 0; i < count; i++)
		(*out)[i] = d[i].k;
	free(d);
	return rc;
}

int store_message_keys(struct store *st, const struct store_query *q, struct store_key **out,
                       size_t *n, char **cause)
{
	struct qbuild b = {STRBUF_INIT, NULL, NULL, NULL, NULL, NULL, 0};
	char *fts = q->search ? store_search_syntax(q->search) : NULL;
	sqlite3_stmt *s;
	int rc, sorted;

	*out = NULL;
	*n = 0;
	if (fts && !*fts) {
		free(fts);
		return 0;
	}
	keys_sql(&b, q, fts, &sorted);
	s = st_prepare(st, b.sql.buf, cause);
	sb_release(&b.sql);
	if (!s) {
		free(fts);
		return -1;
	}
	bind_all(s, &b);
	rc = keys_read(s, sorted, out, n);
	if (rc != SQLITE_DONE) {
		if (fts)
			set_cause(cause, "cannot search for \"%s\": %s", q->search, sqlite3_errmsg(st->db));
		else
			st_fail(st, cause, "list messages");
		x_free(out);
		*n = 0;
	}
	sqlite3_finalize(s);
	free(fts);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_search_ids(struct store *st, const char *search, int64_t **out, size_t *n,
                     char **cause)
{
	char *fts = store_search_syntax(search ? search : ""), *what;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if (!*fts) {
		free(fts);
		return 0;
	}
	s = st_prepare(st, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid",
	               cause);
	if (!s) {
		free(fts);
		return -1;
	}
	st_bind_text(s, 1, fts);
	what = xasprintf("search for \"%s\"", search);
	rc = st_collect_ids(st, s, out, n, what, cause);
	free(what);
	free(fts);
	return rc;
}

int store_messages_by_id(struct store *st, const int64_t *ids, size_t nids, struct message **out,
                         size_t *n, char **cause)
{
	struct strbuf sql;
	struct message *msgs = NULL;
	size_t i, cap = 0, count = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if (nids == 0)
		return 0;
	sb_init(&sql);
	sb_adds(&sql, "SELECT " LIGHT_COLS FROM_JOIN " WHERE m.id IN (");
	for (i = 0; i < nids; i++)
		sb_addf(&sql, "%s%lld", i ? "," : "", (long long)ids[i]);
	sb_adds(&sql, ") ORDER BY m.id");
	s = st_prepare(st, sql.buf, cause);
	sb_release(&sql);
	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow((void **)&msgs, &cap, count + 1, sizeof(*msgs));
		message_init(&msgs[count]);
		read_light(s, &msgs[count]);
		count++;
	}
	if (rc != SQLITE_DONE) {
		st_fail(st, cause, "read messages");
		sqlite3_finalize(s);
		store_messages_free(msgs, count);
		return -1;
	}
	sqlite3_finalize(s);
	*out = msgs;
	*n = count;
	return 0;
}

int store_pending_reco_ids(struct store *st, const int64_t *ids, size_t nids, int64_t **out,
                           size_t *n, char **cause)
{
	struct strbuf sql;
	size_t i, count = 0;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if (nids == 0)
		return 0;
	sb_init(&sql);
	sb_adds(&sql, "SELECT DISTINCT message_id FROM recommendations WHERE state = 'pending'"
	              " AND message_id IN (");
	for (i = 0; i < nids; i++)
		sb_addf(&sql, "%s%lld", i ? "," : "", (long long)ids[i]);
	sb_adds(&sql, ") ORDER BY message_id");
	s = st_prepare(st, sql.buf, cause);
	sb_release(&sql);
	if (!s)
		return -1;
	*out = xmalloc(nids * sizeof(**out));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && count < nids)
		(*out)[count++] = sqlite3_column_int64(s, 0);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		st_fail(st, cause, "read recommendations");
		sqlite3_finalize(s);
		x_free(out);
		return -1;
	}
	sqlite3_finalize(s);
	*n = count;
	return 0;
}
