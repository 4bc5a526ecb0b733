/*
 * pane_inbox: the message list of INBOX across all accounts, newest first.
 * One row per message: flags (N unread, ! flagged, @ attachment), date,
 * sender, subject, "R" when a rule's recommendation waits (pane_recos.c
 * accepts or rejects it) and the category badge with its confidence; unread
 * rows in bold.  Columns are cut by display width (utf8_fit), so wide characters
 * never push a row past the edge.  Enter opens the message view (and marks
 * it read, an undoable action like any other).
 *
 * A windowed list (issue 3): the pane keeps only the keys of every row (id,
 * thread id, flags; store_message_keys, read from a covering index in one
 * pass) and light rows for the rows near the screen, read by id
 * (store_messages_by_id) when drawing reaches a row outside them.  Counts,
 * next-unread, tags, threads and triage targets work from the keys alone,
 * so memory and time do not grow with the folder beyond 24 bytes a row.
 *
 * Tags are kept as a sorted set of message ids, so they survive reloads; a
 * limit (unread, flagged, a category, from:TEXT) narrows what the keys query
 * returns, and a search narrows those keys in memory to the ids the FTS index
 * matches (store_search_ids): a search costs an index lookup, not a read of
 * its rows, and lists its matches newest first like the folder (`va search`
 * ranks them).  The thread view (threads.c) maps screen rows to keys; a
 * collapsed thread's row stands for all of its messages when tagged or
 * triaged.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_internal.h"
#include "va/actions.h"
#include "va/app.h"
#include "va/log.h"
#include "va/store.h"
#include "va/util.h"

enum { FLAG_COLS = 3, DATE_COLS = 10, GAP = 1, MIN_SENDER = 16, MAX_SENDER = 28 };

struct inbox {
	struct store_key *keys;   /* every row of the list, in order */
	size_t n;
	struct store_key *all;    /* the list without the search, as last read */
	size_t nall;
	struct message *win;      /* light rows near the screen, by ascending id */
	size_t nwin;
	size_t win_from, win_to;  /* the rows they were read for; equal: none */
	int64_t *tags; /* sorted */
	size_t ntags;
	char *search;  /* NULL: none */
	char *limit;   /* as typed, NULL: none */
	char *from;    /* the limit's from: text */
	const char *category;
	int unread, flagged, owed, waiting;
	int threads;              /* the thread view is on */
	struct thread_row *rows;  /* its rows (threads on) */
	size_t nrows;
	int64_t *open;            /* expanded threads */
	size_t nopen;
	int64_t *recos;           /* sorted: messages of the window with pending recommendations */
	size_t nrecos;
	uint64_t gen;             /* see pane_inbox_gen */
};

static void win_clear(struct inbox *in)
{
	store_messages_free(in->win, in->nwin);
	in->win = NULL;
	in->nwin = in->win_from = in->win_to = 0;
	x_free(&in->recos);
	in->nrecos = 0;
}

static void rows_build(struct inbox *in)
{
	x_free(&in->rows);
	in->nrows = in->threads ? thread_rows(in->keys, in->n, in->open, in->nopen, &in->rows)
	                        : in->n;
	win_clear(in); /* the window is of rows */
}

/* The key of the message on row `row`. */
static struct store_key *row_key(struct inbox *in, size_t row)
{
	return &in->keys[in->rows ? in->rows[row].msg : row];
}

