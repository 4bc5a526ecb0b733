/*
 * preview: the inbox's split view ([ui] preview, the `preview` command): the
 * list on top, a rule naming the selected message, and that message below
 * in a read-only message pane that follows the selection.  The preview pane
 * is rebuilt only when the selected message changes (or after triage), so
 * moving through the list reads one message per move from the local store.
 */
#include <stdlib.h>

#include "ui_internal.h"
#include "va/app.h"
#include "va/util.h"

enum { LIST_MIN = 8 };

int preview_active(const struct ui *ui)
{
	return ui->preview && !ui->too_small && ui->tab == TAB_INBOX && !ui->view[TAB_INBOX] &&
	       ui->list_win;
}

void preview_release(struct ui *ui)
{
	WINDOW **w[] = {&ui->list_win, &ui->sep_win, &ui->prev_win};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(w); i++)
		if (*w[i]) {
			delwin(*w[i]);
			*w[i] = NULL;
		}
	pane_free(ui->preview_pane);
	ui->preview_pane = NULL;
	ui->preview_id = 0;
}

void preview_layout(struct ui *ui)
{
	int h = LINES - 2, lh = h * 2 / 5;

	preview_release(ui);
	if (!ui->preview || ui->too_small)
		return;
	if (lh < LIST_MIN)
		lh = LIST_MIN;
	ui->list_win = newwin(lh, COLS, 1, 0);
	ui->sep_win = newwin(1, COLS, 1 + lh, 0);
	ui->prev_win = newwin(h - lh - 1, COLS, 2 + lh, 0);
}

void preview_invalidate(struct ui *ui)
{
	ui->preview_id = -1;
}

/* Load the selected message into the preview pane when it changed. */
static void preview_sync(struct ui *ui)
{
	int64_t id = pane_inbox_selected(ui->tabs[TAB_INBOX]);
	struct message m;
	char *cause = NULL;

	if (id == ui->preview_id)
		return;
	pane_free(ui->preview_pane);
	ui->preview_pane = NULL;
	ui->preview_id = id;
	if (id <= 0)
		return;
	message_init(&m);
	if (inbox_show(ui->app, id, &m, &cause) == 0)
		ui->preview_pane = pane_message_new(ui, &m);
	message_release(&m);
	free(cause);
}

void preview_draw(struct ui *ui)
{
	struct pane *list = ui->tabs[TAB_INBOX];
	char *title;

	pane_resize(list, getmaxy(ui->list_win), COLS);
	pane_draw(list, ui->list_win);
	wnoutrefresh(ui->list_win);
	preview_sync(ui);
	werase(ui->sep_win);
	mvwhline(ui->sep_win, 0, 0, ' ' | theme_attr(&ui->theme, ROLE_BAR), COLS);
	title = ui->preview_pane ? pane_title(ui->preview_pane) : xstrdup("no message");
	ui_put(ui->sep_win, 0, 1, title, COLS - 2, theme_attr(&ui->theme, ROLE_BAR_TITLE));
	free(title);
	wnoutrefresh(ui->sep_win);
	werase(ui->prev_win);
	if (ui->preview_pane) {
		pane_resize(ui->preview_pane, getmaxy(ui->prev_win), COLS);
		pane_draw(ui->preview_pane, ui->prev_win);
	}
	wnoutrefresh(ui->prev_win);
}
