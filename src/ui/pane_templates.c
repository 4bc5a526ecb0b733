/*
 * pane_templates: the reply templates (app/replies.c), yours and the
 * shipped ones.  One row per template: approval (approved; "changed" when it
 * was approved and then edited, which revoked it; "error" when it does not
 * parse), automatic or not, its min_confidence, its subject, where it lives.
 *
 * Keys: Enter previews the template rendered for the message selected in the
 * Inbox (exactly what a reply would say, headers included); approve (again:
 * revoke); edit in $VISUAL/$EDITOR (a shipped template is copied to your
 * templates directory first) — an edit revokes the approval, and a parse
 * error is shown; refresh.  The list is read again each time the tab is shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_internal.h"
#include "va/app.h"
#include "va/replies.h"
#include "va/util.h"

enum { MARK_COLS = 8, AUTO_COLS = 4, CONF_COLS = 5 };

struct tmpl_pane {
	struct replies_template *v;
	size_t n;
};

static void tmpl_reload(struct pane *p)
{
	struct tmpl_pane *tp = p->data;
	char *keep = p->sel < tp->n ? xstrdup(tp->v[p->sel].name) : NULL, *cause = NULL;
	size_t i;

	replies_templates_free(tp->v, tp->n);
	tp->v = NULL;
	tp->n = 0;
	if (replies_templates_list(p->ui->app, &tp->v, &tp->n, &cause) < 0) {
		status_error(p->ui, "cannot list the templates: %s", cause ? cause : "?");
		free(cause);
	}
	for (i = 0; keep && i < tp->n; i++)
		if (!strcmp(tp->v[i].name, keep))
			p->sel = i;
	if (p->sel >= tp->n)
		p->sel = tp->n ? tp->n - 1 : 0;
	free(keep);
}

static size_t tmpl_rows(struct pane *p)
{
	return ((struct tmpl_pane *)p->data)->n;
}

static const char *state_of(const struct replies_template *t)
{
	return !t->parsed ? "error" : t->approved ? "approved" : t->changed ? "changed" : "-";
}

static void tmpl_draw_row(struct pane *p, WINDOW *w, int y, size_t row, int selected)
{
	const struct replies_template *t = &((struct tmpl_pane *)p->data)->v[row];
	attr_t a = theme_attr(&p->ui->theme, selected ? ROLE_INBOX_SELECTED : ROLE_INBOX_ROW);
	int name_w = p->width / 5, x = 0, subj_w;
	char conf[16], *s;

	if (selected)
		mvwhline(w, y, 0, ' ' | a, p->width);
	ui_put(w, y, x, state_of(t), MARK_COLS,
	       selected ? a
	       : !t->parsed || t->changed ? theme_attr(&p->ui->theme, ROLE_MSG_PROBLEM)
	                                  : a);
	x += MARK_COLS + 1;
	ui_put(w, y, x, t->name, name_w, a | A_BOLD);
	x += name_w + 1;
	ui_put(w, y, x, t->parsed && t->t.auto_send ? "auto" : "", AUTO_COLS, a);
	x += AUTO_COLS + 1;
	if (t->parsed && t->t.min_confidence > 0)
		snprintf(conf, sizeof conf, "%3d%%", t->t.min_confidence);
	else
		snprintf(conf, sizeof conf, "  -");
	ui_put(w, y, x, conf, CONF_COLS, a);
	x += CONF_COLS + 1;
	subj_w = p->width - x - 10;
	s = t->parsed ? xstrdup(t->t.subject ? t->t.subject : "Re: {{subject}}")
	              : xstrdup(t->error ? t->error : "?");
	ui_put(w, y, x, s, subj_w > 0 ? subj_w : 0, a);
	free(s);
	x += subj_w > 0 ? subj_w + 1 : 0;
	ui_put(w, y, x, t->shipped ? "shipped" : "yours", p->width - x,
	       selected ? a : theme_attr(&p->ui->theme, ROLE_INBOX_DATE));
}

static char *tmpl_title(struct pane *p)
{
	struct tmpl_pane *tp = p->data;
	size_t i, ok = 0;

	for (i = 0; i < tp->n; i++)
		ok += tp->v[i].approved != 0;
	return xasprintf("%zu templates \xc2\xb7 %zu approved", tp->n, ok);
}

static const struct replies_template *selected(struct pane *p)
{
	struct tmpl_pane *tp = p->data;

	if (p->sel < tp->n)
		return &tp->v[p->sel];
	status_info(p->ui, "no template selected");
	return NULL;
}

static int tmpl_approve(struct pane *p)
{
	const struct replies_template *t = selected(p);
	char *cause = NULL, *name;
	int rc;

	if (!t)
		return UI_DRAW;
	name = xstrdup(t->name);
	if (t->approved) {
		rc = replies_template_revoke(p->ui->app, name, &cause);
		if (rc < 0)
			status_error(p->ui, "cannot revoke \"%s\": %s", name, cause ? cause : "?");
		else
			status_info(p->ui, "revoked \"%s\": it no longer sends on its own", name);
	} else if (replies_template_approve(p->ui->app, name, &cause) < 0)
		status_error(p->ui, "cannot approve \"%s\": %s", name, cause ? cause : "?");
	else
		status_info(p->ui, "approved \"%s\" as it is now (an edit revokes it)", name);
	free(cause);
	free(name);
	tmpl_reload(p);
	return UI_DRAW;
}

/* The rendered reply for the Inbox's selected message, as a report view. */
static int tmpl_preview(struct pane *p)
{
	const struct replies_template *t = selected(p);
	struct reply_draft d;
	struct lines l = {NULL, 0, 0};
	int64_t id = p->ui->tabs[TAB_INBOX] ? pane_inbox_selected(p->ui->tabs[TAB_INBOX]) : 0;
	char *cause = NULL, *s, *title;

	if (!t)
		return UI_DRAW;
	if (!t->parsed) {
		s = xasprintf("Template \"%s\" does not parse: %s", t->name, t->error ? t->error : "?");
		lines_add(&l, ROLE_MSG_PROBLEM, s);
		free(s);
	} else if (id <= 0) {
		lines_add(&l, ROLE_NOTICE, "Select a message in the Inbox first: the preview is "
		                           "the reply to that message.");
	} else if (replies_prepare(p->ui->app, id, t->name, &d, &cause) < 0) {
		s = xasprintf("Cannot render \"%s\": %s", t->name, cause ? cause : "?");
		lines_add(&l, ROLE_MSG_PROBLEM, s);
		free(s);
	} else {
		const char *hdr[][2] = {{"From", d.from}, {"To", d.to}, {"Subject", d.subject}};
		size_t i;
		char *body = xstrdup(d.body ? d.body : ""), *line, *save = NULL;

		for (i = 0; i < VA_ARRAY_LEN(hdr); i++) {
			s = xasprintf("%s: %s", hdr[i][0], hdr[i][1] ? hdr[i][1] : "");
			lines_add(&l, ROLE_MSG_HEADER, s);
			free(s);
		}
		s = xasprintf("(%s; %s)", t->approved ? "approved" : "not approved: it only makes drafts",
		              t->t.auto_send ? "automatic when a rule says so" : "manual");
		lines_add(&l, ROLE_NOTICE, s);
		free(s);
		lines_add(&l, ROLE_NORMAL, "");
		for (line = strtok_r(body, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			lines_add(&l, ROLE_MSG_BODY, line);
		free(body);
		reply_draft_release(&d);
	}
	free(cause);
	title = xasprintf("Template %s", t->name);
	ui_open_view(p->ui, pane_report_new(p->ui, title, &l));
	free(title);
	return UI_DRAW;
}

/* A copy of a shipped template in your directory (never over a file). */
static char *own_copy(struct pane *p, const struct replies_template *t)
{
	char *dir = replies_templates_dir(), *path = xasprintf("%s/%s.tmpl", dir, t->name);
	char *text = NULL, *cause = NULL;
	size_t len;

	if (!file_exists(path) &&
	    (mkdir_p(dir, 0700, &cause) < 0 || !(text = file_read(t->path, &len, &cause)) ||
	     file_write_atomic(path, text, len, 0600, &cause) < 0)) {
		status_error(p->ui, "cannot copy \"%s\" to %s: %s", t->name, dir, cause ? cause : "?");
		x_free(&path);
	}
	free(text);
	free(cause);
	free(dir);
	return path;
}

static int tmpl_edit(struct pane *p)
{
	const struct replies_template *t = selected(p);
	char *path, **argv, *name;
	size_t i;
	int status;

	if (!t)
		return UI_DRAW;
	path = t->shipped ? own_copy(p, t) : xstrdup(t->path);
	if (!path)
		return UI_DRAW;
	name = xstrdup(t->name);
	argv = ui_editor_argv(path);
	status = ui_run_program(argv, NULL);
	tmpl_reload(p);
	if (status != 0)
		status_error(p->ui, "%s exited with status %d", argv[0], status);
	for (i = 0; status == 0 && i < ((struct tmpl_pane *)p->data)->n; i++) {
		const struct replies_template *u = &((struct tmpl_pane *)p->data)->v[i];
		if (strcmp(u->name, name))
			continue;
		if (!u->parsed)
			status_error(p->ui, "%s", u->error ? u->error : "the template does not parse");
		else if (u->changed)
			status_info(p->ui, "\"%s\" changed: its approval was revoked (approve it again)",
			            name);
		else
			status_info(p->ui, "\"%s\" saved", name);
	}
	ui_argv_free(argv);
	free(name);
	free(path);
	return UI_DRAW | UI_FULL;
}

static int tmpl_refresh(struct pane *p)
{
	tmpl_reload(p);
	status_info(p->ui, "%zu templates read", ((struct tmpl_pane *)p->data)->n);
	return UI_DRAW;
}

static int tmpl_command(struct pane *p, enum cmd_id cmd)
{
	switch (cmd) {
	case CMD_APPROVE: return tmpl_approve(p);
	case CMD_OPEN: return tmpl_preview(p);
	case CMD_EDIT: return tmpl_edit(p);
	case CMD_REFRESH: return tmpl_refresh(p);
	default: return UI_UNHANDLED;
	}
}

static void tmpl_free(struct pane *p)
{
	struct tmpl_pane *tp = p->data;

	replies_templates_free(tp->v, tp->n);
	free(tp);
}

static const struct pane_ops tmpl_ops = {
    .name = "templates",
    .context = KM_TEMPLATES,
    .cursor = 1,
    .empty = "No templates: put NAME.tmpl files in the templates directory of your config.",
    .rows = tmpl_rows,
    .draw_row = tmpl_draw_row,
    .command = tmpl_command,
    .title = tmpl_title,
    .show = tmpl_reload,
    .free = tmpl_free,
};

struct pane *pane_templates_new(struct ui *ui)
{
	struct pane *p = pane_new(&tmpl_ops, ui, xcalloc(1, sizeof(struct tmpl_pane)));

	tmpl_reload(p);
	return p;
}
