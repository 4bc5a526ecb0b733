/*
 * jobs: the job-kind table and the job services both faces call (L4).
 *
 * A kind is one file src/app/job_<kind>.c defining a `const struct job_kind`
 * plus one line in the table in src/app/jobs.c.  Kinds listed but not built
 * yet are refused when a job is added ("not built yet"), so nothing lands in
 * the queue that can only fail.
 *
 * Schedules: --at (one-off), --every DURATION, --cron "m h dom mon dow" in
 * the job's --tz zone, else [general] timezone (else the system's).
 * Priorities: each job gets its kind's (the table in jobs.c).  The scheduler
 * itself is sched.h; jobs_scheduler_start wires it to the app: lock, kinds,
 * per-worker apps.
 */
#ifndef VA_JOBS_H
#define VA_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "va/app.h"
#include "va/queue.h"
#include "va/sched.h"

/* The kind called `name`, or NULL. */
const struct job_kind *jobs_kind(const char *name);
/* The whole table (built and not-yet-built kinds). */
const struct job_kind *const *jobs_kinds(size_t *n);
/* 1 when the kind exists but does nothing yet. */
int jobs_kind_unbuilt(const struct job_kind *k);
/* The lease priority of kind `name`'s jobs (normal when the table has none). */
enum job_priority jobs_kind_priority(const char *name);

struct jobs_add_opts {
	const char *kind;
	const char *args;            /* kind-specific (command: a JSON array of argv) */
	const char *at, *every, *cron; /* at most one; none: now */
	const char *tz;              /* zone of --cron and a local --at (checked); NULL: TZ */
	const char *key;             /* no two active jobs share it */
	const char *idempotency_key; /* adding the same one twice adds one job */
	const char *misfire;         /* skip | once | catch_up; NULL: once */
	int64_t     grace;           /* seconds; 0: 300 */
	int64_t     expires_in;      /* seconds from now; 0: never */
	int         max_attempts;    /* 0: the kind's */
	const char *priority;        /* high | normal | low; NULL: the kind's */
};

/* Validate everything (kind, schedule, misfire, args) before storing: bad
 * input changes nothing.  The job id (an existing one with *existed set when
 * its key or idempotency key is taken), or -1 with *cause. */
int64_t jobs_add(struct app *app, const struct jobs_add_opts *o, int *existed, char **cause);
int     jobs_cancel(struct app *app, int64_t id, char **cause); /* 0, 1 not found/finished, -1 */
int     jobs_retry(struct app *app, int64_t id, char **cause);  /* 0, 1 not retryable, -1 */
/* A waiting job stops being run until resumed; run_now makes a waiting or
 * paused job due now.  0, 1 when the job's state does not allow it, -1. */
int     jobs_pause(struct app *app, int64_t id, char **cause);
int     jobs_resume(struct app *app, int64_t id, char **cause);
int     jobs_run_now(struct app *app, int64_t id, char **cause);

/* Follow up message `id`: if no reply arrives in its thread within `after`
 * seconds (business_days: counted in weekdays, whole days), it comes back
 * flagged and unread and, with `nudge` (a template name, or NULL), a nudge
 * goes out through the replies service's gates (reply_with_template, as an
 * automatic reply).  Schedules a followup_check job for the due time.
 * The follow-up id, or -1 with *cause (no such message, bad duration). */
int64_t jobs_followup(struct app *app, int64_t id, int64_t after, int business_days,
                      const char *nudge, char **cause);
/* Snooze message `id` until `until` (seconds since the epoch, in the
 * future): it moves to the SNOOZED_FOLDER folder (on the server too) and a
 * snooze_wake job brings it back to INBOX, unread, then.  The snooze id or -1. */
#define SNOOZED_FOLDER "Snoozed"
int64_t jobs_snooze(struct app *app, int64_t id, int64_t until, char **cause);

/* Make sure the periodic mail sync job exists ([scheduler] sync_every). */
int jobs_ensure_sync(struct app *app, char **cause);

/* Set TZ from [general] timezone (before any thread starts). */
void jobs_apply_timezone(struct app *app);

/* idle.c: one IMAP IDLE watcher thread per IMAP account ([scheduler] idle),
 * queueing a sync when new mail arrives (NULL: none to watch or off). */
struct idle_watch;
struct app_opts;
struct idle_watch *idle_start(struct app *app, const struct app_opts *opts, struct sched *s);
void               idle_stop(struct idle_watch *w);

struct jobs_scheduler;
/* Take the database's scheduler lock and start the scheduler with the kind
 * table and one app per worker (opened like `app`).  NULL with *cause, e.g.
 * when another scheduler holds the lock (the message names its pid). */
struct jobs_scheduler *jobs_scheduler_start(struct app *app, struct queue *events, char **cause);
struct sched          *jobs_scheduler_sched(struct jobs_scheduler *js);
/* Stop the scheduler (running jobs finish or checkpoint), release the lock. */
void                   jobs_scheduler_stop(struct jobs_scheduler *js);

#endif
