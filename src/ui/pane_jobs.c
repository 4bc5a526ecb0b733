/*
 * pane_jobs: the Jobs pane, the scheduler's queue as the store has it.  One
 * row per job: id, kind, state, schedule, next run (local time), attempts of
 * the maximum, then the last error or the progress.  Keys cancel and retry
 * the selected job (jobs_cancel, jobs_retry: the scheduler, the TUI's or the
 * daemon's, picks the change up from the database), refresh, and open a view
 * of the job with its recent runs from the journal.  The list is read again
 * each time the tab is shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_internal.h"
#include "va/app.h"
#include "va/jobs.h"
#include "va/util.h"

enum {
	ID_COLS = 5,
	KIND_COLS = 14,
	STATE_COLS = 9,
	SCHED_COLS = 14,
	NEXT_COLS = 12,
	TRIES_COLS = 5
};
enum { MAX_RUNS = 20 };

struct jobs_pane {
	struct store_job *jobs;
	size_t n;
};

/* ---- loading ---- */

static void jobs_reload(struct pane *p)
{
	struct jobs_pane *jp = p->data;
	struct store_job *jobs = NULL;
	int64_t keep = p->sel < jp->n ? jp->jobs[p->sel].id : 0;
	size_t n = 0, i;
	char *cause = NULL;

	if (store_job_list(p->ui->app->store, NULL, &jobs, &n, &cause) < 0) {
		status_error(p->ui, "cannot list jobs: %s", cause ? cause : "?");
		free(cause);
		return;
	}
	store_jobs_free(jp->jobs, jp->n);
	jp->jobs = jobs;
	jp->n = n;
	for (i = 0; keep && i < n; i++)
		if (jobs[i].id == keep)
			p->sel = i;
}

/* The selected job, or NULL with a notice. */
static const struct store_job *job_or_say(struct pane *p, enum cmd_id cmd)
{
	struct jobs_pane *jp = p->data;

	if (p->sel < jp->n)
		return &jp->jobs[p->sel];
	status_info(p->ui, "%s: there is no job", command_name(cmd));
	return NULL;
}

/* ---- drawing ---- */

/* ms since the epoch in local time: "14:03" today, "Nov 24 14:03" else. */
static void format_when(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000), now = time(NULL);
	struct tm tm, today;

	if (ms <= 0 || !localtime_r(&t, &tm) || !localtime_r(&now, &today)) {
		snprintf(buf, len, "-");
		return;
	}
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, len, "%H:%M", &tm);
	else
		strftime(buf, len, "%b %d %H:%M", &tm);
}

/* "every 1h", "cron 0 9 * * 1", "once"; caller frees. */
static char *format_schedule(const struct store_job *j)
{
	if (!j->schedule || !strcmp(j->schedule, "once") || !j->spec || !*j->spec)
		return xstrdup(j->schedule ? j->schedule : "-");
	return xasprintf("%s %s", j->schedule, j->spec);
}

static enum role state_role(const char *state)
{
	if (!strcmp(state, "dead") || !strcmp(state, "failed"))
		return ROLE_MSG_PROBLEM;
	if (!strcmp(state, "running"))
		return ROLE_NOTICE;
	if (!strcmp(state, "done") || !strcmp(state, "cancelled"))
		return ROLE_INBOX_DATE;
	return ROLE_INBOX_ROW;
}

/* A job that may still run shows its next run. */
static int job_pending(const struct store_job *j)
{
	return !strcmp(j->state, "ready") || !strcmp(j->state, "paused") ||
	       !strcmp(j->state, "running");
}

