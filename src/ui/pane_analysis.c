/*
 * pane_analysis: the Analysis tab.  Enter (open) asks for a CSV file; a local
 * file up to INLINE_MAX bytes is analysed at once (analysis_run, offline
 * summary: no socket I/O on the UI thread; [analysis] inline_max, 64M), a
 * bigger one or a URL becomes an
 * "analysis" job whose progress (rows, MB/s) the pane shows from the jobs
 * table until it is done, with its report written under the data directory.
 * The same prompt saves the report of the analysis on screen when the name
 * given ends in .html or .md.  refresh analyses the same file again (or reads
 * the job again); cancel-job cancels the job.
 *
 * The pane draws its own layout through the list widget: rows() is the pane
 * height and draw_row(y) draws screen line y: a header, the column list
 * (the selected column highlighted; next/prev/top/bottom move it), a dumb
 * gnuplot chart of the selected column sized to what is left (rendered once
 * per column and size, then cached), and the summary.  Its keys are the
 * "analysis" context's (Enter open, r refresh, x cancel-job by default).
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ui_internal.h"
#include "va/analysis.h"
#include "va/app.h"
#include "va/conf.h"
#include "va/jobs.h"
#include "va/store.h"
#include "va/util.h"

#define INLINE_MAX  ((off_t)64 << 20)
#define SUMMARY_MAX 4 /* lines of summary shown */
#define CHART_MIN   6

struct ana_pane {
	struct analysis *a;
	char *path;       /* the file analysed or being analysed */
	size_t col, ctop; /* selected column, first column listed */
	/* the chart of the selected column, for (ccol, cw, ch) */
	char **chart;
	size_t nchart, capchart;
	char *chart_err;
	size_t ccol;
	int cw, ch;
	/* the summary wrapped to sw columns */
	struct lines sum;
	int sw;
	/* a background job (big files, URLs) */
	int64_t job;
	char *job_state, *job_note, *report;
};

static const char *const help_text[] = {
    "No file analysed yet.",
    "",
    "Enter: pick a CSV file (a path, ~/ works) and analyse it: column types, counts,",
    "  nulls, distinct values, min/max/mean/median, a chart of the selected column",
    "  and a summary.  Files over 64 MB and http(s) URLs run as a background job.",
    "j/k: select a column.  Enter again: analyse another file, or save the report",
    "  of the one on screen by giving a name that ends in .html or .md.",
    "r: analyse the same file again (or read the job again).  x: cancel the job.",
};

/* ---- state ---- */

static void chart_drop(struct ana_pane *ap)
{
	size_t i;

	for (i = 0; i < ap->nchart; i++)
		free(ap->chart[i]);
	free(ap->chart);
	ap->chart = NULL;
	ap->nchart = ap->capchart = 0;
	x_free(&ap->chart_err);
	ap->cw = ap->ch = 0;
}

static void job_drop(struct ana_pane *ap)
{
	ap->job = 0;
	x_free(&ap->job_state);
	x_free(&ap->job_note);
	x_free(&ap->report);
}

static void result_drop(struct ana_pane *ap)
{
	analysis_free(ap->a);
	ap->a = NULL;
	ap->col = ap->ctop = 0;
	chart_drop(ap);
	lines_release(&ap->sum);
	ap->sw = 0;
}

/* ---- running ---- */

static char *expand(const char *text)
{
	const char *home = getenv("HOME");

	while (*text == ' ')
		text++;
	if (text[0] == '~' && (text[1] == '/' || !text[1]) && home)
		return xasprintf("%s%s", home, text + 1);
	return xstrdup(text);
}

