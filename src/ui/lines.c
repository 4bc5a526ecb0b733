/*
 * lines: text cut into screen lines by display columns (wide CJK characters
 * count two, combining marks zero), for the message view and the overlays.
 * Every stored line fits its width; control characters become spaces.
 */
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/util.h"

enum { TAB_STOP = 8, LABEL_COLS = 10 };

static struct line *lines_push(struct lines *l, enum role role, char *text)
{
	struct line *ln;

	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	ln = &l->v[l->n++];
	ln->role = role;
	ln->label = 0;
	ln->text = text;
	return ln;
}

void lines_add(struct lines *l, enum role role, const char *text)
{
	lines_push(l, role, xstrdup(text ? text : ""));
}

void lines_release(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The line being filled by the wrapper. */
struct wrap {
	struct lines *l;
	enum role role;
	int width;
	struct strbuf sb;
	int col;
	size_t brk;  /* bytes in sb up to the last blank, 0 for none */
	int brk_col; /* columns up to and including that blank */
	int cont;    /* the line is a wrapped continuation: drop leading blanks */
};

static void wrap_emit(struct wrap *w, size_t len)
{
	size_t end = len;

	while (end > 0 && w->sb.buf[end - 1] == ' ')
		end--;
	lines_push(w->l, w->role, xstrndup(w->sb.buf ? w->sb.buf : "", end));
}

/* The line is full: emit up to the last blank (or all of it) and carry the rest. */
static void wrap_break(struct wrap *w)
{
	char *rest;

	if (w->brk == 0) {
		wrap_emit(w, w->sb.len);
		sb_reset(&w->sb);
		w->col = 0;
		w->cont = 1;
		return;
	}
	wrap_emit(w, w->brk);
	rest = xstrdup(w->sb.buf + w->brk);
	sb_reset(&w->sb);
	sb_adds(&w->sb, rest);
	free(rest);
	w->col -= w->brk_col;
	w->brk = 0;
	w->brk_col = 0;
}

static void wrap_char(struct wrap *w, const char *start, size_t n, unsigned cp)
{
	int cw = cp < 0x20 ? 1 : utf8_cp_width(cp);

	while (w->col > 0 && w->col + cw > w->width)
		wrap_break(w); /* twice at most: at the last blank, then the carried word */
	if (cp == ' ' && w->col == 0 && w->cont)
		return;
	w->cont = 0;
	if (cp < 0x20)
		sb_addc(&w->sb, ' ');
	else
		sb_add(&w->sb, start, n);
	w->col += cw;
	if (cp == ' ') {
		w->brk = w->sb.len;
		w->brk_col = w->col;
	}
}

/* One logical line (no \n) into screen lines. */
static void wrap_line(struct wrap *w, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *start;
	unsigned cp;

	sb_reset(&w->sb);
	w->col = 0;
	w->brk = 0;
	w->brk_col = 0;
	w->cont = 0;
	while (p < end) {
		start = p;
		cp = utf8_next(&p);
		if (cp == '\r')
			continue;
		if (cp == '\t') {
			do
				wrap_char(w, " ", 1, ' ');
			while (w->col % TAB_STOP != 0 && w->col < w->width);
			continue;
		}
		wrap_char(w, start, (size_t)(p - start), cp);
	}
	wrap_emit(w, w->sb.len);
}

void lines_wrap(struct lines *l, enum role role, const char *text, int width)
{
	struct wrap w;
	const char *p = text ? text : "", *nl;

	memset(&w, 0, sizeof w);
	w.l = l;
	w.width = width > 1 ? width : 1;
	sb_init(&w.sb);
	do {
		nl = strchr(p, '\n');
		w.role = role == ROLE_MSG_BODY && *p == '>' ? ROLE_MSG_QUOTE : role;
		wrap_line(&w, p, nl ? (size_t)(nl - p) : strlen(p));
		p = nl ? nl + 1 : NULL;
	} while (p);
	sb_release(&w.sb);
}

void lines_field(struct lines *l, const char *label, const char *value, int width)
{
	struct lines tmp = {NULL, 0, 0};
	char *pad = utf8_fit(label, LABEL_COLS, 1);
	size_t i;

	if (!value || !*value) {
		free(pad);
		return;
	}
	lines_wrap(&tmp, ROLE_MSG_HEADER, value, width - LABEL_COLS);
	for (i = 0; i < tmp.n; i++) {
		struct line *ln =
		    lines_push(l, ROLE_MSG_HEADER,
		               xasprintf("%*s%s", i ? LABEL_COLS : 0, i ? "" : pad, tmp.v[i].text));
		ln->label = i ? 0 : strlen(pad);
	}
	free(pad);
	lines_release(&tmp);
}
