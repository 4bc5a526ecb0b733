/*
 * jobs: the job-kind table, adding/cancelling/retrying jobs, and wiring the
 * scheduler to the app (lock, time zone, one app per worker thread).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "va/actions.h"
#include "va/classifier.h"
#include "va/conf.h"
#include "va/cron.h"
#include "va/jobs.h"
#include "va/log.h"
#include "va/util.h"

extern const struct job_kind job_command, job_sync, job_noop, job_sleep, job_followup_check,
    job_snooze_wake, job_classify, job_send_reply, job_rules, job_analysis;

/* Kinds other issues will build are listed as UNBUILT(name, summary) and
 * refused when added, until then.  (None at the moment: "analysis" also
 * writes the report, so there is no separate "report" kind.) */
#define UNBUILT(n, s) static const struct job_kind unbuilt_##n = {#n, s, 0, 0, 0, 0, NULL, NULL}

static const struct job_kind *const kinds[] = {
    &job_sync,           &job_command,        &job_noop,        &job_sleep,
    &job_followup_check, &job_snooze_wake,    &job_classify,     &job_rules,
    &job_send_reply, &job_analysis,
};

/* Lease order when more jobs are due than workers (sched.h): what keeps the
 * mailbox current goes first, work that can wait last; kinds not listed
 * are normal.  (A soak at 1,000 messages a minute, each answered, fell
 * behind when reply jobs queued ahead of syncs.)  Migration
 * migration_job_priority gave existing jobs these values. */
static const struct {
	const char       *kind;
	enum job_priority priority;
} priorities[] = {
    {"sync", JOB_PRIORITY_HIGH},      {"classify", JOB_PRIORITY_HIGH},
    {"rules", JOB_PRIORITY_HIGH},     {"send_reply", JOB_PRIORITY_LOW},
    {"analysis", JOB_PRIORITY_LOW},   {"report", JOB_PRIORITY_LOW},
    {"command", JOB_PRIORITY_LOW},
};

/* Kinds that run only when a va.conf switch says so. */
static const struct {
	const char *kind, *section, *key;
} optins[] = {
    {"command", "scheduler", "allow_commands"},
};

const struct job_kind *const *jobs_kinds(size_t *n)
{
	*n = VA_ARRAY_LEN(kinds);
	return kinds;
}

const struct job_kind *jobs_kind(const char *name)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(kinds); i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

int jobs_kind_unbuilt(const struct job_kind *k)
{
	return k->run == NULL;
}

enum job_priority jobs_kind_priority(const char *name)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(priorities); i++)
		if (!strcmp(priorities[i].kind, name))
			return priorities[i].priority;
	return JOB_PRIORITY_NORMAL;
}

void jobs_apply_timezone(struct app *app)
{
	cron_set_zone(conf_get(app->conf, "general", "timezone"));
}

static int check_kind(struct app *app, const char *name, const struct job_kind **out,
                      char **cause)
{
	const struct job_kind *k = jobs_kind(name);
	size_t i;

	if (!k)
		return set_cause(cause, "unknown job kind \"%s\" (see 'va jobs kinds')", name);
	if (jobs_kind_unbuilt(k))
		return set_cause(cause, "job kind \"%s\" is not built yet", name);
	for (i = 0; i < VA_ARRAY_LEN(optins); i++)
		if (!strcmp(optins[i].kind, name) &&
		    conf_get_bool(app->conf, optins[i].section, optins[i].key) != 1)
			return set_cause(cause, "%s jobs are off: set `%s = on` in [%s] of va.conf", name,
			                 optins[i].key, optins[i].section);
	*out = k;
	return 0;
}

/* Fill the schedule fields and the first run of j from o. */
static int plan_schedule(const struct jobs_add_opts *o, struct store_job *j, int64_t now_ms,
                         char **cause)
{
	struct schedule s;
	int64_t now = now_ms / 1000, first = now;

	if (o->every && o->cron)
		return set_cause(cause, "give --every or --cron, not both");
	if (o->tz && !o->cron && !o->at)
		return set_cause(cause, "--tz applies to --cron and --at times, not to \"%s\"",
		                 o->every ? "--every" : "now");
	if (o->tz && cron_zone_check(o->tz, cause) < 0)
		return -1;
	j->schedule = (char *)(o->every ? "every" : o->cron ? "cron" : "once");
	j->spec = (char *)(o->every ? o->every : o->cron);
	j->timezone = (char *)o->tz;
	if (schedule_parse(&s, j->schedule, j->spec, cause) < 0)
		return -1;
	if (o->at && (first = schedule_time_parse_in(o->at, o->tz, now, cause)) < 0)
		return -1;
	if (!o->at && s.kind == SCHEDULE_CRON && (first = cron_next_in(&s.cron, o->tz, now)) < 0)
		return set_cause(cause, "cron expression \"%s\" never fires", o->cron);
	j->next_run = !o->at && first == now ? now_ms : first * 1000;
	return 0;
}