static void run_inline(struct pane *p, const char *path)
{
	struct ana_pane *ap = p->data;
	struct analysis_opts o = {.input = path, .header = -1};
	struct analysis *a;
	char *cause = NULL;

	if (analysis_run(p->ui->app, &o, &a, &cause) < 0) {
		status_error(p->ui, "%s", cause ? cause : "analysis failed");
		free(cause);
		return;
	}
	result_drop(ap);
	job_drop(ap);
	ap->a = a;
	if (analysis_save(p->ui->app, a, NULL, &cause) < 0) {
		status_error(p->ui, "cannot record the analysis: %s", cause ? cause : "?");
		x_free(&cause);
	} else
		status_info(p->ui, "analysed %s: %llu rows, %zu columns in %.2f s", a->source,
		            (unsigned long long)stats_rows(a->stats), a->ncols, a->seconds);
}

/* A report name under the data directory for a background job. */
static char *job_report_path(struct app *app, const char *path)
{
	const char *base = strrchr(path, '/');
	char *dir = xasprintf("%s/reports", app->data_dir), *out;
	char *name = xstrndup(base && base[1] ? base + 1 : path, 60), *q;

	for (q = name; *q; q++)
		if (!(*q >= 'a' && *q <= 'z') && !(*q >= 'A' && *q <= 'Z') &&
		    !(*q >= '0' && *q <= '9') && *q != '-' && *q != '_')
			*q = '_';
	mkdir(dir, 0700);
	out = xasprintf("%s/%s-%lld.html", dir, name, (long long)time(NULL));
	free(dir);
	free(name);
	return out;
}

static void run_job(struct pane *p, const char *path)
{
	struct ana_pane *ap = p->data;
	struct jobs_add_opts jo = {.kind = "analysis"};
	char *report = job_report_path(p->ui->app, path), *cause = NULL, *args;
	cJSON *o = cJSON_CreateObject();
	int existed;
	int64_t id;

	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddStringToObject(o, "report", report);
	args = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	jo.args = args;
	id = jobs_add(p->ui->app, &jo, &existed, &cause);
	if (id < 0) {
		status_error(p->ui, "cannot add the analysis job: %s", cause ? cause : "?");
		free(report);
	} else {
		result_drop(ap);
		job_drop(ap);
		ap->job = id;
		ap->report = report;
		ap->job_state = xstrdup("ready");
		status_info(p->ui, "analysis job %lld added for %s", (long long)id, path);
	}
	free(cause);
	cJSON_free(args);
}

/* [analysis] inline_max: the largest file analysed on the UI thread. */
static off_t inline_max(struct app *app)
{
	int64_t m = app->conf ? conf_get_size(app->conf, "analysis", "inline_max") : 0;

	return m > 0 ? (off_t)m : INLINE_MAX;
}

static void analyse(struct pane *p, const char *path)
{
	struct ana_pane *ap = p->data;
	struct stat st;

	if (path != ap->path) {
		free(ap->path);
		ap->path = xstrdup(path);
	}
	if (!strstr(path, "://") && stat(path, &st) == 0 && st.st_size <= inline_max(p->ui->app))
		run_inline(p, path);
	else if (!strstr(path, "://") && stat(path, &st) != 0)
		status_error(p->ui, "cannot analyze \"%s\": no such file", path);
	else
		run_job(p, path);
}

static int prompt_done(struct ui *ui, const char *text, void *arg)
{
	struct pane *p = arg;
	struct ana_pane *ap = p->data;
	char *path = expand(text), *cause = NULL;

	(void)ui;
	if (*path && analysis_format_of(path) >= 0 && ap->a) {
		if (analysis_write_report(ap->a, path, &cause) < 0)
			status_error(p->ui, "%s", cause ? cause : "cannot write the report");
		else
			status_info(p->ui, "report saved to %s", path);
		free(cause);
	} else if (*path)
		analyse(p, path);
	free(path);
	return UI_DRAW;
}

/* Read the job's row again. */
static void job_poll(struct pane *p)
{
	struct ana_pane *ap = p->data;
	struct store_job j;
	char *cause = NULL;

	if (!ap->job)
		return;
	memset(&j, 0, sizeof j);
	if (store_job_get(p->ui->app->store, ap->job, &j, &cause) != 0) {
		free(cause);
		return;
	}
	free(ap->job_state);
	ap->job_state = xstrdup(j.state ? j.state : "?");
	free(ap->job_note);
	ap->job_note = xstrdup(j.last_error && *j.last_error ? j.last_error
	                       : j.progress                  ? j.progress
	                                                     : "");
	store_job_release(&j);
}