/* > 1 when row is a collapsed thread of that many messages. */
static size_t row_count(const struct inbox *in, size_t row)
{
	return in->rows ? in->rows[row].count : 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* A message with a pending recommendation shows "R" before its badge. */
static int has_reco(const struct inbox *in, int64_t id)
{
	return in->nrecos && bsearch(&id, in->recos, in->nrecos, sizeof(*in->recos), cmp_id);
}

/* Which messages of the window have pending recommendations (errors to the
 * status line). */
static void recos_read(struct pane *p, const int64_t *ids, size_t n)
{
	struct inbox *in = p->data;
	char *cause = NULL;

	if (store_pending_reco_ids(p->ui->app->store, ids, n, &in->recos, &in->nrecos, &cause) < 0) {
		status_error(p->ui, "cannot read pending recommendations: %s", cause ? cause : "?");
		free(cause);
	}
}

static int cmp_msg_id(const void *key, const void *elem)
{
	int64_t x = *(const int64_t *)key, y = ((const struct message *)elem)->id;

	return x < y ? -1 : x > y;
}

/* The light row of message id when it is in the window, else NULL. */
static struct message *win_find(struct inbox *in, int64_t id)
{
	return in->nwin ? bsearch(&id, in->win, in->nwin, sizeof(*in->win), cmp_msg_id) : NULL;
}

/* Read the light rows of a screen above `row` to two screens below it. */
static void win_read(struct pane *p, size_t row)
{
	struct inbox *in = p->data;
	size_t h = p->height > 0 ? (size_t)p->height : 1, i, n;
	size_t from = row > h ? row - h : 0, to = row + 2 * h < in->nrows ? row + 2 * h : in->nrows;
	int64_t *ids = xmalloc((to - from + 1) * sizeof(*ids));
	char *cause = NULL;
	int64_t t0 = ui_now_us();

	win_clear(in);
	for (i = from; i < to; i++)
		ids[i - from] = row_key(in, i)->id;
	if (store_messages_by_id(p->ui->app->store, ids, to - from, &in->win, &n, &cause) < 0) {
		status_error(p->ui, "cannot read the messages to show: %s", cause ? cause : "?");
		free(cause);
		n = 0;
	}
	recos_read(p, ids, to - from);
	in->nwin = n;
	in->win_from = from;
	in->win_to = to;
	free(ids);
	log_debug("inbox: rows %zu-%zu read in %.2f ms", from, to,
	          (double)(ui_now_us() - t0) / 1000);
}

/* The light row drawn on `row`, read with its neighbours when it is not in
 * the window; NULL when the message is no longer stored. */
static struct message *row_light(struct pane *p, size_t row)
{
	struct inbox *in = p->data;
	int64_t id = row_key(in, row)->id;
	struct message *m = win_find(in, id);

	if (!m && (row < in->win_from || row >= in->win_to)) {
		win_read(p, row);
		m = win_find(in, id);
	}
	return m;
}

static int tagged(const struct inbox *in, int64_t id)
{
	return in->ntags && bsearch(&id, in->tags, in->ntags, sizeof(*in->tags), cmp_id) != NULL;
}

/* Tag (on) or untag id. */
static void tag_set(struct inbox *in, int64_t id, int on)
{
	int64_t *at;

	if (tagged(in, id) == on)
		return;
	if (on) {
		in->tags = xrealloc(in->tags, (in->ntags + 1) * sizeof(*in->tags));
		in->tags[in->ntags++] = id;
		qsort(in->tags, in->ntags, sizeof(*in->tags), cmp_id);
		return;
	}
	at = bsearch(&id, in->tags, in->ntags, sizeof(*in->tags), cmp_id);
	memmove(at, at + 1, (size_t)(in->tags + in->ntags - at - 1) * sizeof(*at));
	in->ntags--;
}

static size_t inbox_rows(struct pane *p)
{
	return ((struct inbox *)p->data)->nrows;
}

/* "14:03" today, "Nov 24" this year, "2025-11-24" before. */
static void format_date(int64_t when, char *buf, size_t len)
{
	time_t t = (time_t)when, now = time(NULL);
	struct tm tm, today;

	if (when <= 0 || !localtime_r(&t, &tm) || !localtime_r(&now, &today)) {
		snprintf(buf, len, "-");
		return;
	}
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, len, "%H:%M", &tm);
	else if (tm.tm_year == today.tm_year)
		strftime(buf, len, "%b %d", &tm);
	else
		strftime(buf, len, "%Y-%m-%d", &tm);
}

static void format_flags(const struct message *m, int tag, char buf[FLAG_COLS + 1])
{
	buf[0] = tag ? '*' : (m->flags & MSG_SEEN) ? ' ' : 'N';
	buf[1] = (m->flags & MSG_FLAGGED) ? '!' : ' ';
	buf[2] = (m->attach_count > 0 || m->natt > 0) ? '@' : ' ';
	buf[3] = '\0';
}

