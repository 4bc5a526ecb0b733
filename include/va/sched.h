/*
 * sched: the scheduler thread and its worker pool (L3; DESIGN "Threads").
 *
 * Jobs live in the jobs table (store.h, "jobs" section) and survive restarts.
 * The scheduler thread owns one store connection; it picks due jobs, applies
 * expiry and the misfire policy, leases each job (state 'running', an owner
 * and a lease end it renews while the job runs) and hands it to a worker.
 * Each worker thread has its own store connection and its own context (an
 * app, opened through sched_opts.worker_open), runs the job kind's callback
 * and records the outcome, fenced by the lease.  A lease that ends because
 * its holder died is taken back; the job runs again (at-least-once: kinds
 * with side effects use the job's idempotency key).  A job never runs twice
 * at once, and no two active jobs share a key.
 *
 * sched/ knows job kinds only as struct job_kind (registered by app/jobs.c).
 * Times are milliseconds since the epoch unless a name says seconds.
 */
#ifndef VA_SCHED_H
#define VA_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "va/queue.h"
#include "va/store.h"

enum job_status {
	JOB_OK,          /* done */
	JOB_RETRY,       /* transient failure: retry with backoff while attempts remain */
	JOB_FAIL,        /* permanent failure: no retry */
	JOB_INTERRUPTED, /* stopped by shutdown: run again at the next start */
};

struct sched;

/* Lease order among due jobs (store.h, "Lease order"); each job carries one
 * (app/jobs.c gives it its kind's).  Work that keeps va current (sync,
 * classify, rules) is high; work that can wait (replies, analysis,
 * commands) low. */
enum job_priority {
	JOB_PRIORITY_LOW = STORE_JOB_PRIORITY_MIN,
	JOB_PRIORITY_NORMAL = 0,
	JOB_PRIORITY_HIGH = STORE_JOB_PRIORITY_MAX,
};

/* What a kind's run callback sees.  Valid during the call only. */
struct job_run {
	const struct store_job *job;    /* the row as leased (attempts counts this one) */
	void                   *ctx;    /* the worker's context (sched_opts.worker_open) */
	struct store           *store;  /* the worker's connection */
	struct sched           *sched;
	const char             *idempotency_key; /* the job's, else "job-ID" */
};

/* One kind of job.  run is called on a worker thread; it must not touch
 * another thread's data, should return JOB_INTERRUPTED soon after
 * sched_stopping() turns true, and puts a one-line reason in *error (owned
 * by the scheduler afterwards) for anything but JOB_OK. */
struct job_kind {
	const char *name;
	const char *summary;
	int         max_attempts; /* 0: 5 */
	int64_t     backoff_base; /* seconds; 0: 30 */
	int64_t     backoff_cap;  /* seconds; 0: 3600 */
	int64_t     lease;        /* seconds a run may go unrenewed; 0: 60 */
	/* Check args when a job is added (NULL: anything goes).  0 or -1 + *cause. */
	int (*check)(const char *args, char **cause);
	enum job_status (*run)(struct job_run *r, char **error);
};

struct sched_opts {
	const char *db_path;
	int         workers;  /* 0: 2 */
	const struct job_kind *const *kinds;
	size_t      nkinds;
	/* Per-worker context (an app); NULL hooks: ctx is NULL. */
	void *(*worker_open)(void *arg, char **cause);
	void  (*worker_close)(void *ctx);
	/* After a worker has had nothing to do for idle_rest_ms (0: 30 s), it
	 * drops its connection's page cache and calls worker_idle (NULL:
	 * nothing) to give back what the context caches.  On the worker's thread. */
	void  (*worker_idle)(void *ctx);
	int64_t idle_rest_ms;
	void       *arg;
	struct queue *events; /* job started/progress/done; NULL: none */
	int64_t     poll_ms;  /* longest sleep between looks at the table; 0: 250 */
	int64_t     lease_check_ms; /* how often leases are renewed and expired ones
	                               taken back; 0: every 20 s */
	int64_t     starve_ms; /* a due job overdue by this long gets up to a quarter of
	                          each lease batch whatever its priority; 0: 60 s */
	int         ahead;     /* jobs leased ahead per worker; 0: 32 */
};

/* Start the scheduler thread and workers.  The caller holds the database's
 * scheduler lock (sched_lock), so running jobs left by a dead holder are
 * taken back at once.  NULL with *cause on failure. */
struct sched *sched_start(const struct sched_opts *o, char **cause);
/* Stop: no new jobs start; running jobs finish or checkpoint (JOB_INTERRUPTED);
 * leased jobs that had not started are given back.  Joins all threads. */
void sched_stop(struct sched *s);
/* Look at the table now (a job was just added in this process). */
void sched_wake(struct sched *s);
/* Workers reopen their contexts (config reload) before their next job. */
void sched_reload(struct sched *s);
int  sched_stopping(const struct sched *s);
/* Report progress of the running job (stored and posted as an event). */
void sched_progress(struct job_run *r, const char *text);

/* Take the scheduler lock of database `db_path` (the file db_path.lock, which
 * then holds our pid).  The fd to keep open, or -1 with *cause naming the
 * holder's pid when another scheduler runs. */
int  sched_lock(const char *db_path, char **cause);
/* The pid holding the lock, or 0 when nobody does. */
long sched_lock_holder(const char *db_path);

/* Pure policy, exposed for tests. */
/* Full jitter: a delay in [0, min(cap, base * 2^(attempt-1))] seconds, as ms;
 * rnd is any 64-bit random number. */
int64_t sched_backoff_ms(int attempt, int64_t base_s, int64_t cap_s, uint64_t rnd);
/* What to do after a run ended with `status` at `now`. */
struct sched_outcome {
	const char *outcome; /* ok retry failed */
	const char *state;   /* ready done dead */
	int64_t     next_run;
	int         reset_attempts;
};
void sched_decide(const struct store_job *j, enum job_status status, int64_t now, uint64_t rnd,
                  struct sched_outcome *out);
int64_t sched_now_ms(void);

#endif
