/*
 * pane_text: a read-only, scrolling text view (help, the messages list, the
 * panes not built yet).  Its lines come from a builder called with the width,
 * so the text rewraps when the window changes size.
 */
#include <stdlib.h>

#include "ui_internal.h"
#include "va/util.h"

struct textview {
	char *title;
	text_build_fn build;
	struct lines text;
};

static size_t text_rows(struct pane *p)
{
	return ((struct textview *)p->data)->text.n;
}

static void text_draw_row(struct pane *p, WINDOW *w, int y, size_t row, int selected)
{
	const struct line *ln = &((struct textview *)p->data)->text.v[row];

	(void)selected;
	ui_put(w, y, 0, ln->text, p->width, theme_attr(&p->ui->theme, ln->role));
}

static void text_resize(struct pane *p, int width)
{
	struct textview *v = p->data;

	lines_release(&v->text);
	v->build(p->ui, &v->text, width);
}

static char *text_title(struct pane *p)
{
	return xstrdup(((struct textview *)p->data)->title);
}

static void text_free(struct pane *p)
{
	struct textview *v = p->data;

	lines_release(&v->text);
	free(v->title);
	free(v);
}

/* One ops table per context: the context decides which bindings apply. */
#define TEXT_OPS(ctx)                                                                              \
	{                                                                                          \
		.name = "text", .context = ctx, .cursor = 0, .rows = text_rows,                    \
		.draw_row = text_draw_row, .title = text_title, .resize = text_resize,             \
		.free = text_free,                                                                 \
	}
static const struct pane_ops text_ops[KM_COUNT] = {
    [KM_GLOBAL] = TEXT_OPS(KM_GLOBAL),
    [KM_INBOX] = TEXT_OPS(KM_INBOX),
    [KM_MESSAGE] = TEXT_OPS(KM_MESSAGE),
    [KM_HELP] = TEXT_OPS(KM_HELP),
    [KM_RULES] = TEXT_OPS(KM_RULES),
    [KM_JOBS] = TEXT_OPS(KM_JOBS),
    [KM_RECOS] = TEXT_OPS(KM_RECOS),
    [KM_TEMPLATES] = TEXT_OPS(KM_TEMPLATES),
    [KM_ANALYSIS] = TEXT_OPS(KM_ANALYSIS),
};

struct pane *pane_text_new(struct ui *ui, const char *title, enum km_context ctx,
                           text_build_fn build)
{
	struct textview *v = xcalloc(1, sizeof(*v));

	v->title = xstrdup(title);
	v->build = build;
	if (ctx >= KM_COUNT || !text_ops[ctx].rows) /* a context added without its row here */
		ctx = KM_GLOBAL;
	return pane_new(&text_ops[ctx], ui, v);
}