/* "[spam 92%]", "[spam]", or NULL when unclassified.  Caller frees. */
static char *format_badge(const struct message *m)
{
	if (!m->category || !*m->category)
		return NULL;
	if (m->confidence >= 0)
		return xasprintf("[%s %d%%]", m->category, m->confidence);
	return xasprintf("[%s]", m->category);
}

static int sender_cols(int width)
{
	int w = width / 5;

	return w < MIN_SENDER ? MIN_SENDER : w > MAX_SENDER ? MAX_SENDER : w;
}

/* Role of a column: the selection wins, unread adds bold. */
static attr_t cell_attr(struct pane *p, enum role r, int selected, int unread)
{
	attr_t a = theme_attr(&p->ui->theme, selected ? ROLE_INBOX_SELECTED : r);

	return unread ? a | theme_attr(&p->ui->theme, ROLE_INBOX_UNREAD) | A_BOLD : a;
}

/* The subject cell: "(3) subject" for a collapsed thread, indented replies. */
static char *subject_text(const struct inbox *in, size_t row, const struct message *m)
{
	const char *subj = m->subject && *m->subject ? m->subject : "(no subject)";

	if (row_count(in, row) > 1)
		return xasprintf("(%zu) %s", row_count(in, row), subj);
	if (in->rows && in->rows[row].depth)
		return xasprintf("  \xe2\x86\xb3 %s", subj);
	return xstrdup(subj);
}

/* A row whose message went from the store since the list was read. */
static void draw_gone(struct pane *p, WINDOW *w, int y, int selected)
{
	if (selected)
		mvwhline(w, y, 0, ' ' | theme_attr(&p->ui->theme, ROLE_INBOX_SELECTED), p->width);
	ui_put(w, y, FLAG_COLS + GAP, "(this message is no longer in the store)",
	       p->width - FLAG_COLS - GAP, cell_attr(p, ROLE_NOTICE, selected, 0));
}

static void inbox_draw_row(struct pane *p, WINDOW *w, int y, size_t row, int selected)
{
	struct inbox *in = p->data;
	const struct message *m = row_light(p, row);
	char *subject;
	int unread, x = 0, sw = sender_cols(p->width);
	int bw, subject_w;
	char flags[FLAG_COLS + 1], date[64], *badge;
	const char *sender;
	int reco;

	if (!m) {
		draw_gone(p, w, y, selected);
		return;
	}
	subject = subject_text(in, row, m);
	unread = !(m->flags & MSG_SEEN);
	badge = format_badge(m);
	sender = m->from_name && *m->from_name ? m->from_name : m->from_addr;
	reco = has_reco(in, m->id);
	format_flags(m, tagged(in, m->id), flags);
	format_date(m->date, date, sizeof date);
	bw = badge ? (int)utf8_width(badge) : 0;
	subject_w = p->width - (FLAG_COLS + DATE_COLS + sw + 3 * GAP) - (badge ? bw + GAP : 0) -
	            (reco ? 1 + GAP : 0);
	if (selected)
		mvwhline(w, y, 0, ' ' | theme_attr(&p->ui->theme, ROLE_INBOX_SELECTED), p->width);
	ui_put(w, y, x, flags, FLAG_COLS, cell_attr(p, ROLE_INBOX_FLAGS, selected, 0));
	x += FLAG_COLS + GAP;
	ui_put(w, y, x, date, DATE_COLS, cell_attr(p, ROLE_INBOX_DATE, selected, 0));
	x += DATE_COLS + GAP;
	ui_put(w, y, x, sender ? sender : "(no sender)", sw,
	       cell_attr(p, ROLE_INBOX_SENDER, selected, unread));
	x += sw + GAP;
	ui_put(w, y, x, subject, subject_w, cell_attr(p, ROLE_INBOX_ROW, selected, unread));
	free(subject);
	if (reco)
		ui_put(w, y, p->width - bw - (badge ? GAP : 0) - 1, "R", 1,
		       cell_attr(p, ROLE_NOTICE, selected, 0) | A_BOLD);
	if (badge)
		ui_put(w, y, p->width - bw, badge, bw,
		       cell_attr(p, theme_category_role(m->category), selected, 0));
	free(badge);
}