static void jobs_draw_row(struct pane *p, WINDOW *w, int y, size_t row, int selected)
{
	const struct store_job *j = &((struct jobs_pane *)p->data)->jobs[row];
	attr_t a = theme_attr(&p->ui->theme, selected ? ROLE_INBOX_SELECTED : ROLE_INBOX_ROW);
	attr_t sa = selected ? a : theme_attr(&p->ui->theme, state_role(j->state));
	char buf[64], *sched = format_schedule(j);
	int failed = j->last_error && *j->last_error, x = 0;
	const char *rest = failed ? j->last_error : j->progress ? j->progress : "";
	attr_t ra =
	    selected ? a : theme_attr(&p->ui->theme, failed ? ROLE_MSG_PROBLEM : ROLE_INBOX_DATE);

	if (selected)
		mvwhline(w, y, 0, ' ' | a, p->width);
	snprintf(buf, sizeof buf, "%*lld", ID_COLS - 1, (long long)j->id);
	ui_put(w, y, x, buf, ID_COLS, a);
	x += ID_COLS + 1;
	ui_put(w, y, x, j->kind, KIND_COLS, a | A_BOLD);
	x += KIND_COLS + 1;
	ui_put(w, y, x, j->state, STATE_COLS, sa);
	x += STATE_COLS + 1;
	ui_put(w, y, x, sched, SCHED_COLS, a);
	x += SCHED_COLS + 1;
	if (job_pending(j))
		format_when(j->next_run, buf, sizeof buf);
	else
		snprintf(buf, sizeof buf, "-");
	ui_put(w, y, x, buf, NEXT_COLS, a);
	x += NEXT_COLS + 1;
	snprintf(buf, sizeof buf, "%d/%d", j->attempts, j->max_attempts);
	ui_put(w, y, x, buf, TRIES_COLS, a);
	x += TRIES_COLS + 1;
	ui_put(w, y, x, rest, p->width - x, ra);
	free(sched);
}

static size_t jobs_rows(struct pane *p)
{
	return ((struct jobs_pane *)p->data)->n;
}

static char *jobs_title(struct pane *p)
{
	struct jobs_pane *jp = p->data;
	size_t i, active = 0;

	for (i = 0; i < jp->n; i++)
		active += job_pending(&jp->jobs[i]);
	return xasprintf("%zu job%s \xc2\xb7 %zu active", jp->n, jp->n == 1 ? "" : "s", active);
}

/* ---- cancel, retry, refresh ---- */

static int jobs_cancel_cmd(struct pane *p)
{
	const struct store_job *j = job_or_say(p, CMD_CANCEL_JOB);
	char *cause = NULL;
	int64_t id;
	int rc;

	if (!j)
		return UI_DRAW;
	id = j->id;
	rc = jobs_cancel(p->ui->app, id, &cause);
	if (rc < 0)
		status_error(p->ui, "cannot cancel job %lld: %s", (long long)id,
		             cause ? cause : "?");
	else if (rc == 1)
		status_info(p->ui, "job %lld is not waiting or running: nothing to cancel",
		            (long long)id);
	else
		status_info(p->ui, "cancelled job %lld (%s)", (long long)id, j->kind);
	free(cause);
	jobs_reload(p);
	return UI_DRAW;
}

static int jobs_retry_cmd(struct pane *p)
{
	const struct store_job *j = job_or_say(p, CMD_RETRY_JOB);
	char *cause = NULL;
	int64_t id;
	int rc;

	if (!j)
		return UI_DRAW;
	id = j->id;
	rc = jobs_retry(p->ui->app, id, &cause);
	if (rc < 0)
		status_error(p->ui, "cannot retry job %lld: %s", (long long)id,
		             cause ? cause : "?");
	else if (rc == 1)
		status_info(p->ui,
		            "job %lld is %s: only dead, failed or cancelled jobs are retried",
		            (long long)id, j->state);
	else
		status_info(p->ui, "job %lld (%s) is queued to run now", (long long)id, j->kind);
	free(cause);
	jobs_reload(p);
	return UI_DRAW;
}

