/*
 * pane: the one generic list widget (STYLE 5).  A pane supplies rows and
 * draws one row at a time (struct pane_ops); this file owns the selection,
 * the scroll position and the movement commands, so every pane moves the
 * same way.  Panes without a cursor (text views) scroll instead.
 */
#include <limits.h>
#include <stdlib.h>

#include "ui_internal.h"
#include "va/util.h"

struct pane *pane_new(const struct pane_ops *ops, struct ui *ui, void *data)
{
	struct pane *p = xcalloc(1, sizeof(*p));

	p->ops = ops;
	p->ui = ui;
	p->data = data;
	return p;
}

void pane_free(struct pane *p)
{
	if (!p)
		return;
	if (p->ops->free)
		p->ops->free(p);
	free(p);
}

char *pane_title(struct pane *p)
{
	return p->ops->title ? p->ops->title(p) : xstrdup(p->ops->name);
}

void ui_put(WINDOW *w, int y, int x, const char *s, int cols, attr_t attr)
{
	char *fit;

	if (cols <= 0)
		return;
	fit = utf8_fit(s, (size_t)cols, 1);
	wattrset(w, attr);
	mvwaddstr(w, y, x, fit);
	wattrset(w, A_NORMAL);
	free(fit);
}

/* The largest valid first row: the last page is full when there are enough rows. */
static size_t max_top(struct pane *p, size_t rows)
{
	size_t h = p->height > 0 ? (size_t)p->height : 1;

	return rows > h ? rows - h : 0;
}

/* Keep sel inside the rows and on screen (cursor panes) or top in range. */
static void pane_clamp(struct pane *p)
{
	size_t rows = p->ops->rows(p), h = p->height > 0 ? (size_t)p->height : 1;

	if (!p->ops->cursor) {
		if (p->top > max_top(p, rows))
			p->top = max_top(p, rows);
		return;
	}
	if (rows == 0) {
		p->sel = p->top = 0;
		return;
	}
	if (p->sel >= rows)
		p->sel = rows - 1;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + h)
		p->top = p->sel - h + 1;
	if (p->top > max_top(p, rows))
		p->top = max_top(p, rows);
}

void pane_resize(struct pane *p, int height, int width)
{
	int rewrap = width != p->width;

	p->height = height;
	p->width = width;
	if (rewrap && p->ops->resize)
		p->ops->resize(p, width);
	pane_clamp(p);
}

void pane_draw(struct pane *p, WINDOW *w)
{
	size_t rows, i;
	int y;

	pane_clamp(p);
	rows = p->ops->rows(p);
	werase(w);
	if (rows == 0 && p->ops->empty)
		ui_put(w, 0, 1, p->ops->empty, p->width - 1,
		       theme_attr(&p->ui->theme, ROLE_NOTICE));
	for (y = 0, i = p->top; y < p->height && i < rows; y++, i++)
		p->ops->draw_row(p, w, y, i, p->ops->cursor && i == p->sel);
}

/* Move by delta rows (negative: up), saturating at both ends. */
static void pane_move(struct pane *p, long delta)
{
	size_t *pos = p->ops->cursor ? &p->sel : &p->top;
	size_t rows = p->ops->rows(p);
	size_t last = p->ops->cursor ? (rows ? rows - 1 : 0) : max_top(p, rows);

	if (delta < 0)
		*pos = (size_t)-delta > *pos ? 0 : *pos - (size_t)-delta;
	else
		*pos = *pos + (size_t)delta > last ? last : *pos + (size_t)delta;
	pane_clamp(p);
}

enum move_unit { MOVE_ROW, MOVE_PAGE, MOVE_HALF, MOVE_END };

/* The movement commands every pane gets. */
static const struct {
	enum cmd_id cmd;
	int sign;
	enum move_unit unit;
} moves[] = {
    {CMD_NEXT, 1, MOVE_ROW},      {CMD_PREV, -1, MOVE_ROW},      {CMD_PAGE_DOWN, 1, MOVE_PAGE},
    {CMD_PAGE_UP, -1, MOVE_PAGE}, {CMD_HALF_DOWN, 1, MOVE_HALF}, {CMD_HALF_UP, -1, MOVE_HALF},
    {CMD_BOTTOM, 1, MOVE_END},    {CMD_TOP, -1, MOVE_END},
};

static long move_rows(const struct pane *p, enum move_unit unit)
{
	long h = p->height > 1 ? p->height : 1;

	switch (unit) {
	case MOVE_PAGE: return h;
	case MOVE_HALF: return h / 2 > 0 ? h / 2 : 1;
	case MOVE_END: return LONG_MAX / 2;
	default: return 1;
	}
}

int pane_command(struct pane *p, enum cmd_id cmd)
{
	size_t i;
	int flags = p->ops->command ? p->ops->command(p, cmd) : UI_UNHANDLED;

	if (!(flags & UI_UNHANDLED))
		return flags;
	for (i = 0; i < VA_ARRAY_LEN(moves); i++) {
		if (moves[i].cmd != cmd)
			continue;
		pane_move(p, moves[i].sign * move_rows(p, moves[i].unit));
		return UI_DRAW;
	}
	return UI_UNHANDLED;
}
