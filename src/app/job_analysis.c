/*
 * job_analysis: a CSV analysis as a scheduler job, for files too big to wait
 * for (`va analyze FILE --background`, or the Analysis pane on a big file).
 * Args: {"path": FILE or URL, "report": "out.html" | "out.md", "group_by":
 * COL, "memory": BYTES}; only path is required.  Progress (pass, rows, MB,
 * MB/s) goes through sched_progress at most twice a second; the run stops and
 * checkpoints (JOB_INTERRUPTED) soon after the scheduler stops, since the
 * progress callback, called every 64k rows or 8 MB, cancels the read.  The
 * result is an analyses row (`va analyze --list`), with the report written
 * when one was asked for.  A file that cannot be read or parsed fails at
 * once: retrying would not help.
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "va/analysis.h"
#include "va/app.h"
#include "va/jobs.h"
#include "va/util.h"

#define PROGRESS_MS 500

struct job_args {
	cJSON *root;
	const char *path, *report, *group_by;
	size_t memory;
};

static int parse_args(const char *args, struct job_args *a, char **cause)
{
	const cJSON *m;

	memset(a, 0, sizeof *a);
	if (!args || !(a->root = cJSON_Parse(args)) || !cJSON_IsObject(a->root))
		return set_cause(cause,
		                 "analysis: want {\"path\": FILE, \"report\": OUT, "
		                 "\"group_by\": COL}, got \"%s\"",
		                 args ? args : "");
	a->path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a->root, "path"));
	a->report = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a->root, "report"));
	a->group_by = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a->root, "group_by"));
	m = cJSON_GetObjectItemCaseSensitive(a->root, "memory");
	if (cJSON_IsNumber(m) && m->valuedouble >= (1 << 20) && m->valuedouble < 1e15)
		a->memory = (size_t)m->valuedouble;
	if (!a->path || !*a->path)
		return set_cause(cause, "analysis: the args need a \"path\"");
	if (!strcmp(a->path, "-"))
		return set_cause(cause, "analysis: a job cannot read standard input");
	if (a->report && analysis_format_of(a->report) < 0)
		return set_cause(cause, "analysis: the report \"%s\" must end in .html or .md",
		                 a->report);
	return 0;
}

static int analysis_check(const char *args, char **cause)
{
	struct job_args a;
	int rc = parse_args(args, &a, cause);

	cJSON_Delete(a.root);
	return rc;
}

struct job_progress {
	struct job_run *r;
	int64_t last_ms;
};

static int on_progress(void *arg, int pass, uint64_t rows, uint64_t bytes, double secs)
{
	struct job_progress *p = arg;
	int64_t now = time_now_ms();
	char note[128];

	if (sched_stopping(p->r->sched))
		return 1;
	if (now - p->last_ms < PROGRESS_MS)
		return 0;
	p->last_ms = now;
	snprintf(note, sizeof note, "pass %d: %llu rows, %.1f MB, %.0f MB/s", pass,
	         (unsigned long long)rows, (double)bytes / 1e6,
	         secs > 0 ? (double)bytes / 1e6 / secs : 0);
	sched_progress(p->r, note);
	return 0;
}

/* The note left on the job when it is done. */
static void final_note(struct job_run *r, const struct analysis *an, const char *report)
{
	char *note = xasprintf("%llu rows, %zu columns in %.1f s, analysis %lld%s%s",
	                       (unsigned long long)stats_rows(an->stats), an->ncols, an->seconds,
	                       (long long)an->id, report ? ", report " : "", report ? report : "");

	sched_progress(r, note);
	free(note);
}

static enum job_status analysis_job_run(struct job_run *r, char **error)
{
	struct app *app = r->ctx;
	struct job_progress p = {r, 0};
	struct analysis_opts o = {.header = -1, .progress = on_progress, .progress_arg = &p};
	struct analysis_llm *llm;
	struct analysis *an = NULL;
	struct job_args a;
	enum job_status st = JOB_OK;

	if (parse_args(r->job->args, &a, error) < 0) {
		cJSON_Delete(a.root);
		return JOB_FAIL;
	}
	o.input = a.path;
	o.group_by = a.group_by;
	o.memory = a.memory;
	llm = analysis_llm_attach(app, &o, 0);
	if (analysis_run(app, &o, &an, error) < 0)
		st = sched_stopping(r->sched) ? JOB_INTERRUPTED : JOB_FAIL;
	else if (a.report && analysis_write_report(an, a.report, error) < 0)
		st = JOB_FAIL;
	else if (analysis_save(app, an, a.report, error) < 0)
		st = JOB_RETRY;
	else
		final_note(r, an, a.report);
	analysis_llm_free(llm);
	analysis_free(an);
	cJSON_Delete(a.root);
	return st;
}

const struct job_kind job_analysis = {
    .name = "analysis",
    .summary = "analyse a CSV file or URL: {\"path\": F, \"report\": OUT, \"group_by\": COL}",
    .max_attempts = 3,
    .backoff_base = 30,
    .backoff_cap = 600,
    .lease = 120,
    .check = analysis_check,
    .run = analysis_job_run,
};
