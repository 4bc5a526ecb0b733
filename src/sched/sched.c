/*
 * sched: the scheduler thread, the worker pool, leases and retry policy.
 *
 * Threads: one scheduler thread and N workers share only `struct sched`'s
 * hand-off rings, one per priority (guarded by `lock`; `work` wakes
 * workers, `tick` wakes the scheduler).  Each thread opens its own store.
 * The scheduler leases at most workers * ahead (32) jobs ahead, so a crash
 * strands few leases, and those are taken back at the next start (we hold
 * the database's scheduler lock) or when their lease ends.  Workers take
 * the highest-priority leased job first.
 *
 * A job's life per attempt: ready -> (lease + journal row) running ->
 * (outcome + journal end, fenced by the lease) ready/done/dead.  Only the
 * scheduler thread writes job rows: workers hand finished runs back, and
 * each loop turn records them and leases the next due jobs in one
 * transaction (group commit, through the store's prepared job queue
 * statements, store_jobq).  A crash between a run's end and that commit
 * re-runs the job: runs are at-least-once, effects go by the idempotency
 * key.  The policy after a run is sched_decide (pure).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "va/cron.h"
#include "va/log.h"
#include "va/sched.h"
#include "va/util.h"

#define DEFAULT_LEASE_S 60
#define NLEVELS (STORE_JOB_PRIORITY_MAX - STORE_JOB_PRIORITY_MIN + 1)

/* Leased jobs of one priority waiting for a worker, first in first out. */
struct ring {
	struct store_job *a;
	size_t            cap, head, len;
};

struct sched {
	struct sched_opts opts;
	char             *owner;     /* lease owner: "pid:random" */
	pthread_t         thread;
	pthread_t        *workers;
	int               nworkers;
	pthread_mutex_t   lock;
	pthread_cond_t    work, tick;
	struct ring       rings[NLEVELS]; /* by priority, lowest first */
	size_t            queued;    /* jobs in the rings */
	struct done      *done;      /* finished, waiting to be recorded */
	size_t            ndone, done_cap;
	int               busy;      /* jobs being run */
	int               stopping, woken;
	unsigned          generation; /* bumped by sched_reload */
	struct store     *st;        /* the scheduler thread's connection */
	struct store_jobq *q;        /* its prepared job statements */
};

int64_t sched_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* xorshift64*, seeded per thread. */
static uint64_t rand64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t rand_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40) ^
	        (uint64_t)(uintptr_t)&ts) | 1;
}

int64_t sched_backoff_ms(int attempt, int64_t base_s, int64_t cap_s, uint64_t rnd)
{
	int64_t ceil_ms = base_s * 1000, cap_ms = cap_s * 1000;
	int i;

	for (i = 1; i < attempt && ceil_ms < cap_ms; i++)
		ceil_ms *= 2;
	if (ceil_ms > cap_ms)
		ceil_ms = cap_ms;
	if (ceil_ms <= 0)
		return 0;
	return (int64_t)(rnd % (uint64_t)(ceil_ms + 1));
}

/* The first occurrence after `now` (misfire skip/once), or after the one that
 * fired (catch_up); -1 when the schedule does not recur. */
static int64_t following_run(const struct store_job *j, int64_t now)
{
	struct schedule s;
	int64_t prev = j->next_run / 1000, t;

	if (schedule_parse(&s, j->schedule, j->spec, NULL) < 0 || s.kind == SCHEDULE_ONCE)
		return -1;
	s.tz = j->timezone;
	if (j->misfire && !strcmp(j->misfire, "catch_up"))
		return (t = schedule_next(&s, prev)) < 0 ? -1 : t * 1000;
	if (s.kind == SCHEDULE_EVERY) {
		t = prev + s.every;
		if (t * 1000 <= now)
			t += ((now / 1000 - t) / s.every + 1) * s.every;
		return t * 1000;
	}
	t = schedule_next(&s, prev > now / 1000 ? prev : now / 1000);
	return t < 0 ? -1 : t * 1000;
}

/* Done with this occurrence: the next one, or done/dead for a one-off. */
static void settle_occurrence(const struct store_job *j, int64_t now, int ok,
                              struct sched_outcome *out)
{
	int64_t next = following_run(j, now);

	if (next > 0 && (j->expires_at <= 0 || next <= j->expires_at)) {
		out->reset_attempts = 1; /* a new occurrence starts afresh */
		out->state = "ready";
		out->next_run = next;
	} else {
		out->state = ok ? "done" : "dead";
		out->next_run = 0;
	}
}

