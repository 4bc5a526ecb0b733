/*
 * pane_inbox: the message list of INBOX across all accounts, newest first.
 * One row per message: flags (N unread, ! flagged, @ attachment), date,
 * sender, subject and the category badge with its confidence; unread rows in
 * bold.  Columns are cut by display width (utf8_fit), so wide characters
 * never push a row past the edge.  Enter opens the message view.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_internal.h"
#include "va/app.h"
#include "va/util.h"

enum { FLAG_COLS = 3, DATE_COLS = 10, GAP = 1, MIN_SENDER = 16, MAX_SENDER = 28 };

struct inbox {
	struct message *msgs;
	size_t n;
};

static size_t inbox_rows(struct pane *p)
{
	return ((struct inbox *)p->data)->n;
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

static void format_flags(const struct message *m, char buf[FLAG_COLS + 1])
{
	buf[0] = (m->flags & MSG_SEEN) ? ' ' : 'N';
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

static void inbox_draw_row(struct pane *p, WINDOW *w, int y, size_t row, int selected)
{
	const struct message *m = &((struct inbox *)p->data)->msgs[row];
	int unread = !(m->flags & MSG_SEEN), x = 0, sw = sender_cols(p->width);
	int bw, subject_w;
	char flags[FLAG_COLS + 1], date[64], *badge = format_badge(m);
	const char *sender = m->from_name && *m->from_name ? m->from_name : m->from_addr;

	format_flags(m, flags);
	format_date(m->date, date, sizeof date);
	bw = badge ? (int)utf8_width(badge) : 0;
	subject_w = p->width - (FLAG_COLS + DATE_COLS + sw + 3 * GAP) - (badge ? bw + GAP : 0);
	if (selected)
		mvwhline(w, y, 0, ' ' | theme_attr(&p->ui->theme, ROLE_INBOX_SELECTED), p->width);
	ui_put(w, y, x, flags, FLAG_COLS, cell_attr(p, ROLE_INBOX_FLAGS, selected, 0));
	x += FLAG_COLS + GAP;
	ui_put(w, y, x, date, DATE_COLS, cell_attr(p, ROLE_INBOX_DATE, selected, 0));
	x += DATE_COLS + GAP;
	ui_put(w, y, x, sender ? sender : "(no sender)", sw,
	       cell_attr(p, ROLE_INBOX_SENDER, selected, unread));
	x += sw + GAP;
	ui_put(w, y, x, m->subject && *m->subject ? m->subject : "(no subject)", subject_w,
	       cell_attr(p, ROLE_INBOX_ROW, selected, unread));
	if (badge)
		ui_put(w, y, p->width - bw, badge, bw,
		       cell_attr(p, theme_category_role(m->category), selected, 0));
	free(badge);
}

static void inbox_open(struct pane *p)
{
	struct inbox *in = p->data;
	struct message m;
	char *cause = NULL;
	int64_t id;
	int rc;

	if (in->n == 0)
		return;
	id = in->msgs[p->sel].id;
	message_init(&m);
	rc = inbox_show(p->ui->app, id, &m, &cause);
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

static int inbox_command(struct pane *p, enum cmd_id cmd)
{
	if (cmd != CMD_OPEN)
		return UI_UNHANDLED;
	inbox_open(p);
	return UI_DRAW;
}

static char *inbox_title(struct pane *p)
{
	return xasprintf("%s \xc2\xb7 %s", p->ui->folder, p->ui->scope);
}

static void inbox_free(struct pane *p)
{
	struct inbox *in = p->data;

	store_messages_free(in->msgs, in->n);
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

void pane_inbox_load(struct pane *p)
{
	struct inbox *in = p->data;
	struct store_query q;
	struct message *msgs = NULL;
	char *cause = NULL;
	size_t n = 0, i;

	memset(&q, 0, sizeof q);
	q.folder = p->ui->folder;
	if (inbox_list(p->ui->app, &q, &msgs, &n, &cause) < 0) {
		status_error(p->ui, "cannot list %s: %s", p->ui->folder, cause ? cause : "?");
		free(cause);
		return;
	}
	store_messages_free(in->msgs, in->n);
	in->msgs = msgs;
	in->n = n;
	p->ui->total = n;
	p->ui->unread = 0;
	for (i = 0; i < n; i++)
		p->ui->unread += !(msgs[i].flags & MSG_SEEN);
}