/* ---- drawing ---- */

/* Lines of the column list: about a third of the pane, at least 3. */
static size_t list_lines(const struct pane *p, const struct ana_pane *ap)
{
	size_t want = (size_t)(p->height > 9 ? (p->height - 2) / 3 : 3);

	return ap->a->ncols < want ? ap->a->ncols : want;
}

static void wrap_summary(struct pane *p)
{
	struct ana_pane *ap = p->data;
	char *s;

	if (ap->sw == p->width || !ap->a->summary)
		return;
	lines_release(&ap->sum);
	s = xasprintf("summary (%s): %s", ap->a->summary_by ? ap->a->summary_by : "va",
	              ap->a->summary);
	lines_wrap(&ap->sum, ROLE_NORMAL, s, p->width - 1);
	free(s);
	ap->sw = p->width;
}

static void num(char *buf, size_t len, const struct col_stats *c, double v)
{
	if ((c->type == COL_INT || c->type == COL_FLOAT) && c->nnum)
		snprintf(buf, len, "%10.6g", v);
	else
		snprintf(buf, len, "%10s", "");
}

static void col_line(char *buf, size_t len, const struct col_stats *c)
{
	char *name = utf8_fit(c->name, 18, 1), mn[24], mx[24], me[24], md[24];

	num(mn, sizeof mn, c, c->min);
	num(mx, sizeof mx, c, c->max);
	num(me, sizeof me, c, c->mean);
	num(md, sizeof md, c, c->median);
	snprintf(buf, len, "%s %-8s %9llu %7llu %8llu%s %s %s %s %s", name, col_type_name(c->type),
	         (unsigned long long)c->n, (unsigned long long)c->nulls,
	         (unsigned long long)c->distinct, c->distinct_exact ? " " : "~", mn, mx, me, md);
	free(name);
}

/* Render (or reuse) the chart of the selected column, h lines high. */
static void chart_make(struct pane *p, int h)
{
	struct ana_pane *ap = p->data;
	char *out, *s, *nl;

	if (ap->ccol == ap->col && ap->cw == p->width && ap->ch == h)
		return;
	chart_drop(ap);
	ap->ccol = ap->col;
	ap->cw = p->width;
	ap->ch = h;
	if (!(out = analysis_chart(ap->a, ap->col, p->width - 1, h, &ap->chart_err)))
		return;
	for (s = out; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		xgrow((void **)&ap->chart, &ap->capchart, ap->nchart + 1, sizeof *ap->chart);
		ap->chart[ap->nchart] = nl ? xstrndup(s, (size_t)(nl - s)) : xstrdup(s);
		ap->nchart++;
		if (!nl)
			break;
	}
	free(out);
}

static void draw_header(struct pane *p, WINDOW *w, int y)
{
	struct ana_pane *ap = p->data;
	const struct analysis *a = ap->a;
	char *t = xasprintf("%s: %llu rows, %zu columns, %llu bytes, %.2f s", a->source,
	                    (unsigned long long)stats_rows(a->stats), a->ncols,
	                    (unsigned long long)a->bytes, a->seconds);

	ui_put(w, y, 0, t, p->width, theme_attr(&p->ui->theme, ROLE_MSG_HEADER) | A_BOLD);
	free(t);
}

static void draw_list(struct pane *p, WINDOW *w, int y, size_t k)
{
	struct ana_pane *ap = p->data;
	char buf[512];
	size_t i = ap->ctop + k;
	int sel = i == ap->col;

	if (i >= ap->a->ncols)
		return;
	col_line(buf, sizeof buf, stats_col(ap->a->stats, i));
	ui_put(w, y, 0, buf, p->width,
	       theme_attr(&p->ui->theme, sel ? ROLE_INBOX_SELECTED : ROLE_INBOX_ROW));
}