/* The list without the search (when one narrows it) sees a read flag too. */
static void all_set_seen(struct inbox *in, int64_t id)
{
	size_t i;

	for (i = 0; in->keys != in->all && i < in->nall; i++)
		if (in->all[i].id == id) {
			in->all[i].flags |= MSG_SEEN;
			return;
		}
}

/* Opening a message reads it: an action (undoable), reflected in the row. */
static void mark_read(struct pane *p, struct message *m)
{
	struct inbox *in = p->data;
	struct message *light;
	struct action_outcome o;
	char *cause = NULL;

	if (action_apply(p->ui->app, &m->id, 1, ACT_READ, NULL, &o, &cause) < 0) {
		status_error(p->ui, "cannot mark message %" PRId64 " read: %s", m->id,
		             cause ? cause : "?");
		free(cause);
		return;
	}
	action_outcome_release(&o);
	m->flags |= MSG_SEEN;
	row_key(in, p->sel)->flags |= MSG_SEEN;
	all_set_seen(in, m->id);
	in->gen++; /* a reload asked for before this may not have it */
	if ((light = win_find(in, m->id)) != NULL)
		light->flags |= MSG_SEEN;
	if (p->ui->unread)
		p->ui->unread--;
}

static void inbox_open(struct pane *p)
{
	struct inbox *in = p->data;
	struct message m;
	char *cause = NULL;
	int64_t id;
	int rc;

	if (in->nrows == 0)
		return;
	id = row_key(in, p->sel)->id;
	message_init(&m);
	rc = inbox_show(p->ui->app, id, &m, &cause);
	if (rc == 0 && !(m.flags & MSG_SEEN))
		mark_read(p, &m);
	if (rc == 0)
		ui_open_view(p->ui, pane_message_new(p->ui, &m));
	else if (rc == 1)
		status_error(p->ui, "cannot open message %" PRId64 ": it is no longer in the store",
		             id);
	else
		status_error(p->ui, "cannot open message %" PRId64 ": %s", id, cause ? cause : "?");
	message_release(&m);
	free(cause);
}

static int inbox_tag_thread(struct pane *p);

static int inbox_tag(struct pane *p)
{
	struct inbox *in = p->data;

	int64_t id;

	if (in->nrows == 0)
		return UI_DRAW;
	id = row_key(in, p->sel)->id;
	if (row_count(in, p->sel) > 1)
		return inbox_tag_thread(p);
	tag_set(in, id, !tagged(in, id));
	if (p->sel + 1 < in->nrows)
		p->sel++;
	return UI_DRAW;
}

static int inbox_tag_thread(struct pane *p)
{
	struct inbox *in = p->data;
	size_t i, n = 0;
	int64_t t;

	int64_t id;

	if (in->nrows == 0)
		return UI_DRAW;
	t = row_key(in, p->sel)->thread_id;
	id = row_key(in, p->sel)->id;
	for (i = 0; i < in->n; i++)
		if (in->keys[i].id == id || (t && in->keys[i].thread_id == t)) {
			tag_set(in, in->keys[i].id, 1);
			n++;
		}
	status_info(p->ui, "tagged %zu message%s of this thread", n, n == 1 ? "" : "s");
	return UI_DRAW;
}

static int inbox_untag_all(struct pane *p)
{
	pane_inbox_untag(p);
	status_info(p->ui, "no message is tagged");
	return UI_DRAW;
}

/* The next unread row after the selection, wrapping round. */
static int inbox_next_unread(struct pane *p)
{
	struct inbox *in = p->data;
	size_t i, r;

	for (i = 1; i <= in->nrows; i++) {
		r = (p->sel + i) % in->nrows;
		if (!(row_key(in, r)->flags & MSG_SEEN)) {
			p->sel = r;
			return UI_DRAW;
		}
	}
	status_info(p->ui, "no unread message");
	return UI_DRAW;
}

/* The row showing message id (or, collapsed, its thread t); 0 when none. */
static size_t row_of_msg(struct inbox *in, int64_t id, int64_t t)
{
	size_t i;

	for (i = 0; i < in->nrows; i++)
		if (row_key(in, i)->id == id || (t && row_count(in, i) > 1 && row_key(in, i)->thread_id == t))
			return i;
	return 0;
}