void sched_decide(const struct store_job *j, enum job_status status, int64_t now, uint64_t rnd,
                  struct sched_outcome *out)
{
	int64_t delay;

	memset(out, 0, sizeof *out);
	if (status == JOB_OK) {
		out->outcome = "ok";
		settle_occurrence(j, now, 1, out);
		return;
	}
	if (status == JOB_INTERRUPTED) {
		out->outcome = "retry";
		out->state = "ready";
		out->next_run = now;
		return;
	}
	delay = sched_backoff_ms(j->attempts, j->backoff_base, j->backoff_cap, rnd);
	if (status == JOB_RETRY && j->attempts < j->max_attempts &&
	    (j->expires_at <= 0 || now + delay <= j->expires_at)) {
		out->outcome = "retry";
		out->state = "ready";
		out->next_run = now + delay;
		return;
	}
	out->outcome = "failed";
	settle_occurrence(j, now, 0, out);
}

/* ---- the hand-off rings (callers hold s->lock) ---- */

static void ring_push(struct sched *s, struct store_job *j)
{
	int p = j->priority < STORE_JOB_PRIORITY_MIN   ? STORE_JOB_PRIORITY_MIN
	        : j->priority > STORE_JOB_PRIORITY_MAX ? STORE_JOB_PRIORITY_MAX
	                                               : j->priority;
	struct ring *r = &s->rings[p - STORE_JOB_PRIORITY_MIN];

	if (r->len == r->cap) {
		size_t i, cap = r->cap ? r->cap * 2 : 8;
		struct store_job *n = xcalloc(cap, sizeof *n);
		for (i = 0; i < r->len; i++)
			n[i] = r->a[(r->head + i) % r->cap];
		free(r->a);
		r->a = n;
		r->cap = cap;
		r->head = 0;
	}
	r->a[(r->head + r->len++) % r->cap] = *j;
	s->queued++;
	memset(j, 0, sizeof *j);
}

/* The oldest leased job of the highest priority. */
static int ring_pop(struct sched *s, struct store_job *out)
{
	struct ring *r;
	int i;

	for (i = NLEVELS - 1; i >= 0; i--) {
		r = &s->rings[i];
		if (r->len == 0)
			continue;
		*out = r->a[r->head];
		r->head = (r->head + 1) % r->cap;
		r->len--;
		s->queued--;
		return 1;
	}
	return 0;
}

static const struct job_kind *find_kind(const struct sched *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->opts.nkinds; i++)
		if (!strcmp(s->opts.kinds[i]->name, name))
			return s->opts.kinds[i];
	return NULL;
}

static int64_t lease_ms(const struct sched *s, const char *kind)
{
	const struct job_kind *k = find_kind(s, kind);

	return (k && k->lease > 0 ? k->lease : DEFAULT_LEASE_S) * 1000;
}

static void post(struct sched *s, enum event_type type, int64_t id, const char *text)
{
	if (s->opts.events)
		queue_push(s->opts.events, type, id, text);
}

/* ---- the worker ---- */

struct worker {
	struct sched *s;
	int           index;
	struct store *st;
	void         *ctx;
	unsigned      generation;
	uint64_t      rng;
};

static int worker_open_ctx(struct worker *w)
{
	char *cause = NULL;

	w->generation = w->s->generation;
	if (!w->s->opts.worker_open)
		return 0;
	w->ctx = w->s->opts.worker_open(w->s->opts.arg, &cause);
	if (!w->ctx) {
		log_error("scheduler: worker %d cannot open its context: %s", w->index, cause);
		free(cause);
		return -1;
	}
	return 0;
}

static void worker_close_ctx(struct worker *w)
{
	if (w->ctx && w->s->opts.worker_close)
		w->s->opts.worker_close(w->ctx);
	w->ctx = NULL;
}

static enum job_status run_kind(struct worker *w, struct store_job *j, char **error)
{
	const struct job_kind *k = find_kind(w->s, j->kind);
	char *idem = j->idempotency_key ? NULL : xasprintf("job-%lld", (long long)j->id);
	struct job_run r = {j, w->ctx, w->st, w->s, j->idempotency_key ? j->idempotency_key : idem};
	enum job_status st;

