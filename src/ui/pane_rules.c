/*
 * pane_rules: the Rules pane.  One row per loaded rule (on or off, name,
 * mode, trigger, matches so far, file), then one row per error the rule
 * files have (a broken rule is dropped, its error stays visible here).
 *
 * Keys: toggle a rule (rules_set_enabled writes the user's copy of its file;
 * the status line names it), edit its file in $VISUAL/$EDITOR (a shipped
 * default is copied to the user's directory first; curses is suspended while
 * the editor runs; afterwards the rules are read again and the file's errors
 * shown), a dry run over the last 30 days of stored mail (nothing changes),
 * undo the rule's last run, refresh.  The list is read again each time the
 * tab is shown.
 *
 * Also here: the report view, a read-only text of paragraphs given up front
 * that rewrap with the width (the dry run, a rule-file error, a job's runs).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ui_internal.h"
#include "va/actions.h"
#include "va/app.h"
#include "va/rules_run.h"
#include "va/util.h"

enum { MARK_COLS = 3, MODE_COLS = 9, TRIG_COLS = 10, HITS_COLS = 7 };
enum { DRY_RUN_DAYS = 30 };

struct rules_pane {
	struct ruleset rs;
	int64_t *hits;  /* matches so far, per rule */
	char *user_dir; /* the user's rules directory */
};

/* ---- the report view ---- */

struct report {
	char *title;
	struct lines paras; /* one paragraph per entry, unwrapped */
	struct lines text;  /* wrapped for the width */
};

static size_t report_rows(struct pane *p)
{
	return ((struct report *)p->data)->text.n;
}

static void report_draw_row(struct pane *p, WINDOW *w, int y, size_t row, int selected)
{
	const struct line *ln = &((struct report *)p->data)->text.v[row];

	(void)selected;
	ui_put(w, y, 0, ln->text, p->width, theme_attr(&p->ui->theme, ln->role));
}

static void report_resize(struct pane *p, int width)
{
	struct report *r = p->data;
	size_t i;

	lines_release(&r->text);
	for (i = 0; i < r->paras.n; i++)
		lines_wrap(&r->text, r->paras.v[i].role, r->paras.v[i].text, width);
}

static char *report_title(struct pane *p)
{
	return xstrdup(((struct report *)p->data)->title);
}

static void report_free(struct pane *p)
{
	struct report *r = p->data;

	lines_release(&r->paras);
	lines_release(&r->text);
	free(r->title);
	free(r);
}

static const struct pane_ops report_ops = {
    .name = "report",
    .context = KM_HELP,
    .cursor = 0,
    .empty = "Nothing to show.",
    .rows = report_rows,
    .draw_row = report_draw_row,
    .title = report_title,
    .resize = report_resize,
    .free = report_free,
};

struct pane *pane_report_new(struct ui *ui, const char *title, struct lines *paras)
{
	struct report *r = xcalloc(1, sizeof(*r));

	r->title = xstrdup(title);
	r->paras = *paras;
	memset(paras, 0, sizeof(*paras));
	return pane_new(&report_ops, ui, r);
}

/* ---- loading ---- */

static void count_hits(void *arg, const char *key, int64_t count, int64_t extra)
{
	struct rules_pane *rp = arg;
	size_t i;

	(void)extra;
	for (i = 0; i < rp->rs.n; i++)
		if (!strcmp(rp->rs.rules[i].name, key))
			rp->hits[i] = count;
}

/* The selected rule, or NULL (an error row, or no rules). */
static const struct rule *selected_rule(struct pane *p)
{
	struct rules_pane *rp = p->data;

	return p->sel < rp->rs.n ? &rp->rs.rules[p->sel] : NULL;
}

/* The selected error row's text, or NULL. */
static const char *selected_error(struct pane *p)
{
	struct rules_pane *rp = p->data;

	if (p->sel < rp->rs.n || p->sel - rp->rs.n >= rp->rs.nerrors)
		return NULL;
	return rp->rs.errors[p->sel - rp->rs.n];
}

/* Read the rules and their match counts again; the selection stays on the
 * rule of the same name. */