static int inbox_threads(struct pane *p)
{
	struct inbox *in = p->data;
	int64_t id = in->nrows ? row_key(in, p->sel)->id : 0;
	int64_t t = in->nrows ? row_key(in, p->sel)->thread_id : 0;

	in->threads = !in->threads;
	x_free(&in->open);
	in->nopen = 0;
	rows_build(in);
	p->sel = row_of_msg(in, id, t);
	status_info(p->ui, in->threads ? "threads: one line per thread" : "threads: off");
	return UI_DRAW;
}

/* Expand a collapsed thread, or collapse the thread of the selected row. */
static int inbox_collapse(struct pane *p)
{
	struct inbox *in = p->data;
	int64_t t;
	size_t i, j;

	if (!in->threads || in->nrows == 0) {
		status_info(p->ui, "collapse: turn threads on first (%s)", command_name(CMD_THREADS));
		return UI_DRAW;
	}
	t = row_key(in, p->sel)->thread_id;
	for (i = 0; i < in->nopen && in->open[i] != t; i++)
		;
	if (i < in->nopen) {
		in->open[i] = in->open[--in->nopen];
	} else {
		in->open = xrealloc(in->open, (in->nopen + 1) * sizeof(*in->open));
		in->open[in->nopen++] = t;
	}
	rows_build(in);
	for (j = 0; j < in->nrows; j++) /* the selection goes to the thread's first row */
		if (row_key(in, j)->thread_id == t) {
			p->sel = j;
			break;
		}
	return UI_DRAW;
}

static int inbox_open_cmd(struct pane *p)
{
	inbox_open(p);
	return UI_DRAW;
}

static int inbox_command(struct pane *p, enum cmd_id cmd)
{
	static const struct {
		enum cmd_id cmd;
		int (*run)(struct pane *p);
	} cmds[] = {
	    {CMD_OPEN, inbox_open_cmd},           {CMD_TAG, inbox_tag},
	    {CMD_TAG_THREAD, inbox_tag_thread},   {CMD_UNTAG_ALL, inbox_untag_all},
	    {CMD_NEXT_UNREAD, inbox_next_unread}, {CMD_THREADS, inbox_threads},
	    {CMD_COLLAPSE, inbox_collapse},
	};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(cmds); i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].run(p);
	return UI_UNHANDLED;
}

static char *inbox_title(struct pane *p)
{
	struct inbox *in = p->data;

	return xasprintf("%s \xc2\xb7 %s%s%s%s%s%s", p->ui->folder, p->ui->scope,
	                 in->search ? " \xc2\xb7 /" : "", in->search ? in->search : "",
	                 in->limit ? " \xc2\xb7 limit " : "", in->limit ? in->limit : "",
	                 in->ntags ? " \xc2\xb7 tagged" : "");
}

static void keys_drop(struct inbox *in)
{
	if (in->keys != in->all)
		free(in->keys);
	free(in->all);
	in->keys = in->all = NULL;
	in->n = in->nall = 0;
}

static void inbox_free(struct pane *p)
{
	struct inbox *in = p->data;

	win_clear(in);
	keys_drop(in);
	free(in->rows);
	free(in->open);
	free(in->tags);
	free(in->search);
	free(in->limit);
	free(in->from);
	free(in);
}

static const struct pane_ops inbox_ops = {
    .name = "inbox",
    .context = KM_INBOX,
    .cursor = 1,
    .empty = "No messages here.",
    .rows = inbox_rows,
    .draw_row = inbox_draw_row,
    .command = inbox_command,
    .title = inbox_title,
    .free = inbox_free,
};

struct pane *pane_inbox_new(struct ui *ui)
{
	return pane_new(&inbox_ops, ui, xcalloc(1, sizeof(struct inbox)));
}

/* Show keys (n; in->all or an array of the list's own) as the list's rows,
 * counted for the status line. */
static void keys_show(struct pane *p, struct store_key *keys, size_t n)
{
	struct inbox *in = p->data;
	size_t i;

	if (in->keys != in->all && in->keys != keys)
		free(in->keys);
	in->keys = keys;
	in->n = n;
	rows_build(in);
	p->ui->total = n;
	p->ui->unread = 0;
	for (i = 0; i < n; i++)
		p->ui->unread += !(keys[i].flags & MSG_SEEN);
}