/* pause-job (a paused job: resume) and run-job, one shape: a state change. */
static int jobs_change(struct pane *p, enum cmd_id cmd)
{
	const struct store_job *j = job_or_say(p, cmd);
	int paused, rc;
	char *cause = NULL;
	int64_t id;

	if (!j)
		return UI_DRAW;
	id = j->id;
	paused = !strcmp(j->state, "paused");
	rc = cmd == CMD_RUN_JOB ? jobs_run_now(p->ui->app, id, &cause)
	     : paused           ? jobs_resume(p->ui->app, id, &cause)
	                        : jobs_pause(p->ui->app, id, &cause);
	if (rc < 0)
		status_error(p->ui, "cannot change job %lld: %s", (long long)id, cause ? cause : "?");
	else if (rc == 1)
		status_info(p->ui, "job %lld is %s: %s", (long long)id, j->state,
		            cmd == CMD_RUN_JOB ? "only a waiting or paused job can run now"
		                               : "only a waiting job can pause");
	else
		status_info(p->ui, "job %lld (%s) %s", (long long)id, j->kind,
		            cmd == CMD_RUN_JOB ? "is due now" : paused ? "resumed" : "paused");
	free(cause);
	jobs_reload(p);
	return UI_DRAW;
}

static int jobs_pause_cmd(struct pane *p)
{
	return jobs_change(p, CMD_PAUSE_JOB);
}

static int jobs_run_cmd(struct pane *p)
{
	return jobs_change(p, CMD_RUN_JOB);
}

static int jobs_refresh(struct pane *p)
{
	struct jobs_pane *jp = p->data;

	jobs_reload(p);
	status_info(p->ui, "%zu job%s", jp->n, jp->n == 1 ? "" : "s");
	return UI_DRAW;
}

/* ---- the job's view: its fields and recent runs ---- */

/* One journal row, as text (the columns of the store's job_runs dump). */
struct run_row {
	char *attempt, *worker, *started, *ended, *outcome, *error;
};

struct runs {
	int64_t job;
	struct run_row v[MAX_RUNS]; /* a ring: the newest MAX_RUNS */
	size_t n;                   /* rows seen */
};

static const char *col(size_t ncol, const char *const *names, const char *const *vals,
                       const char *name)
{
	size_t i;

	for (i = 0; i < ncol; i++)
		if (!strcmp(names[i], name))
			return vals[i];
	return NULL;
}