static void rules_reload(struct pane *p)
{
	struct rules_pane *rp = p->data;
	const struct rule *r = selected_rule(p);
	char *keep = r ? xstrdup(r->name) : NULL, *cause = NULL;
	size_t i;

	ruleset_release(&rp->rs);
	memset(&rp->rs, 0, sizeof(rp->rs));
	rules_load(p->ui->app, &rp->rs);
	free(rp->hits);
	rp->hits = xcalloc(rp->rs.n + 1, sizeof(*rp->hits));
	if (store_rule_counts(p->ui->app->store, count_hits, rp, &cause) < 0) {
		status_error(p->ui, "cannot count rule matches: %s", cause ? cause : "?");
		free(cause);
	}
	for (i = 0; keep && i < rp->rs.n; i++)
		if (!strcmp(rp->rs.rules[i].name, keep))
			p->sel = i;
	free(keep);
	free(rp->user_dir);
	rp->user_dir = rules_user_dir(p->ui->app);
}

/* ---- drawing ---- */

/* s with $HOME shown as ~; caller frees. */
static char *home_short(const char *s)
{
	const char *home = getenv("HOME");
	size_t n = home ? strlen(home) : 0;

	if (n > 1 && !strncmp(s, home, n) && s[n] == '/')
		return xasprintf("~%s", s + n);
	return xstrdup(s);
}

/* The last `cols` columns of s, "…" first when cut (a path keeps its file name). */
static char *fit_tail(const char *s, int cols)
{
	const char *p = s;

	if (cols <= 1)
		return xstrdup("");
	if (utf8_width(s) <= (size_t)cols)
		return xstrdup(s);
	while (*p && utf8_width(p) > (size_t)cols - 1)
		utf8_next(&p);
	return xasprintf("\xe2\x80\xa6%s", p);
}

/* err from its file's name on ("x.json:3: ..."): the directory is the
 * pane's business (Enter shows the whole text). */
static const char *error_short(const char *err)
{
	const char *end = strstr(err, ".json:"), *p = end;

	while (p && p > err && p[-1] != '/')
		p--;
	return p ? p : err;
}

static void draw_error_row(struct pane *p, WINDOW *w, int y, const char *err, int selected)
{
	char *s = xasprintf("error  %s", error_short(err));

	ui_put(w, y, 0, s, p->width,
	       theme_attr(&p->ui->theme, selected ? ROLE_INBOX_SELECTED : ROLE_MSG_PROBLEM));
	free(s);
}

/* "on  name  mode  trigger  matches  file"; the file column takes a quarter. */
static void rules_draw_row(struct pane *p, WINDOW *w, int y, size_t row, int selected)
{
	struct rules_pane *rp = p->data;
	const struct rule *r;
	int file_w = p->width / 4, x = 0;
	int name_w = p->width - (MARK_COLS + MODE_COLS + TRIG_COLS + HITS_COLS + 6) - file_w;
	attr_t a = theme_attr(&p->ui->theme, selected ? ROLE_INBOX_SELECTED : ROLE_INBOX_ROW);
	char hits[32], *shortp, *file;

	if (row >= rp->rs.n) {
		draw_error_row(p, w, y, rp->rs.errors[row - rp->rs.n], selected);
		return;
	}
	r = &rp->rs.rules[row];
	if (selected)
		mvwhline(w, y, 0, ' ' | a, p->width);
	ui_put(w, y, x, r->enabled ? "on" : "off", MARK_COLS,
	       r->enabled || selected ? a : theme_attr(&p->ui->theme, ROLE_INBOX_FLAGS));
	x += MARK_COLS + 1;
	ui_put(w, y, x, r->name, name_w, a | (r->enabled ? A_BOLD : 0));
	x += name_w + 1;
	ui_put(w, y, x, r->mode == RM_AUTO ? "auto" : "recommend", MODE_COLS, a);
	x += MODE_COLS + 1;
	ui_put(w, y, x, rule_trigger_name(r->trigger), TRIG_COLS, a);
	x += TRIG_COLS + 1;
	snprintf(hits, sizeof hits, "%*lld", HITS_COLS, (long long)rp->hits[row]);
	ui_put(w, y, x, hits, HITS_COLS, a);
	x += HITS_COLS + 2;
	shortp = home_short(r->file);
	file = fit_tail(shortp, p->width - x);
	ui_put(w, y, x, file, p->width - x,
	       selected ? a : theme_attr(&p->ui->theme, ROLE_INBOX_DATE));
	free(file);
	free(shortp);
}