	if (!k || !k->run) {
		*error = xasprintf(k ? "job kind \"%s\" is not built yet" : "unknown job kind \"%s\"",
		                   j->kind);
		st = JOB_FAIL;
	} else if (w->s->opts.worker_open && !w->ctx) {
		*error = xstrdup("the worker could not open the database or config");
		st = JOB_RETRY;
	} else {
		st = k->run(&r, error);
	}
	free(idem);
	return st;
}

/* A finished run, recorded by the scheduler thread in its next batch. */
struct done {
	struct store_job     job;
	struct sched_outcome o;
	char                *error;
	int64_t              started, ended;
};

static void worker_finish(struct worker *w, struct store_job *j, int64_t started,
                          enum job_status status, char *error)
{
	struct sched *s = w->s;
	struct done *d;

	pthread_mutex_lock(&s->lock);
	xgrow((void **)&s->done, &s->done_cap, s->ndone + 1, sizeof *s->done);
	d = &s->done[s->ndone++];
	d->started = started;
	d->ended = sched_now_ms();
	sched_decide(j, status, d->ended, rand64(&w->rng), &d->o);
	d->job = *j;
	d->error = status == JOB_OK ? (free(error), NULL) : error;
	memset(j, 0, sizeof *j);
	pthread_mutex_unlock(&s->lock);
}

static void worker_run_one(struct worker *w, struct store_job *j)
{
	enum job_status status;
	char *error = NULL;
	int64_t started;

	if (w->generation != w->s->generation) {
		worker_close_ctx(w);
		worker_open_ctx(w);
	}
	post(w->s, EV_JOB_STARTED, j->id, j->kind);
	started = sched_now_ms();
	status = run_kind(w, j, &error);
	if (status != JOB_OK && !error)
		error = xstrdup("no reason given");
	worker_finish(w, j, started, status, error);
}

/* The CLOCK_REALTIME time ms from now, for pthread_cond_timedwait. */
static struct timespec deadline_in(int64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

/* A worker with nothing to do for idle_rest_ms gives back what it cached:
 * its connection's page cache, and what its context keeps (worker_idle). */
#define IDLE_REST_MS 30000

static void worker_rest(struct worker *w)
{
	store_release_memory(w->st);
	if (w->ctx && w->s->opts.worker_idle)
		w->s->opts.worker_idle(w->ctx);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct sched *s = w->s;
	struct store_job j;

	int rested = 1; /* memory given back since the last job */
	int64_t rest;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!sched_stopping(s) && s->queued == 0) {
			struct timespec until;

			if (rested) {
				pthread_cond_wait(&s->work, &s->lock);
				continue;
			}
			rest = s->opts.idle_rest_ms > 0 ? s->opts.idle_rest_ms : IDLE_REST_MS;
			until = deadline_in(rest);
			if (pthread_cond_timedwait(&s->work, &s->lock, &until) == ETIMEDOUT &&
			    s->queued == 0) {
				pthread_mutex_unlock(&s->lock);
				worker_rest(w);
				pthread_mutex_lock(&s->lock);
				rested = 1;
			}
		}
		if (sched_stopping(s) || !ring_pop(s, &j))
			break;
		rested = 0;
		s->busy++;
		pthread_mutex_unlock(&s->lock);
		worker_run_one(w, &j);
		store_job_release(&j);
		pthread_mutex_lock(&s->lock);
		s->busy--;
		s->woken = 1;
		pthread_cond_signal(&s->tick);
	}
	pthread_mutex_unlock(&s->lock);
	worker_close_ctx(w);
	store_close(w->st);
	free(w);
	return NULL;
}

/* ---- the scheduler thread ---- */

static void record_one(struct sched *s, struct done *d)
{
	char *cause = NULL;
	int rc = store_jobq_finish(s->q, &d->job, s->owner, d->started, d->ended, d->o.outcome,
	                           d->error, d->o.state, d->o.next_run, d->o.reset_attempts, &cause);

	if (rc < 0)
		log_error("scheduler: job %lld: cannot record its outcome: %s", (long long)d->job.id,
		          cause);
	else if (rc == 1)
		log_warn("scheduler: job %lld: lease lost before it finished; outcome dropped",
		         (long long)d->job.id);
	else if (strcmp(d->o.outcome, "ok"))
		log_info("scheduler: job %lld (%s) attempt %d: %s: %s", (long long)d->job.id,
		         d->job.kind, d->job.attempts, d->o.outcome, d->error ? d->error : "");
	free(cause);
}