static int check_misfire(const char *m, char **cause)
{
	static const char *const ok[] = {"skip", "once", "catch_up"};
	size_t i;

	for (i = 0; m && i < VA_ARRAY_LEN(ok); i++)
		if (!strcmp(m, ok[i]))
			return 0;
	return m ? set_cause(cause, "unknown misfire policy \"%s\" (want skip, once or catch_up)", m)
	         : 0;
}

/* --priority: a name, or the kind's own when absent. */
static int plan_priority(const struct jobs_add_opts *o, int *priority, char **cause)
{
	static const struct {
		const char       *name;
		enum job_priority p;
	} names[] = {{"high", JOB_PRIORITY_HIGH}, {"normal", JOB_PRIORITY_NORMAL},
	             {"low", JOB_PRIORITY_LOW}};
	size_t i;

	*priority = (int)jobs_kind_priority(o->kind);
	if (!o->priority)
		return 0;
	for (i = 0; i < VA_ARRAY_LEN(names); i++) {
		if (!strcmp(o->priority, names[i].name)) {
			*priority = (int)names[i].p;
			return 0;
		}
	}
	return set_cause(cause, "unknown priority \"%s\": high, normal or low", o->priority);
}

int64_t jobs_add(struct app *app, const struct jobs_add_opts *o, int *existed, char **cause)
{
	const struct job_kind *k = NULL;
	struct store_job j;
	int64_t now = sched_now_ms();

	memset(&j, 0, sizeof j);
	*existed = 0;
	jobs_apply_timezone(app);
	if (check_kind(app, o->kind, &k, cause) < 0 || check_misfire(o->misfire, cause) < 0 ||
	    (k->check && k->check(o->args, cause) < 0) || plan_schedule(o, &j, now, cause) < 0 ||
	    plan_priority(o, &j.priority, cause) < 0)
		return -1;
	j.kind = (char *)o->kind;
	j.args = (char *)o->args;
	j.key = (char *)o->key;
	j.idempotency_key = (char *)o->idempotency_key;
	j.misfire = (char *)o->misfire;
	j.grace = o->grace;
	j.max_attempts = o->max_attempts > 0 ? o->max_attempts : k->max_attempts;
	j.backoff_base = k->backoff_base;
	j.backoff_cap = k->backoff_cap;
	j.expires_at = o->expires_in > 0 ? now + o->expires_in * 1000 : 0;
	j.created_at = now;
	return store_job_add(app->store, &j, existed, cause);
}

int jobs_cancel(struct app *app, int64_t id, char **cause)
{
	return store_job_cancel(app->store, id, sched_now_ms(), cause);
}

int jobs_retry(struct app *app, int64_t id, char **cause)
{
	return store_job_retry(app->store, id, sched_now_ms(), cause);
}

int jobs_pause(struct app *app, int64_t id, char **cause)
{
	return store_job_pause(app->store, id, sched_now_ms(), cause);
}

int jobs_resume(struct app *app, int64_t id, char **cause)
{
	return store_job_resume(app->store, id, sched_now_ms(), cause);
}

int jobs_run_now(struct app *app, int64_t id, char **cause)
{
	return store_job_run_now(app->store, id, sched_now_ms(), cause);
}

int jobs_ensure_sync(struct app *app, char **cause)
{
	const char *every = conf_get(app->conf, "scheduler", "sync_every");
	struct jobs_add_opts o = {.kind = "sync", .every = every ? every : "5m", .key = "sync",
	                          .misfire = "once"};
	int existed;

	return jobs_add(app, &o, &existed, cause) < 0 ? -1 : 0;
}

/* ---- follow-ups and snoozes ---- */

/* now + days, counting only Monday to Friday (local time). */
static int64_t add_business_days(int64_t now, int64_t days)
{
	time_t t = (time_t)now;
	struct tm tm;

	while (days > 0) {
		t += 86400;
		localtime_r(&t, &tm);
		if (tm.tm_wday != 0 && tm.tm_wday != 6)
			days--;
	}
	return (int64_t)t;
}

static int message_exists(struct app *app, int64_t id, char **cause)
{
	struct message m;
	int rc;

	message_init(&m);
	rc = store_message_get(app->store, id, &m, cause);
	message_release(&m);
	if (rc == 1)
		return set_cause(cause, "no message %lld", (long long)id);
	return rc;
}