static size_t rules_rows(struct pane *p)
{
	struct rules_pane *rp = p->data;

	return rp->rs.n + rp->rs.nerrors;
}

static char *rules_title(struct pane *p)
{
	struct rules_pane *rp = p->data;
	size_t i, on = 0;

	for (i = 0; i < rp->rs.n; i++)
		on += rp->rs.rules[i].enabled != 0;
	if (rp->rs.nerrors)
		return xasprintf("%zu rules \xc2\xb7 %zu on \xc2\xb7 %zu error%s", rp->rs.n, on,
		                 rp->rs.nerrors, rp->rs.nerrors == 1 ? "" : "s");
	return xasprintf("%zu rules \xc2\xb7 %zu on", rp->rs.n, on);
}

/* ---- toggle ---- */

/* "turned off: wrote …/rules/x.json", the path cut from the left to what the
 * status line has room for (at most half the width is its left part). */
static void say_written(struct ui *ui, const char *what, const char *path)
{
	char *shortp = home_short(path);
	int room = COLS - COLS / 2 - (int)strlen(what) - 11;
	char *tail = fit_tail(shortp, room > 16 ? room : 16);

	status_info(ui, "%s: wrote %s", what, tail);
	free(tail);
	free(shortp);
}

/* NULL with a notice when the selection is not a rule. */
static const struct rule *rule_or_say(struct pane *p, enum cmd_id cmd)
{
	const struct rule *r = selected_rule(p);

	if (!r)
		status_info(p->ui, "%s: select a rule first", command_name(cmd));
	return r;
}

static int rules_toggle(struct pane *p)
{
	const struct rule *r = rule_or_say(p, CMD_TOGGLE_RULE);
	char *path = NULL, *cause = NULL, *name;
	int on, rc;

	if (!r)
		return UI_DRAW;
	name = xstrdup(r->name);
	on = !r->enabled;
	rc = rules_set_enabled(p->ui->app, name, on, &path, &cause);
	if (rc < 0)
		status_error(p->ui, "cannot %s rule \"%s\": %s", on ? "enable" : "disable", name,
		             cause ? cause : "?");
	else if (rc == 1)
		status_error(p->ui, "cannot %s rule \"%s\": it is no longer there",
		             on ? "enable" : "disable", name);
	else
		say_written(p->ui, on ? "turned on" : "turned off", path);
	rules_reload(p);
	free(path);
	free(cause);
	free(name);
	return UI_DRAW;
}

/* ---- edit ---- */

/* The file an error row names ("FILE:LINE: ..."), or NULL; caller frees. */
static char *error_file(const char *err)
{
	const char *end = strstr(err, ".json:");

	return end ? xstrndup(err, (size_t)(end - err) + 5) : NULL;
}

/* The file to edit for the selection: the user's copy of a rule (made from
 * a shipped default first), or the file an error names.  NULL when none. */
static char *edit_target(struct pane *p)
{
	struct rules_pane *rp = p->data;
	const struct rule *r = selected_rule(p);
	size_t n = strlen(rp->user_dir);
	char *path = NULL, *cause = NULL;

	if (!r) {
		if (selected_error(p) && (path = error_file(selected_error(p))))
			return path;
		status_info(p->ui, "edit: select a rule first");
		return NULL;
	}
	if (!strncmp(r->file, rp->user_dir, n) && r->file[n] == '/')
		return xstrdup(r->file);
	if (rules_set_enabled(p->ui->app, r->name, r->enabled, &path, &cause) != 0) {
		status_error(p->ui, "cannot copy rule \"%s\" to %s: %s", r->name, rp->user_dir,
		             cause ? cause : "it is no longer there");
		free(cause);
		free(path);
		return NULL;
	}
	return path;
}

/* After the editor: the file's errors on the status line (each one also in
 * the messages overlay; the line keeps the first). */