/* Expired, or missed under misfire = skip: settle without running.  1 when
 * handled, 0 when the job should run. */
static int settle_unrun(struct sched *s, struct store_job *j, int64_t now)
{
	char *cause = NULL, *why;
	int64_t late = now - j->next_run, next;
	int rc;

	if (j->expires_at > 0 && now > j->expires_at) {
		why = xstrdup("expired before it could run");
		rc = store_jobq_settle(s->q, j, now, "expired", why, "dead", 0, &cause);
	} else if (late > j->grace * 1000 && j->misfire && !strcmp(j->misfire, "skip")) {
		why = xasprintf("missed by %llds (misfire = skip)", (long long)(late / 1000));
		next = following_run(j, now);
		rc = store_jobq_settle(s->q, j, now, NULL, why, next > 0 ? "ready" : "dead", next,
		                       &cause);
	} else {
		return 0;
	}
	if (rc < 0)
		log_error("scheduler: job %lld: %s", (long long)j->id, cause);
	free(why);
	free(cause);
	return 1;
}

/* Lease due jobs up to `room` inside the turn's transaction: the leased ones
 * stay in due[0..*k). */
static void lease_due(struct sched *s, size_t room, int min_priority, int64_t now,
                      struct store_job **due, size_t *k)
{
	int64_t starve = min_priority > STORE_JOB_PRIORITY_MIN ? 0 : now - s->opts.starve_ms;
	size_t n = 0, i;
	char *cause = NULL;

	*due = NULL;
	*k = 0;
	if (store_jobq_due(s->q, now, starve, min_priority, room, due, &n, &cause) < 0) {
		log_error("scheduler: %s", cause);
		free(cause);
		return;
	}
	for (i = 0; i < n; i++) {
		if (settle_unrun(s, &(*due)[i], now) ||
		    store_jobq_start(s->q, &(*due)[i], s->owner, now,
		                     now + lease_ms(s, (*due)[i].kind), &cause) != 0) {
			store_job_release(&(*due)[i]); /* settled, taken meanwhile, or an error */
			x_free(&cause);
			continue;
		}
		(*due)[(*k)++] = (*due)[i];
	}
}

/* Hand back finished runs that could not be recorded (the next turn tries
 * again: the leases are still ours). */
static void requeue_done(struct sched *s, struct done *batch, size_t n)
{
	pthread_mutex_lock(&s->lock);
	xgrow((void **)&s->done, &s->done_cap, s->ndone + n, sizeof *s->done);
	memcpy(s->done + s->ndone, batch, n * sizeof *batch);
	s->ndone += n;
	pthread_mutex_unlock(&s->lock);
	free(batch);
}

static size_t room(struct sched *s)
{
	size_t cap = (size_t)s->nworkers * (size_t)s->opts.ahead, used;

	pthread_mutex_lock(&s->lock);
	used = s->queued + (size_t)s->busy;
	pthread_mutex_unlock(&s->lock);
	return used >= cap ? 0 : cap - used;
}

/* When room() is 0: still up to one job per worker of a priority above the
 * lowest one waiting in the rings (*min_priority), so a sync due now does not
 * wait behind a full lease batch of replies. */
static size_t overtake_room(struct sched *s, int *min_priority)
{
	size_t above = 0;
	int i, lowest = -1;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < NLEVELS; i++)
		if (s->rings[i].len > 0 && lowest < 0)
			lowest = i;
		else
			above += s->rings[i].len;
	pthread_mutex_unlock(&s->lock);
	if (lowest < 0 || lowest == NLEVELS - 1 || above >= (size_t)s->nworkers)
		return 0;
	*min_priority = STORE_JOB_PRIORITY_MIN + lowest + 1;
	return (size_t)s->nworkers - above;
}

/* One loop turn: record every finished run and (unless `lease` is 0) lease
 * the next due jobs, in one transaction (group commit), then hand the leased
 * jobs to the workers. */