/* A one-off job of `kind` at `when` (seconds), once per reminder. */
static int schedule_reminder(struct app *app, const char *kind, const char *tag, int64_t rid,
                             int64_t when, char **cause)
{
	char at[32], idem[48];
	struct jobs_add_opts o = {.kind = kind, .at = at, .idempotency_key = idem};
	int existed;

	snprintf(at, sizeof at, "@%lld", (long long)when);
	snprintf(idem, sizeof idem, "%s-%lld", tag, (long long)rid);
	return jobs_add(app, &o, &existed, cause) < 0 ? -1 : 0;
}

int64_t jobs_followup(struct app *app, int64_t id, int64_t after, int business_days,
                      const char *nudge, char **cause)
{
	int64_t now = time_now(), due, fid;
	char *note;

	if (after <= 0)
		return set_cause(cause, "a follow-up needs a positive delay such as 3d");
	jobs_apply_timezone(app);
	if (message_exists(app, id, cause) < 0)
		return -1;
	due = business_days ? add_business_days(now, (after + 86399) / 86400) : now + after;
	note = nudge && *nudge ? xasprintf("nudge:%s", nudge) : NULL;
	fid = store_followup_add(app->store, id, due, note, now, cause);
	free(note);
	if (fid < 0)
		return -1;
	return schedule_reminder(app, "followup_check", "followup", fid, due, cause) < 0 ? -1 : fid;
}

int64_t jobs_snooze(struct app *app, int64_t id, int64_t until, char **cause)
{
	int64_t now = time_now(), zid;

	if (until <= now)
		return set_cause(cause, "the snooze time is not in the future");
	if (message_exists(app, id, cause) < 0)
		return -1;
	if ((zid = store_snooze_add(app->store, id, until, now, cause)) < 0)
		return -1;
	if (schedule_reminder(app, "snooze_wake", "snooze", zid, until, cause) < 0)
		return -1;
	/* Out of the inbox until then: a Snoozed folder, on the server too (an
	 * IMAP account's next sync moves it there, creating the folder), so a
	 * phone reading the same account agrees. */
	{
		struct action_outcome o;
		int rc = action_apply(app, &id, 1, ACT_MOVE, SNOOZED_FOLDER, &o, cause);
		action_outcome_release(&o);
		if (rc < 0)
			return -1;
	}
	return zid;
}

/* ---- the scheduler, wired to the app ---- */

struct jobs_scheduler {
	struct sched  *sched;
	struct idle_watch *idle; /* idle.c: IMAP IDLE watchers queueing syncs */
	int            lock_fd;
	char          *config_path, *data_dir, *db_path;
	struct app_opts opts;
};

static void *worker_app_open(void *arg, char **cause)
{
	struct jobs_scheduler *js = arg;
	struct app *app;

	return app_open(&app, &js->opts, cause) < 0 ? NULL : app;
}

static void worker_app_close(void *ctx)
{
	app_close(ctx);
}

static void worker_app_idle(void *ctx)
{
	struct app *app = ctx;

	store_release_memory(app->store);
	classify_idle();
	malloc_trim(0); /* and the freed pages of every thread's arena */
}

struct jobs_scheduler *jobs_scheduler_start(struct app *app, struct queue *events, char **cause)
{
	struct jobs_scheduler *js = xcalloc(1, sizeof *js);
	struct sched_opts so;

	jobs_apply_timezone(app);
	js->lock_fd = sched_lock(store_path(app->store), cause);
	if (js->lock_fd < 0) {
		free(js);
		return NULL;
	}
	js->config_path = file_exists(app->config_path) ? xstrdup(app->config_path) : NULL;
	js->data_dir = xstrdup(app->data_dir);
	js->db_path = xstrdup(store_path(app->store));
	js->opts.config_path = js->config_path;
	js->opts.data_dir = js->data_dir;
	js->opts.io = app->io;
	memset(&so, 0, sizeof so);
	so.db_path = js->db_path;
	so.workers = (int)conf_get_int(app->conf, "scheduler", "workers");
	so.kinds = kinds;
	so.nkinds = VA_ARRAY_LEN(kinds);
	so.worker_open = worker_app_open;
	so.worker_close = worker_app_close;
	so.worker_idle = worker_app_idle;
	so.arg = js;
	so.events = events;
	if (!(js->sched = sched_start(&so, cause))) {
		jobs_scheduler_stop(js);
		return NULL;
	}
	js->idle = idle_start(app, &js->opts, js->sched);
	return js;
}

struct sched *jobs_scheduler_sched(struct jobs_scheduler *js)
{
	return js->sched;
}

void jobs_scheduler_stop(struct jobs_scheduler *js)
{
	if (!js)
		return;
	idle_stop(js->idle); /* first: they queue work for the scheduler */
	sched_stop(js->sched);
	if (js->lock_fd >= 0)
		close(js->lock_fd);
	free(js->config_path);
	free(js->data_dir);
	free(js->db_path);
	free(js);
}