static void edit_report(struct pane *p, const char *path, int status, const char *editor)
{
	struct rules_pane *rp = p->data;
	size_t i, n = strlen(path);
	const char *first = NULL;
	char *shortp, *tail;

	for (i = 0; i < rp->rs.nerrors; i++) {
		if (strncmp(rp->rs.errors[i], path, n) != 0 || rp->rs.errors[i][n] != ':')
			continue;
		status_error(p->ui, "%s", error_short(rp->rs.errors[i]));
		if (!first)
			first = rp->rs.errors[i];
	}
	if (first) {
		free(p->ui->error);
		p->ui->error = xstrdup(error_short(first));
		return;
	}
	shortp = home_short(path);
	tail = fit_tail(shortp, COLS / 2 - 16 > 16 ? COLS / 2 - 16 : 16);
	if (status != 0)
		status_error(p->ui, "editor \"%s\" ended with status %d; no errors in %s", editor,
		             status, tail);
	else
		status_info(p->ui, "no errors in %s", tail);
	free(tail);
	free(shortp);
}

static int rules_edit(struct pane *p)
{
	char *path = edit_target(p), **argv;
	int status;

	if (!path)
		return UI_DRAW;
	argv = ui_editor_argv(path);
	status = ui_run_program(argv, NULL);
	rules_reload(p);
	edit_report(p, path, status, argv[0]);
	ui_argv_free(argv);
	free(path);
	return UI_DRAW | UI_FULL;
}

/* ---- dry run ---- */

struct dry {
	struct lines out;
	int64_t last; /* message of the last step */
	size_t nmsgs; /* messages it matches */
};

static void dry_step(void *arg, const struct rules_step *s)
{
	struct dry *d = arg;
	char *t;

	if (s->message_id != d->last) {
		lines_add(&d->out, ROLE_NORMAL, "");
		t = xasprintf("#%lld  %s", (long long)s->message_id,
		              s->subject && *s->subject ? s->subject : "(no subject)");
		lines_add(&d->out, ROLE_MSG_HEADER, t);
		free(t);
		d->last = s->message_id;
		d->nmsgs++;
	}
	t = xasprintf("    why: %s", s->why ? s->why : "(no condition: every message)");
	lines_add(&d->out, ROLE_NORMAL, t);
	free(t);
	t = xasprintf("    \xe2\x86\x92 %s%s%s: %s", s->action, s->arg ? " " : "",
	              s->arg ? s->arg : "", s->outcome ? s->outcome : "?");
	lines_add(&d->out, ROLE_MSG_LABEL, t);
	free(t);
}

/* The report's first paragraphs: what was run and what was found. */
static void dry_header(struct lines *l, const struct rule *r, size_t nids, size_t nmsgs)
{
	char *t =
	    xasprintf("Dry run of rule \"%s\" (%s, trigger %s) over the %zu stored "
	              "message%s of the last %d days.  Nothing is changed.",
	              r->name, r->mode == RM_AUTO ? "auto" : "recommend",
	              rule_trigger_name(r->trigger), nids, nids == 1 ? "" : "s", DRY_RUN_DAYS);

	lines_add(l, ROLE_HELP_SECTION, t);
	free(t);
	if (!r->enabled)
		lines_add(l, ROLE_NOTICE,
		          "The rule is off: this is what it would do if it were on.");
	t = nmsgs ? xasprintf("%zu message%s match.", nmsgs, nmsgs == 1 ? "" : "s")
	          : xstrdup("No message matches.");
	lines_add(l, ROLE_NOTICE, t);
	free(t);
}