/* Copy to out the keys whose id is in ids (nids, ascending); their count.
 * A bitmap of the ids' range when it is not sparse, else a binary search. */
static size_t keys_matching(const struct store_key *keys, size_t n, const int64_t *ids,
                            size_t nids, struct store_key *out)
{
	uint64_t span = nids ? (uint64_t)(ids[nids - 1] - ids[0]) + 1 : 0, off;
	unsigned char *bits = NULL;
	size_t i, m = 0;

	if (nids && span / 8 <= 64 * (n + nids) + 4096) {
		bits = xcalloc(span / 8 + 1, 1);
		for (i = 0; i < nids; i++)
			bits[(ids[i] - ids[0]) / 8] |=
			    (unsigned char)(1u << ((ids[i] - ids[0]) % 8));
	}
	for (i = 0; nids && i < n; i++) {
		off = (uint64_t)(keys[i].id - ids[0]);
		if (bits ? keys[i].id >= ids[0] && off < span && (bits[off / 8] >> (off % 8) & 1)
		         : bsearch(&keys[i].id, ids, nids, sizeof(*ids), cmp_id) != NULL)
			out[m++] = keys[i];
	}
	free(bits);
	return m;
}

/* Narrow the list without the search to what the search matches: ids from
 * the FTS index, order and flags from the keys in memory.  An error leaves
 * the list empty (and says why on the status line). */
static void search_apply(struct pane *p)
{
	struct inbox *in = p->data;
	struct store_key *keys = xmalloc((in->nall ? in->nall : 1) * sizeof(*keys));
	int64_t *ids = NULL, t0 = ui_now_us();
	size_t nids = 0, n;
	char *cause = NULL;

	if (store_search_ids(p->ui->app->store, in->search, &ids, &nids, &cause) < 0) {
		status_error(p->ui, "cannot list the search: %s", cause ? cause : "?");
		free(cause);
	}
	n = keys_matching(in->all, in->nall, ids, nids, keys);
	free(ids);
	keys_show(p, keys, n);
	log_debug("inbox: search of %zu ids kept %zu of %zu rows in %.2f ms", nids, n, in->nall,
	          (double)(ui_now_us() - t0) / 1000);
}

/* Show the list without the search, narrowed by the search if there is one. */
static void list_show(struct pane *p)
{
	struct inbox *in = p->data;

	if (in->search)
		search_apply(p);
	else
		keys_show(p, in->all, in->nall);
}

void pane_inbox_query(struct pane *p, struct store_query *q)
{
	struct inbox *in = p->data;

	memset(q, 0, sizeof(*q));
	q->folder = p->ui->folder;
	q->category = in->category;
	q->from = in->from;
	q->unread = in->unread;
	q->flagged = in->flagged;
	q->owed = in->owed;
	q->waiting = in->waiting;
}

uint64_t pane_inbox_gen(struct pane *p)
{
	return ((struct inbox *)p->data)->gen;
}

void pane_inbox_install(struct pane *p, struct store_key *keys, size_t n)
{
	struct inbox *in = p->data;

	keys_drop(in);
	in->keys = in->all = keys;
	in->n = in->nall = n;
	list_show(p);
}

/* Read the keys of every row again (after any change: flags, moves, new
 * mail); the light rows are read again as they are drawn. */
void pane_inbox_load(struct pane *p)
{
	struct inbox *in = p->data;
	struct store_query q;
	struct store_key *keys = NULL;
	char *cause = NULL;
	size_t n = 0;
	int64_t t0 = ui_now_us();

	pane_inbox_query(p, &q);
	if (store_message_keys(p->ui->app->store, &q, &keys, &n, &cause) < 0) {
		status_error(p->ui, "cannot list %s: %s", p->ui->folder, cause ? cause : "?");
		free(cause);
		return;
	}
	in->gen++;
	log_debug("inbox: %zu keys read in %.2f ms", n, (double)(ui_now_us() - t0) / 1000);
	pane_inbox_install(p, keys, n);
}