static void turn(struct sched *s, int lease)
{
	struct done *batch;
	struct store_job *due = NULL;
	size_t nd, k = 0, i, r = lease ? room(s) : 0;
	char *cause = NULL;
	int64_t now = sched_now_ms();
	int min_priority = STORE_JOB_PRIORITY_MIN;

	if (lease && r == 0)
		r = overtake_room(s, &min_priority);

	pthread_mutex_lock(&s->lock);
	batch = s->done, nd = s->ndone;
	s->done = NULL, s->ndone = s->done_cap = 0;
	pthread_mutex_unlock(&s->lock);
	if (nd == 0 && r == 0)
		return;
	if (store_jobq_begin(s->q, &cause) < 0) {
		log_error("scheduler: %s", cause);
		free(cause);
		requeue_done(s, batch, nd);
		return;
	}
	for (i = 0; i < nd; i++)
		record_one(s, &batch[i]);
	if (r > 0)
		lease_due(s, r, min_priority, now, &due, &k);
	if (store_jobq_commit(s->q, &cause) < 0) {
		log_error("scheduler: cannot record %zu outcome(s) and lease jobs: %s", nd, cause);
		free(cause);
		store_jobs_free(due, k);
		requeue_done(s, batch, nd);
		return;
	}
	for (i = 0; i < nd; i++) {
		post(s, EV_JOB_DONE, batch[i].job.id, batch[i].o.outcome);
		store_job_release(&batch[i].job);
		free(batch[i].error);
	}
	free(batch);
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < k; i++)
		ring_push(s, &due[i]);
	if (k > 0)
		pthread_cond_broadcast(&s->work);
	pthread_mutex_unlock(&s->lock);
	free(due);
}

static void maintain_leases(struct sched *s, int64_t now)
{
	char *cause = NULL;
	int n;

	if (store_job_renew(s->st, s->owner, now + DEFAULT_LEASE_S * 1000, &cause) < 0)
		log_error("scheduler: %s", cause);
	x_free(&cause);
	n = store_job_reclaim(s->st, now, s->owner, 0, &cause);
	if (n < 0)
		log_error("scheduler: %s", cause);
	else if (n > 0)
		log_warn("scheduler: took back %d job(s) whose lease ended", n);
	free(cause);
}

/* How long to sleep: until the next due job, at most poll_ms. */
static int64_t sleep_ms(struct sched *s, int64_t now)
{
	int64_t next = 0, d = s->opts.poll_ms;
	char *cause = NULL;

	if (store_jobq_next_due(s->q, &next, &cause) < 0)
		free(cause);
	else if (next > 0 && next - now < d)
		d = next - now;
	return d < 0 ? 0 : d;
}

static void wait_ms(struct sched *s, int64_t ms)
{
	struct timespec ts = deadline_in(ms);

	pthread_mutex_lock(&s->lock);
	if (!sched_stopping(s) && !s->woken)
		pthread_cond_timedwait(&s->tick, &s->lock, &ts);
	s->woken = 0;
	pthread_mutex_unlock(&s->lock);
}

static void *sched_main(void *arg)
{
	struct sched *s = arg;
	int64_t now, last_renew = 0;

	while (!sched_stopping(s)) {
		now = sched_now_ms();
		if (now - last_renew >= s->opts.lease_check_ms) {
			maintain_leases(s, now);
			last_renew = now;
		}
		turn(s, 1);
		if (room(s) == 0)
			wait_ms(s, s->opts.poll_ms); /* a worker's tick wakes us */
		else
			wait_ms(s, sleep_ms(s, sched_now_ms()));
	}
	return NULL;
}

/* ---- lifecycle ---- */

static int start_workers(struct sched *s, char **cause)
{
	int i;

	s->workers = xcalloc((size_t)s->nworkers, sizeof *s->workers);
	for (i = 0; i < s->nworkers; i++) {
		struct worker *w = xcalloc(1, sizeof *w);
		w->s = s;
		w->index = i;
		w->rng = rand_seed() ^ ((uint64_t)i << 32);
		if (!(w->st = store_open(s->opts.db_path, cause))) {
			free(w);
			return -1;
		}
		worker_open_ctx(w);
		if (pthread_create(&s->workers[i], NULL, worker_main, w) != 0) {
			worker_close_ctx(w);
			store_close(w->st);
			free(w);
			return set_cause(cause, "cannot start a worker thread");
		}
	}
	return 0;
}

struct sched *sched_start(const struct sched_opts *o, char **cause)
{
	struct sched *s = xcalloc(1, sizeof *s);
	uint64_t seed = rand_seed();
	int n;

