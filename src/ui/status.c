/*
 * status: the bottom line (scope, folder, message and unread counts, then
 * the last error or notice) and the error list behind it.  Every error shown
 * is also logged and kept for the `messages` overlay; the line itself shows
 * the latest one until the next key.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/log.h"
#include "va/util.h"

void errlist_add(struct errlist *e, const char *fmt, ...)
{
	va_list ap;

	e->v = xrealloc(e->v, (e->n + 1) * sizeof(*e->v));
	va_start(ap, fmt);
	e->v[e->n++] = xvasprintf(fmt, ap);
	va_end(ap);
}

void errlist_release(struct errlist *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

void status_error(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	free(ui->error);
	va_start(ap, fmt);
	ui->error = xvasprintf(fmt, ap);
	va_end(ap);
	log_warn("%s", ui->error);
	errlist_add(&ui->log, "%s", ui->error);
}

void status_report(struct ui *ui, const struct errlist *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		status_error(ui, "%s", errs->v[i]);
	if (errs->n > 1) {
		free(ui->error);
		ui->error = xstrdup(errs->v[0]);
	}
}

void status_info(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	free(ui->info);
	va_start(ap, fmt);
	ui->info = xvasprintf(fmt, ap);
	va_end(ap);
}

void status_clear_info(struct ui *ui)
{
	x_free(&ui->info);
	x_free(&ui->error);
}

/* "demo · INBOX · 30 messages · 7 unread" */
static char *status_left(const struct ui *ui)
{
	return xasprintf(" %s \xc2\xb7 %s \xc2\xb7 %zu message%s \xc2\xb7 %zu unread ",
	                 ui->scope ? ui->scope : "-", ui->folder ? ui->folder : "-", ui->total,
	                 ui->total == 1 ? "" : "s", ui->unread);
}

/* " (+2 more: M)" after the error when the log holds others; caller frees. */
static char *status_more(struct ui *ui)
{
	char key[32];
	int k;

	if (ui->log.n <= 1)
		return xstrdup(" ");
	k = keymap_key_for(&ui->keymap, KM_GLOBAL, CMD_MESSAGES);
	return xasprintf(" (+%zu more: %s) ", ui->log.n - 1,
	                 k >= 0 ? key_to_name(k, key, sizeof key) : "see the log");
}

/* The error, cut so that its "(+N more)" stays visible, or the notice. */
static void status_right(struct ui *ui, WINDOW *w, int x, int cols)
{
	char *more, *msg;
	int mw;

	if (!ui->error) {
		msg = ui->info ? xasprintf(" %s ", ui->info) : ui->jobs ? xasprintf(" %s ", ui->jobs) : NULL;
		if (msg)
			ui_put(w, 0, x, msg, cols, theme_attr(&ui->theme, ROLE_STATUS_INFO));
		free(msg);
		return;
	}
	more = status_more(ui);
	mw = (int)utf8_width(more);
	if (mw > cols / 2)
		mw = cols / 2;
	msg = xasprintf(" %s", ui->error);
	ui_put(w, 0, x, msg, cols - mw, theme_attr(&ui->theme, ROLE_STATUS_ERROR));
	ui_put(w, 0, x + cols - mw, more, mw, theme_attr(&ui->theme, ROLE_STATUS_ERROR));
	free(msg);
	free(more);
}

void status_draw(struct ui *ui, WINDOW *w)
{
	int cols = getmaxx(w), lw;
	char *left = status_left(ui);

	werase(w);
	mvwhline(w, 0, 0, ' ' | theme_attr(&ui->theme, ROLE_STATUS), cols);
	lw = (int)utf8_width(left);
	if (lw > cols / 2)
		lw = cols / 2;
	ui_put(w, 0, 0, left, lw, theme_attr(&ui->theme, ROLE_STATUS));
	status_right(ui, w, lw, cols - lw);
	free(left);
}