/* Every message of thread t (a collapsed row acts on all of them). */
static size_t thread_ids(struct inbox *in, int64_t t, int64_t **ids)
{
	size_t i, n = 0;

	*ids = xmalloc(in->n * sizeof(**ids));
	for (i = 0; i < in->n; i++)
		if (in->keys[i].thread_id == t)
			(*ids)[n++] = in->keys[i].id;
	return n;
}

size_t pane_inbox_targets(struct pane *p, int tagged_only, int64_t **ids, unsigned *flags)
{
	struct inbox *in = p->data;
	size_t i, n = 0;

	*ids = NULL;
	*flags = 0;
	if (!tagged_only) {
		if (in->nrows == 0)
			return 0;
		*flags = row_key(in, p->sel)->flags;
		if (row_count(in, p->sel) > 1)
			return thread_ids(in, row_key(in, p->sel)->thread_id, ids);
		*ids = xmalloc(sizeof(**ids));
		(*ids)[0] = row_key(in, p->sel)->id;
		return 1;
	}
	*ids = xmalloc((in->ntags ? in->ntags : 1) * sizeof(**ids));
	for (i = 0; i < in->n; i++) /* in screen order; the first one decides toggles */
		if (tagged(in, in->keys[i].id)) {
			if (n == 0)
				*flags = in->keys[i].flags;
			(*ids)[n++] = in->keys[i].id;
		}
	return n;
}

size_t pane_inbox_ntagged(struct pane *p)
{
	return ((struct inbox *)p->data)->ntags;
}

void pane_inbox_untag(struct pane *p)
{
	struct inbox *in = p->data;

	x_free(&in->tags);
	in->ntags = 0;
}

int pane_inbox_search(struct pane *p, const char *query)
{
	struct inbox *in = p->data;

	while (query && *query == ' ')
		query++;
	x_free(&in->search);
	if (query && *query)
		in->search = xstrdup(query);
	p->sel = p->top = 0;
	if (!in->all) /* the list without the search is read on every change: narrow it */
		pane_inbox_load(p);
	else
		list_show(p);
	if (in->search)
		status_info(p->ui, "%zu message%s match \"%s\"", in->n, in->n == 1 ? "" : "s",
		            in->search);
	return 0;
}

/* Parse a limit into in; -1 when it is not understood. */
static int limit_parse(struct inbox *in, const char *l)
{
	size_t i;

	in->unread = in->flagged = in->owed = in->waiting = 0;
	in->category = NULL;
	x_free(&in->from);
	if (!l || !*l || !strcmp(l, "all"))
		return 0;
	if (!strcmp(l, "unread") || !strcmp(l, "flagged")) {
		*(l[0] == 'u' ? &in->unread : &in->flagged) = 1;
		return 0;
	}
	if (!strcmp(l, "owed") || !strcmp(l, "waiting")) { /* I owe a reply / I wait for one */
		*(l[0] == 'o' ? &in->owed : &in->waiting) = 1;
		return 0;
	}
	if (str_starts(l, "from:") && l[5]) {
		in->from = xstrdup(l + 5);
		return 0;
	}
	for (i = 0; action_categories[i]; i++)
		if (!strcmp(l, action_categories[i])) {
			in->category = action_categories[i];
			return 0;
		}
	return -1;
}

int pane_inbox_limit(struct pane *p, const char *limit)
{
	struct inbox *in = p->data;
	char *l = xstrdup(limit ? limit : ""), *t = str_trim(l);

	if (limit_parse(in, t) < 0) {
		status_error(p->ui, "cannot limit to \"%s\": use unread, flagged, owed, waiting, a "
		                    "category or from:TEXT",
		             t);
		limit_parse(in, in->limit);
		free(l);
		return -1;
	}
	x_free(&in->limit);
	if (*t && strcmp(t, "all"))
		in->limit = xstrdup(t);
	p->sel = p->top = 0;
	pane_inbox_load(p);
	status_info(p->ui, in->limit ? "%zu message%s: %s" : "%zu message%s%s", in->n,
	            in->n == 1 ? "" : "s", in->limit ? in->limit : "");
	free(l);
	return 0;
}

int64_t pane_inbox_selected(struct pane *p)
{
	struct inbox *in = p->data;

	return in->nrows ? row_key(in, p->sel < in->nrows ? p->sel : in->nrows - 1)->id : 0;
}
