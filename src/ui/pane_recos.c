/*
 * pane_recos: pending recommendations (rules in "recommend" mode).
 *
 * Two ways in.  In the inbox or a message, accept and reject act on every
 * pending recommendation of the selected (or shown) message; the inbox marks
 * such rows.  `recommendations` opens an overlay listing all of them
 * (message subject, action, rule, why) where accept and reject act on the
 * selected row.  Accepting runs the action (rules_accept: origin user,
 * undoable); the inbox is read again after either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/app.h"
#include "va/rules_run.h"
#include "va/util.h"

enum { SUBJECT_MIN = 16, ACTION_COLS = 12, RULE_COLS = 20 };

struct recos {
	struct store_reco *v;
	size_t n;
};

/* "Junk" from {"folder":"Junk"}: the values of a flat JSON object, or the
 * text itself; NULL for none.  Caller frees. */
static char *args_text(const char *args)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p, *end;
	size_t len;

	sb_init(&sb);
	for (p = args ? strstr(args, "\":") : NULL; p; p = strstr(end, "\":")) {
		p += 2 + strspn(p + 2, " ");
		if (*p == '"') {
			p++;
			len = strcspn(p, "\"");
		} else {
			len = strcspn(p, ",}");
		}
		if (sb.len)
			sb_addc(&sb, ' ');
		sb_add(&sb, p, len);
		end = p + len;
	}
	if (sb.len == 0 && args && *args && *args != '{')
		sb_adds(&sb, args);
	if (sb.len == 0) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

/* "archive", "move Junk"; caller frees. */
static char *action_text(const struct store_reco *r)
{
	char *a = args_text(r->args), *t;

	t = a ? xasprintf("%s %s", r->action, a) : xstrdup(r->action);
	free(a);
	return t;
}

static int is_move(const char *action)
{
	return !strcmp(action, "archive") || !strcmp(action, "move") || !strcmp(action, "trash");
}

/* The inbox (and the preview) after a decision. */
static void inbox_changed(struct ui *ui)
{
	if (ui->tabs[TAB_INBOX]) {
		pane_inbox_load(ui->tabs[TAB_INBOX]);
		preview_invalidate(ui);
	}
}

/* Accept or reject one recommendation: 0 done, 1 no longer pending, -1
 * (with a status error). */
static int decide(struct ui *ui, const struct store_reco *r, int accept)
{
	char *cause = NULL;
	int rc =
	    accept ? rules_accept(ui->app, r->id, &cause) : rules_reject(ui->app, r->id, &cause);

	if (rc < 0)
		status_error(ui, "cannot %s recommendation %lld (%s): %s",
		             accept ? "accept" : "reject", (long long)r->id, r->action,
		             cause ? cause : "?");
	free(cause);
	return rc;
}

/* ---- in the inbox and the message view ---- */

/* The message accept/reject act on: the one shown, else the selected row. */
static int64_t target_message(struct ui *ui, int *shown)
{
	struct pane *v = ui->tab == TAB_INBOX ? ui->view[TAB_INBOX] : NULL;

	*shown = v != NULL;
	if (ui->tab != TAB_INBOX || !ui->tabs[TAB_INBOX])
		return 0;
	return v ? pane_message_id(v) : pane_inbox_selected(ui->tabs[TAB_INBOX]);
}

/* The message view after a decision: closed when the message moved away,
 * else shown again with what changed. */
static void view_changed(struct ui *ui, int64_t id, int moved)
{
	struct message m;
	char *cause = NULL;

	if (moved) {
		ui_close_top(ui);
		return;
	}
	message_init(&m);
	if (inbox_show(ui->app, id, &m, &cause) == 0)
		ui_open_view(ui, pane_message_new(ui, &m));
	message_release(&m);
	free(cause);
}

/* "accepted 2 recommendations: archive, flag (rule x)". */
static int decide_message(struct ui *ui, int accept)
{
	const char *verb = accept ? "accept" : "reject";
	struct store_reco *v = NULL;
	struct strbuf what = STRBUF_INIT;
	size_t n = 0, i, done = 0;
	int shown, moved = 0;
	int64_t id = target_message(ui, &shown);
	char *cause = NULL, *t;

	if (ui->overlay) /* :accept typed over help: the view below is what changes */
		ui_close_top(ui);
	if (id <= 0) {
		status_info(ui, "%s: select a message in the inbox", verb);
		return UI_DRAW;
	}
	if (store_reco_list(ui->app->store, "pending", id, 0, &v, &n, &cause) < 0) {
		status_error(ui, "cannot read the recommendations of message %lld: %s",
		             (long long)id, cause ? cause : "?");
		free(cause);
		return UI_DRAW;
	}
	if (n == 0) {
		status_info(ui, "%s: message %lld has no pending recommendation", verb,
		            (long long)id);
		return UI_DRAW;
	}
	sb_init(&what);
	for (i = 0; i < n; i++) {
		if (decide(ui, &v[i], accept) != 0)
			continue;
		done++;
		moved |= accept && is_move(v[i].action);
		t = action_text(&v[i]);
		sb_addf(&what, "%s%s (%s)", what.len ? ", " : "", t, v[i].rule ? v[i].rule : "?");
		free(t);
	}
	if (done)
		status_info(ui, "%sed %zu recommendation%s: %s", verb, done, done == 1 ? "" : "s",
		            what.buf);
	sb_release(&what);
	store_recos_free(v, n);
	inbox_changed(ui);
	if (shown && done)
		view_changed(ui, id, moved);
	return UI_DRAW;
}