/* Screen line y of an analysis on screen. */
static void draw_result(struct pane *p, WINDOW *w, int y)
{
	struct ana_pane *ap = p->data;
	int list = (int)list_lines(p, ap), nsum, chart_h, c0;
	char buf[256];

	wrap_summary(p);
	nsum = ap->sum.n < SUMMARY_MAX ? (int)ap->sum.n : SUMMARY_MAX;
	c0 = 3 + list;
	chart_h = p->height - c0 - nsum;
	if (chart_h < CHART_MIN) {
		nsum = 0;
		chart_h = p->height - c0;
	}
	if (y == 0)
		draw_header(p, w, y);
	else if (y == 1) {
		snprintf(buf, sizeof buf, "%-18s %-8s %9s %7s %9s %10s %10s %10s %10s", "column",
		         "type", "count", "nulls", "distinct", "min", "max", "mean", "median");
		ui_put(w, y, 0, buf, p->width, theme_attr(&p->ui->theme, ROLE_MSG_LABEL));
	} else if (y < 2 + list)
		draw_list(p, w, y, (size_t)(y - 2));
	else if (y == 2 + list) {
		snprintf(buf, sizeof buf, "chart of \"%s\" (%zu of %zu; j/k: another column)",
		         stats_col(ap->a->stats, ap->col)->name, ap->col + 1, ap->a->ncols);
		ui_put(w, y, 0, buf, p->width, theme_attr(&p->ui->theme, ROLE_MSG_LABEL));
	} else if (y < c0 + chart_h) {
		chart_make(p, chart_h);
		if (ap->chart_err && y == c0)
			ui_put(w, y, 0, ap->chart_err, p->width,
			       theme_attr(&p->ui->theme, ROLE_MSG_PROBLEM));
		else if ((size_t)(y - c0) < ap->nchart)
			ui_put(w, y, 0, ap->chart[y - c0], p->width,
			       theme_attr(&p->ui->theme, ROLE_MSG_BODY));
	} else if ((size_t)(y - c0 - chart_h) < ap->sum.n)
		ui_put(w, y, 0, ap->sum.v[y - c0 - chart_h].text, p->width,
		       theme_attr(&p->ui->theme, ROLE_NORMAL));
}

/* Screen line y while a job runs or after it ended. */
static void draw_job(struct pane *p, WINDOW *w, int y)
{
	struct ana_pane *ap = p->data;
	char *t = NULL;

	if (y == 0)
		job_poll(p);
	if (y == 0)
		t = xasprintf("%s: analysis job %lld, %s", ap->path, (long long)ap->job,
		              ap->job_state ? ap->job_state : "?");
	else if (y == 1)
		t = xstrdup(ap->job_note && *ap->job_note ? ap->job_note
		                                          : "waiting for the scheduler");
	else if (y == 3 && ap->job_state && !strcmp(ap->job_state, "done"))
		t = xasprintf("the report: %s", ap->report);
	else if (y == 4)
		t = xstrdup("r: read the job again   x: cancel it   Enter: another file");
	if (t)
		ui_put(w, y, 0, t, p->width,
		       theme_attr(&p->ui->theme, y == 0 ? ROLE_MSG_HEADER : ROLE_NORMAL));
	free(t);
}

static void ana_draw_row(struct pane *p, WINDOW *w, int y, size_t row, int selected)
{
	struct ana_pane *ap = p->data;

	(void)selected;
	(void)row;
	if (ap->a && !ap->a->ncols) {
		if (y == 0)
			draw_header(p, w, y);
		else if (y == 1)
			ui_put(w, y, 0, "no columns", p->width,
			       theme_attr(&p->ui->theme, ROLE_NOTICE));
	} else if (ap->a)
		draw_result(p, w, y);
	else if (ap->job)
		draw_job(p, w, y);
	else if ((size_t)y < VA_ARRAY_LEN(help_text))
		ui_put(w, y, 1, help_text[y], p->width - 1,
		       theme_attr(&p->ui->theme, y == 0 ? ROLE_NOTICE : ROLE_NORMAL));
}

