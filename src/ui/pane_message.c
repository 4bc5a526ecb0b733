/*
 * pane_message: one message, read-only: a summary of its headers, the
 * decoded body wrapped to the window by display columns, the attachments and
 * the problems met while parsing it.  The text is rebuilt when the width
 * changes; movement commands scroll it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_internal.h"
#include "va/message.h"
#include "va/util.h"

struct msgview {
	struct message m;
	struct lines text;
	int all_headers; /* the whole header block instead of the summary */
};

static size_t msg_rows(struct pane *p)
{
	return ((struct msgview *)p->data)->text.n;
}

static void msg_draw_row(struct pane *p, WINDOW *w, int y, size_t row, int selected)
{
	const struct line *ln = &((struct msgview *)p->data)->text.v[row];
	const struct theme *t = &p->ui->theme;
	char *label;
	int lw = 0;

	(void)selected;
	if (ln->label) {
		label = xstrndup(ln->text, ln->label);
		lw = (int)utf8_width(label);
		ui_put(w, y, 0, label, lw, theme_attr(t, ROLE_MSG_LABEL));
		free(label);
	}
	ui_put(w, y, lw, ln->text + ln->label, p->width - lw, theme_attr(t, ln->role));
}

static char *human_size(int64_t n)
{
	if (n < 1024)
		return xasprintf("%" PRId64 " B", n);
	if (n < 1024 * 1024)
		return xasprintf("%.1f KiB", (double)n / 1024);
	return xasprintf("%.1f MiB", (double)n / (1024 * 1024));
}

static char *format_from(const struct message *m)
{
	if (m->from_name && *m->from_name && m->from_addr)
		return xasprintf("%s <%s>", m->from_name, m->from_addr);
	return xstrdup(m->from_addr ? m->from_addr : m->from_name);
}

static char *format_when(int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	char buf[64];

	if (when <= 0 || !localtime_r(&t, &tm))
		return xstrdup("(no date)");
	strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M", &tm);
	return xstrdup(buf);
}

static char *format_category(const struct message *m)
{
	if (!m->category)
		return NULL;
	if (m->confidence < 0)
		return xasprintf("%s%s%s", m->category, m->reason ? " \xe2\x80\x94 " : "",
		                 m->reason ? m->reason : "");
	return xasprintf("%s %d%%%s%s", m->category, m->confidence,
	                 m->reason ? " \xe2\x80\x94 " : "", m->reason ? m->reason : "");
}

/* A field whose value is computed (and freed here). */
static void field_take(struct lines *l, const char *label, char *value, int width)
{
	lines_field(l, label, value, width);
	free(value);
}

static void build_headers(struct lines *l, const struct message *m, int width)
{
	char flags[128];

	msg_flags_to_names(m->flags, flags, sizeof flags);
	field_take(l, "From:", format_from(m), width);
	lines_field(l, "To:", m->to, width);
	lines_field(l, "Cc:", m->cc, width);
	field_take(l, "Date:", format_when(m->date), width);
	lines_field(l, "Subject:", m->subject ? m->subject : "(no subject)", width);
	field_take(l, "Folder:",
	           xasprintf("%s/%s", m->account ? m->account : "?", m->folder ? m->folder : "?"),
	           width);
	field_take(l, "Category:", format_category(m), width);
	lines_field(l, "Flags:", flags, width);
	lines_field(l, "Format:", m->body_from_html ? "HTML, shown as text" : NULL, width);
}

static void build_attachments(struct lines *l, const struct message *m, int width)
{
	size_t i;
	char *row, *size;

	if (m->natt == 0)
		return;
	lines_add(l, ROLE_MSG_BODY, "");
	row = xasprintf("Attachments (%zu):", m->natt);
	lines_add(l, ROLE_MSG_LABEL, row);
	free(row);
	for (i = 0; i < m->natt; i++) {
		const struct attachment *a = &m->att[i];
		size = human_size(a->size);
		row = xasprintf("  %zu. %s  %s  %s", i + 1, a->filename ? a->filename : "(no name)",
		                a->mime_type ? a->mime_type : "?", size);
		lines_wrap(l, ROLE_MSG_ATTACHMENT, row, width);
		free(row);
		free(size);
	}
}

static void build_problems(struct lines *l, const struct message *m, int width)
{
	size_t i;
	char *row;

	if (m->nproblems == 0)
		return;
	lines_add(l, ROLE_MSG_BODY, "");
	row = xasprintf("Problems (%zu):", m->nproblems);
	lines_add(l, ROLE_MSG_LABEL, row);
	free(row);
	for (i = 0; i < m->nproblems; i++) {
		row = xasprintf("  ! %s", m->problems[i]);
		lines_wrap(l, ROLE_MSG_PROBLEM, row, width);
		free(row);
	}
}

static void msg_resize(struct pane *p, int width)
{
	struct msgview *v = p->data;

	lines_release(&v->text);
	if (v->all_headers && v->m.headers)
		lines_wrap(&v->text, ROLE_MSG_HEADER, v->m.headers, width);
	else
		build_headers(&v->text, &v->m, width);
	lines_add(&v->text, ROLE_MSG_BODY, "");
	if (v->m.body && *v->m.body)
		lines_wrap(&v->text, ROLE_MSG_BODY, v->m.body, width);
	else
		lines_add(&v->text, ROLE_NOTICE, "(no text in this message)");
	build_attachments(&v->text, &v->m, width);
	build_problems(&v->text, &v->m, width);
}

static char *msg_title(struct pane *p)
{
	const struct message *m = &((struct msgview *)p->data)->m;

	return xstrdup(m->subject && *m->subject ? m->subject : "(no subject)");
}

static void msg_free(struct pane *p)
{
	struct msgview *v = p->data;

	message_release(&v->m);
	lines_release(&v->text);
	free(v);
}

static int msg_command(struct pane *p, enum cmd_id cmd)
{
	struct msgview *v = p->data;

	if (cmd == CMD_SAVE || cmd == CMD_VIEW_ATT)
		return attach_command(p->ui, p, cmd == CMD_VIEW_ATT);
	if (cmd != CMD_HEADERS)
		return UI_UNHANDLED;
	v->all_headers = !v->all_headers;
	p->top = 0;
	msg_resize(p, p->width);
	return UI_DRAW;
}

static const struct pane_ops message_ops = {
    .name = "message",
    .context = KM_MESSAGE,
    .cursor = 0,
    .rows = msg_rows,
    .draw_row = msg_draw_row,
    .command = msg_command,
    .title = msg_title,
    .resize = msg_resize,
    .free = msg_free,
};

struct pane *pane_message_new(struct ui *ui, struct message *m)
{
	struct msgview *v = xcalloc(1, sizeof(*v));

	v->m = *m;
	message_init(m);
	return pane_new(&message_ops, ui, v);
}

int64_t pane_message_id(struct pane *p)
{
	return ((struct msgview *)p->data)->m.id;
}

unsigned pane_message_flags(struct pane *p)
{
	return ((struct msgview *)p->data)->m.flags;
}

void pane_message_set_flags(struct pane *p, unsigned flags)
{
	((struct msgview *)p->data)->m.flags = flags;
	if (p->width > 0)
		msg_resize(p, p->width);
}

const struct message *pane_message_msg(struct pane *p)
{
	return &((struct msgview *)p->data)->m;
}