static int rules_dry_run(struct pane *p)
{
	const struct rule *sel = selected_rule(p);
	struct rule one;
	struct ruleset rs;
	struct rules_report rep;
	struct dry d;
	struct lines all;
	int64_t *ids = NULL;
	size_t n = 0, i;
	char *cause = NULL, *title;

	if (!sel) {
		const char *err = selected_error(p);
		if (!err)
			return UI_DRAW;
		memset(&all, 0, sizeof all);
		lines_add(&all, ROLE_MSG_PROBLEM, err);
		lines_add(&all, ROLE_NORMAL, "");
		lines_add(&all, ROLE_NORMAL,
		          "The rule this error is in is not loaded.  Edit the file "
		          "(e) to fix it; it is checked again when the editor ends.");
		ui_open_view(p->ui, pane_report_new(p->ui, "Rule error", &all));
		return UI_DRAW;
	}
	one = *sel; /* a shallow copy, switched on: a dry run shows what it would do */
	one.enabled = 1;
	memset(&rs, 0, sizeof rs);
	rs.rules = &one;
	rs.n = 1;
	memset(&d, 0, sizeof d);
	d.last = -1;
	if (store_rule_candidates(p->ui->app->store, "date_since",
	                          time_now() - (int64_t)DRY_RUN_DAYS * 86400, &ids, &n,
	                          &cause) < 0 ||
	    rules_run(p->ui->app, &rs, one.trigger, ids, n, one.name,
	              RULES_DRY_RUN | RULES_ALL_TRIG, dry_step, &d, &rep, &cause) < 0) {
		status_error(p->ui, "cannot dry-run rule \"%s\": %s", one.name,
		             cause ? cause : "?");
		lines_release(&d.out);
		free(cause);
		free(ids);
		return UI_DRAW;
	}
	memset(&all, 0, sizeof all);
	dry_header(&all, sel, n, d.nmsgs);
	for (i = 0; i < d.out.n; i++)
		lines_add(&all, d.out.v[i].role, d.out.v[i].text);
	lines_release(&d.out);
	title = xasprintf("dry run \xc2\xb7 %s \xc2\xb7 %zu match%s", one.name, d.nmsgs,
	                  d.nmsgs == 1 ? "" : "es");
	ui_open_view(p->ui, pane_report_new(p->ui, title, &all));
	status_info(p->ui, "dry run of \"%s\": %zu of %zu messages match", one.name, d.nmsgs, n);
	free(title);
	free(ids);
	return UI_DRAW;
}

/* ---- undo, refresh ---- */

static int rules_undo(struct pane *p)
{
	const struct rule *r = rule_or_say(p, CMD_UNDO_RULE);
	struct action_outcome o;
	size_t undone;
	char *cause = NULL;
	int rc;

	if (!r)
		return UI_DRAW;
	rc = rules_undo_last(p->ui->app, r->name, &o, &cause);
	undone = rc == 0 ? o.n : 0;
	action_outcome_release(&o);
	if (rc < 0)
		status_error(p->ui, "cannot undo rule \"%s\": %s", r->name, cause ? cause : "?");
	else if (rc == 1)
		status_info(p->ui, "nothing to undo for rule \"%s\"", r->name);
	else
		status_info(p->ui, "undid the last run of \"%s\": %zu action%s", r->name, undone,
		            undone == 1 ? "" : "s");
	if (rc == 0 && p->ui->tabs[TAB_INBOX]) {
		pane_inbox_load(p->ui->tabs[TAB_INBOX]);
		preview_invalidate(p->ui);
	}
	free(cause);
	return UI_DRAW;
}

static int rules_refresh(struct pane *p)
{
	struct rules_pane *rp = p->data;

	rules_reload(p);
	status_info(p->ui, "%zu rules read%s", rp->rs.n,
	            rp->rs.nerrors ? "; the files have errors (listed below the rules)" : "");
	return UI_DRAW;
}

static int rules_command(struct pane *p, enum cmd_id cmd)
{
	static const struct {
		enum cmd_id cmd;
		int (*run)(struct pane *p);
	} cmds[] = {
	    {CMD_TOGGLE_RULE, rules_toggle}, {CMD_EDIT, rules_edit},
	    {CMD_DRY_RUN, rules_dry_run},    {CMD_OPEN, rules_dry_run},
	    {CMD_UNDO_RULE, rules_undo},     {CMD_REFRESH, rules_refresh},
	};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(cmds); i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].run(p);
	return UI_UNHANDLED;
}

static void rules_free(struct pane *p)
{
	struct rules_pane *rp = p->data;

	ruleset_release(&rp->rs);
	free(rp->hits);
	free(rp->user_dir);
	free(rp);
}

static const struct pane_ops rules_ops = {
    .name = "rules",
    .context = KM_RULES,
    .cursor = 1,
    .empty = "No rules: put rule files in the rules directory of your config (see va rules).",
    .rows = rules_rows,
    .draw_row = rules_draw_row,
    .command = rules_command,
    .title = rules_title,
    .show = rules_reload,
    .free = rules_free,
};

struct pane *pane_rules_new(struct ui *ui)
{
	struct pane *p = pane_new(&rules_ops, ui, xcalloc(1, sizeof(struct rules_pane)));

	rules_reload(p);
	return p;
}