static size_t ana_rows(struct pane *p)
{
	p->top = 0;
	return p->height > 0 ? (size_t)p->height : 0;
}

static char *ana_title(struct pane *p)
{
	struct ana_pane *ap = p->data;

	if (ap->a)
		return xasprintf("%s \xc2\xb7 column %zu of %zu", ap->a->source, ap->col + 1,
		                 ap->a->ncols);
	if (ap->job)
		return xasprintf("analysis job %lld", (long long)ap->job);
	return xstrdup("Analysis");
}

/* ---- commands ---- */

static void select_col(struct pane *p, long delta, int end)
{
	struct ana_pane *ap = p->data;
	size_t n = ap->a->ncols, list = list_lines(p, ap);
	long c = (long)ap->col + delta;

	if (end)
		c = delta < 0 ? 0 : (long)n - 1;
	ap->col = c < 0 ? 0 : (size_t)c >= n ? n - 1 : (size_t)c;
	if (ap->col < ap->ctop)
		ap->ctop = ap->col;
	else if (list && ap->col >= ap->ctop + list)
		ap->ctop = ap->col - list + 1;
}

static int move_cmd(struct pane *p, enum cmd_id cmd)
{
	struct ana_pane *ap = p->data;
	long page = (long)list_lines(p, ap);

	switch (cmd) {
	case CMD_NEXT: select_col(p, 1, 0); break;
	case CMD_PREV: select_col(p, -1, 0); break;
	case CMD_PAGE_DOWN:
	case CMD_HALF_DOWN: select_col(p, page, 0); break;
	case CMD_PAGE_UP:
	case CMD_HALF_UP: select_col(p, -page, 0); break;
	case CMD_TOP: select_col(p, -1, 1); break;
	case CMD_BOTTOM: select_col(p, 1, 1); break;
	default: return UI_UNHANDLED;
	}
	return UI_DRAW;
}

static int ana_command(struct pane *p, enum cmd_id cmd)
{
	struct ana_pane *ap = p->data;
	char *cause = NULL;

	if (ap->a && ap->a->ncols && move_cmd(p, cmd) == UI_DRAW)
		return UI_DRAW;
	switch (cmd) {
	case CMD_OPEN:
		prompt_open(p->ui, PROMPT_PATH,
		            ap->a ? "analyze CSV file (or save the report: NAME.html|.md)"
		                  : "analyze CSV file",
		            ap->path ? ap->path : "", prompt_done, p, NULL);
		return UI_DRAW;
	case CMD_REFRESH:
		if (ap->job)
			job_poll(p);
		else if (ap->path)
			analyse(p, ap->path);
		return UI_DRAW;
	case CMD_CANCEL_JOB:
		if (!ap->job)
			status_info(p->ui, "cancel-job: no analysis job on screen");
		else if (jobs_cancel(p->ui->app, ap->job, &cause) < 0)
			status_error(p->ui, "cannot cancel job %lld: %s", (long long)ap->job,
			             cause ? cause : "?");
		else
			job_poll(p);
		free(cause);
		return UI_DRAW;
	default: return UI_UNHANDLED;
	}
}

static void ana_free(struct pane *p)
{
	struct ana_pane *ap = p->data;

	result_drop(ap);
	job_drop(ap);
	free(ap->path);
	free(ap);
}

static const struct pane_ops analysis_ops = {
    .name = "analysis",
    .context = KM_ANALYSIS,
    .cursor = 0,
    .rows = ana_rows,
    .draw_row = ana_draw_row,
    .command = ana_command,
    .title = ana_title,
    .free = ana_free,
};

struct pane *pane_analysis_new(struct ui *ui)
{
	return pane_new(&analysis_ops, ui, xcalloc(1, sizeof(struct ana_pane)));
}