static void run_row_release(struct run_row *r)
{
	free(r->attempt);
	free(r->worker);
	free(r->started);
	free(r->ended);
	free(r->outcome);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

/* A store_dump_fn over job_runs: keep the rows of one job. */
static int run_collect(void *arg, size_t ncol, const char *const *names, const char *const *vals,
                       const int *num)
{
	struct runs *rs = arg;
	const char *job = col(ncol, names, vals, "job_id");
	struct run_row *r;

	(void)num;
	if (!job || strtoll(job, NULL, 10) != rs->job)
		return 0;
	r = &rs->v[rs->n++ % MAX_RUNS];
	run_row_release(r);
	r->attempt = xstrdup(col(ncol, names, vals, "attempt"));
	r->worker = xstrdup(col(ncol, names, vals, "worker"));
	r->started = xstrdup(col(ncol, names, vals, "started_at"));
	r->ended = xstrdup(col(ncol, names, vals, "ended_at"));
	r->outcome = xstrdup(col(ncol, names, vals, "outcome"));
	r->error = xstrdup(col(ncol, names, vals, "error"));
	return 0;
}

static int64_t ms_of(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

static void add_field(struct lines *l, const char *label, const char *value)
{
	char *t = xasprintf("%-13s %s", label, value && *value ? value : "-");

	lines_add(l, ROLE_NORMAL, t);
	free(t);
}

static void add_time_field(struct lines *l, const char *label, int64_t ms)
{
	char buf[64];

	format_when(ms, buf, sizeof buf);
	add_field(l, label, buf);
}

static void job_fields(struct lines *l, const struct store_job *j)
{
	char *t = format_schedule(j), buf[64];

	add_field(l, "Kind:", j->kind);
	add_field(l, "State:", j->state);
	add_field(l, "Schedule:", t);
	free(t);
	add_time_field(l, "Next run:", job_pending(j) ? j->next_run : 0);
	snprintf(buf, sizeof buf, "%d of %d", j->attempts, j->max_attempts);
	add_field(l, "Attempts:", buf);
	add_field(l, "Arguments:", j->args);
	add_field(l, "Key:", j->key);
	add_field(l, "Misfire:", j->misfire);
	add_time_field(l, "Expires:", j->expires_at);
	add_time_field(l, "Created:", j->created_at);
	add_field(l, "Progress:", j->progress);
	add_field(l, "Last error:", j->last_error);
}

static void run_line(struct lines *l, const struct run_row *r)
{
	char start[64], *t;
	int64_t s = ms_of(r->started), e = ms_of(r->ended);

	format_when(s, start, sizeof start);
	if (e > 0)
		t = xasprintf("attempt %s  %s  %.1f s  %s%s%s", r->attempt ? r->attempt : "?",
		              start, (double)(e - s) / 1000.0, r->outcome ? r->outcome : "?",
		              r->worker ? "  on " : "", r->worker ? r->worker : "");
	else
		t = xasprintf("attempt %s  %s  running%s%s", r->attempt ? r->attempt : "?", start,
		              r->worker ? " on " : "", r->worker ? r->worker : "");
	lines_add(
	    l, r->outcome && strcmp(r->outcome, "ok") && e > 0 ? ROLE_MSG_PROBLEM : ROLE_NORMAL, t);
	free(t);
	if (r->error && *r->error) {
		t = xasprintf("    %s", r->error);
		lines_add(l, ROLE_MSG_PROBLEM, t);
		free(t);
	}
}

static int jobs_open(struct pane *p)
{
	const struct store_job *j = job_or_say(p, CMD_OPEN);
	struct runs *rs;
	struct lines l;
	char *cause = NULL, *t;
	size_t i, kept;

	if (!j)
		return UI_DRAW;
	rs = xcalloc(1, sizeof(*rs));
	rs->job = j->id;
	if (store_dump(p->ui->app->store, "job_runs", run_collect, rs, &cause) < 0) {
		status_error(p->ui, "cannot read the runs of job %lld: %s", (long long)j->id,
		             cause ? cause : "?");
		free(cause);
	}
	memset(&l, 0, sizeof l);
	job_fields(&l, j);
	lines_add(&l, ROLE_NORMAL, "");
	kept = rs->n < MAX_RUNS ? rs->n : MAX_RUNS;
	t = rs->n ? xasprintf("Runs: %zu (the newest %zu first)", rs->n, kept)
	          : xstrdup("Runs: none yet");
	lines_add(&l, ROLE_HELP_SECTION, t);
	free(t);
	for (i = 0; i < kept; i++)
		run_line(&l, &rs->v[(rs->n - 1 - i) % MAX_RUNS]);
	for (i = 0; i < MAX_RUNS; i++)
		run_row_release(&rs->v[i]);
	free(rs);
	t = xasprintf("job %lld \xc2\xb7 %s", (long long)j->id, j->kind);
	ui_open_view(p->ui, pane_report_new(p->ui, t, &l));
	free(t);
	return UI_DRAW;
}

static int jobs_command(struct pane *p, enum cmd_id cmd)
{
	static const struct {
		enum cmd_id cmd;
		int (*run)(struct pane *p);
	} cmds[] = {
	    {CMD_CANCEL_JOB, jobs_cancel_cmd},
	    {CMD_RETRY_JOB, jobs_retry_cmd},
	    {CMD_PAUSE_JOB, jobs_pause_cmd},
	    {CMD_RUN_JOB, jobs_run_cmd},
	    {CMD_REFRESH, jobs_refresh},
	    {CMD_OPEN, jobs_open},
	};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(cmds); i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].run(p);
	return UI_UNHANDLED;
}

static void jobs_free(struct pane *p)
{
	struct jobs_pane *jp = p->data;

	store_jobs_free(jp->jobs, jp->n);
	free(jp);
}

static const struct pane_ops jobs_ops = {
    .name = "jobs",
    .context = KM_JOBS,
    .cursor = 1,
    .empty = "No jobs.  Add one with: va jobs add KIND --every 1h (va jobs kinds lists them).",
    .rows = jobs_rows,
    .draw_row = jobs_draw_row,
    .command = jobs_command,
    .title = jobs_title,
    .show = jobs_reload,
    .free = jobs_free,
};

struct pane *pane_jobs_new(struct ui *ui)
{
	struct pane *p = pane_new(&jobs_ops, ui, xcalloc(1, sizeof(struct jobs_pane)));

	jobs_reload(p);
	return p;
}