int recos_accept_message(struct ui *ui)
{
	return decide_message(ui, 1);
}

int recos_reject_message(struct ui *ui)
{
	return decide_message(ui, 0);
}

/* ---- the list ---- */

static void recos_reload(struct pane *p)
{
	struct recos *rc = p->data;
	struct store_reco *v = NULL;
	size_t n = 0;
	char *cause = NULL;

	if (store_reco_list(p->ui->app->store, "pending", 0, 0, &v, &n, &cause) < 0) {
		status_error(p->ui, "cannot list recommendations: %s", cause ? cause : "?");
		free(cause);
		return;
	}
	store_recos_free(rc->v, rc->n);
	rc->v = v;
	rc->n = n;
}

static size_t recos_rows(struct pane *p)
{
	return ((struct recos *)p->data)->n;
}

/* "subject  action  rule  why", the subject taking what the others leave. */
static void recos_draw_row(struct pane *p, WINDOW *w, int y, size_t row, int selected)
{
	const struct store_reco *r = &((struct recos *)p->data)->v[row];
	attr_t a = theme_attr(&p->ui->theme, selected ? ROLE_INBOX_SELECTED : ROLE_INBOX_ROW);
	int why_w = p->width / 4, x = 0;
	int subj_w = p->width - ACTION_COLS - RULE_COLS - why_w - 3;
	char *act = action_text(r);

	if (subj_w < SUBJECT_MIN) {
		why_w -= SUBJECT_MIN - subj_w;
		subj_w = SUBJECT_MIN;
	}
	if (selected)
		mvwhline(w, y, 0, ' ' | a, p->width);
	ui_put(w, y, x, r->subject ? r->subject : "(message gone)", subj_w, a);
	x += subj_w + 1;
	ui_put(w, y, x, act, ACTION_COLS, a | A_BOLD);
	x += ACTION_COLS + 1;
	ui_put(w, y, x, r->rule ? r->rule : "-", RULE_COLS,
	       selected ? a : theme_attr(&p->ui->theme, ROLE_INBOX_SENDER));
	x += RULE_COLS + 1;
	ui_put(w, y, x, r->reason ? r->reason : "", p->width - x,
	       selected ? a : theme_attr(&p->ui->theme, ROLE_INBOX_DATE));
	free(act);
}

static int recos_decide_row(struct pane *p, int accept)
{
	struct recos *rc = p->data;
	const struct store_reco *r;
	char *act;
	int res;

	if (p->sel >= rc->n) {
		status_info(p->ui, "%s: there is no recommendation", accept ? "accept" : "reject");
		return UI_DRAW;
	}
	r = &rc->v[p->sel];
	res = decide(p->ui, r, accept);
	act = action_text(r);
	if (res == 0)
		status_info(p->ui, "%s %s for \"%s\" (rule %s)", accept ? "accepted" : "rejected",
		            act, r->subject ? r->subject : "?", r->rule ? r->rule : "?");
	else if (res == 1)
		status_info(p->ui, "that recommendation is no longer pending");
	free(act);
	recos_reload(p);
	inbox_changed(p->ui);
	return UI_DRAW;
}

static int recos_command(struct pane *p, enum cmd_id cmd)
{
	struct recos *rc = p->data;

	switch (cmd) {
	case CMD_ACCEPT: return recos_decide_row(p, 1);
	case CMD_REJECT: return recos_decide_row(p, 0);
	case CMD_REFRESH:
		recos_reload(p);
		status_info(p->ui, "%zu pending recommendation%s", rc->n, rc->n == 1 ? "" : "s");
		return UI_DRAW;
	default: return UI_UNHANDLED;
	}
}

static char *recos_title(struct pane *p)
{
	struct recos *rc = p->data;

	return xasprintf("Recommendations \xc2\xb7 %zu pending", rc->n);
}

static void recos_free(struct pane *p)
{
	struct recos *rc = p->data;

	store_recos_free(rc->v, rc->n);
	free(rc);
}

static const struct pane_ops recos_ops = {
    .name = "recommendations",
    .context = KM_RECOS,
    .cursor = 1,
    .empty = "No pending recommendations.",
    .rows = recos_rows,
    .draw_row = recos_draw_row,
    .command = recos_command,
    .title = recos_title,
    .show = recos_reload,
    .free = recos_free,
};

int recos_open(struct ui *ui)
{
	struct pane *p = pane_new(&recos_ops, ui, xcalloc(1, sizeof(struct recos)));

	recos_reload(p);
	ui_open_overlay(ui, p);
	return UI_DRAW;
}