	s->opts = *o;
	s->opts.poll_ms = o->poll_ms > 0 ? o->poll_ms : 250;
	s->opts.lease_check_ms = o->lease_check_ms > 0 ? o->lease_check_ms : DEFAULT_LEASE_S * 1000 / 3;
	s->opts.starve_ms = o->starve_ms > 0 ? o->starve_ms : 60000;
	s->opts.ahead = o->ahead > 0 ? o->ahead : 32;
	s->nworkers = o->workers > 0 ? o->workers : 2;
	s->owner = xasprintf("%ld:%08llx", (long)getpid(), (unsigned long long)(rand64(&seed) >> 32));
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_cond_init(&s->tick, NULL);
	if (!(s->st = store_open(o->db_path, cause)))
		goto fail;
	s->q = store_jobq_new(s->st);
	n = store_job_reclaim(s->st, sched_now_ms(), s->owner, 1, cause);
	if (n < 0)
		goto fail;
	if (n > 0)
		log_warn("scheduler: took back %d job(s) left running by a previous scheduler", n);
	if (start_workers(s, cause) < 0 || pthread_create(&s->thread, NULL, sched_main, s) != 0) {
		if (cause && !*cause)
			set_cause(cause, "cannot start the scheduler thread");
		sched_stop(s);
		return NULL;
	}
	log_info("scheduler: started with %d workers (lease owner %s)", s->nworkers, s->owner);
	return s;
fail:
	store_jobq_free(s->q);
	store_close(s->st);
	free(s->owner);
	free(s);
	return NULL;
}

/* Leased jobs no worker started: give them back. */
static void give_back(struct sched *s)
{
	struct store_job j;
	char *cause = NULL;

	while (ring_pop(s, &j)) {
		if (store_job_unlease(s->st, &j, s->owner, &cause) < 0)
			log_error("scheduler: job %lld: %s", (long long)j.id, cause);
		x_free(&cause);
		store_job_release(&j);
	}
}

void sched_stop(struct sched *s)
{
	int i;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	__atomic_store_n(&s->stopping, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&s->work);
	pthread_cond_broadcast(&s->tick);
	pthread_mutex_unlock(&s->lock);
	if (s->thread)
		pthread_join(s->thread, NULL);
	for (i = 0; s->workers && i < s->nworkers; i++)
		if (s->workers[i])
			pthread_join(s->workers[i], NULL);
	turn(s, 0);
	give_back(s);
	log_info("scheduler: stopped");
	for (i = 0; i < (int)s->ndone; i++) { /* could not be recorded: they run again */
		store_job_release(&s->done[i].job);
		free(s->done[i].error);
	}
	store_jobq_free(s->q);
	store_close(s->st);
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->tick);
	pthread_mutex_destroy(&s->lock);
	for (i = 0; i < NLEVELS; i++)
		free(s->rings[i].a);
	free(s->done);
	free(s->workers);
	free(s->owner);
	free(s);
}

void sched_wake(struct sched *s)
{
	pthread_mutex_lock(&s->lock);
	s->woken = 1;
	pthread_cond_signal(&s->tick);
	pthread_mutex_unlock(&s->lock);
}

void sched_reload(struct sched *s)
{
	pthread_mutex_lock(&s->lock);
	s->generation++;
	pthread_mutex_unlock(&s->lock);
}

int sched_stopping(const struct sched *s)
{
	return __atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE);
}

void sched_progress(struct job_run *r, const char *text)
{
	char *cause = NULL;

	if (store_job_set_progress(r->store, r->job->id, text, &cause) < 0)
		free(cause);
	post(r->sched, EV_JOB_PROGRESS, r->job->id, text);
}

/* ---- the per-database lock ---- */

static char *lock_path(const char *db_path)
{
	return xasprintf("%s.lock", db_path);
}

int sched_lock(const char *db_path, char **cause)
{
	char *path = lock_path(db_path), buf[32];
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	long holder;

	if (fd < 0) {
		set_cause(cause, "cannot open the scheduler lock \"%s\": %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		holder = sched_lock_holder(db_path);
		set_cause(cause, "another scheduler (pid %ld) already runs on \"%s\"", holder, db_path);
		free(path);
		return -1;
	}
	snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, strlen(buf), 0) < 0)
		log_warn("scheduler: cannot write the lock file \"%s\"", path);
	free(path);
	return fd;
}

long sched_lock_holder(const char *db_path)
{
	char *path = lock_path(db_path), buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	long pid = 0;

	free(path);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		close(fd); /* nobody holds it exclusively */
		return 0;
	}
	n = pread(fd, buf, sizeof buf - 1, 0);
	close(fd);
	if (n > 0) {
		buf[n] = 0;
		pid = strtol(buf, NULL, 10);
	}
	return pid > 0 ? pid : -1;
}
