/* test_sched: the retry policy (backoff and jitter bounds, decisions), and the
 * scheduler itself on a real database: 1,000 jobs due at once run exactly
 * once, lease expiry, keys and idempotency keys, misfire, expiry, shutdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "va/sched.h"
#include "va/store.h"
#include "va/util.h"

#define NJOBS 1000

static int counts[NJOBS + 64]; /* runs per job id, updated atomically by workers */

static enum job_status count_run(struct job_run *r, char **error)
{
	(void)error;
	if (r->job->id < (int64_t)VA_ARRAY_LEN(counts))
		__atomic_add_fetch(&counts[r->job->id], 1, __ATOMIC_SEQ_CST);
	return JOB_OK;
}

static enum job_status flaky_run(struct job_run *r, char **error)
{
	count_run(r, error);
	*error = xstrdup("flaky");
	return JOB_RETRY;
}

static enum job_status slow_run(struct job_run *r, char **error)
{
	struct timespec ts = {0, 20000000};
	int i;

	for (i = 0; i < 250; i++) {
		if (sched_stopping(r->sched)) {
			*error = xstrdup("interrupted");
			return JOB_INTERRUPTED;
		}
		nanosleep(&ts, NULL);
	}
	return JOB_OK;
}

static int64_t order[64]; /* job ids in the order they started */
static int     norder;

static enum job_status order_run(struct job_run *r, char **error)
{
	int i = __atomic_fetch_add(&norder, 1, __ATOMIC_SEQ_CST);

	if (i < (int)VA_ARRAY_LEN(order))
		order[i] = r->job->id;
	return count_run(r, error);
}

static const struct job_kind k_count = {.name = "count", .summary = "", .run = count_run};
static enum job_status order_slow_run(struct job_run *r, char **error)
{
	usleep(150000);
	return order_run(r, error);
}

static const struct job_kind k_order = {.name = "order", .summary = "", .run = order_run};
static const struct job_kind k_order_slow = {.name = "order_slow", .summary = "",
                                             .run = order_slow_run};
static const struct job_kind k_flaky = {.name = "flaky", .summary = "", .run = flaky_run};
static const struct job_kind k_slow = {.name = "slow", .summary = "", .run = slow_run};
static const struct job_kind *const kinds[] = {&k_count, &k_flaky, &k_slow, &k_order,
                                               &k_order_slow};

struct fixture {
	char          dir[64];
	char         *db;
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	snprintf(f->dir, sizeof f->dir, "/tmp/va-sched-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->db = xasprintf("%s/va.db", f->dir);
	f->st = store_open(f->db, &cause);
	assert_non_null(f->st);
	memset(counts, 0, sizeof counts);
	norder = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	store_close(f->st);
	pid_t pid = -1;

	if (strncmp(f->dir, "/tmp/va-sched-", 14) == 0 && (pid = fork()) == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(1);
	} else if (pid > 0) {
		waitpid(pid, NULL, 0);
	}
	free(cmd);
	free(f->db);
	free(f);
	return 0;
}

static struct sched *start_ahead(struct fixture *f, int workers, int ahead);

static struct sched *start(struct fixture *f, int workers)
{
	return start_ahead(f, workers, 0);
}

static struct sched *start_ahead(struct fixture *f, int workers, int ahead)
{
	struct sched_opts o;
	struct sched *s;
	char *cause = NULL;

	memset(&o, 0, sizeof o);
	o.db_path = f->db;
	o.workers = workers;
	o.kinds = kinds;
	o.nkinds = VA_ARRAY_LEN(kinds);
	o.poll_ms = 50;
	o.lease_check_ms = 100;
	o.ahead = ahead;
	s = sched_start(&o, &cause);
	if (!s)
		fail_msg("sched_start: %s", cause);
	return s;
}

static int64_t add_prio(struct fixture *f, const char *kind, int64_t next_run, int priority)
{
	struct store_job j;
	char *cause = NULL;
	int existed;
	int64_t id;

	memset(&j, 0, sizeof j);
	j.kind = (char *)kind;
	j.next_run = next_run;
	j.priority = priority;
	j.created_at = sched_now_ms();
	id = store_job_add(f->st, &j, &existed, &cause);
	assert_true(id > 0);
	return id;
}

static int64_t add(struct fixture *f, const char *kind, const char *schedule, const char *spec,
                   int64_t next_run)
{
	struct store_job j;
	char *cause = NULL;
	int existed;
	int64_t id;

	memset(&j, 0, sizeof j);
	j.kind = (char *)kind;
	j.schedule = (char *)schedule;
	j.spec = (char *)spec;
	j.next_run = next_run;
	j.created_at = sched_now_ms();
	j.backoff_base = 1;
	j.backoff_cap = 1;
	id = store_job_add(f->st, &j, &existed, &cause);
	assert_true(id > 0);
	return id;
}

static struct store_job get(struct fixture *f, int64_t id)
{
	struct store_job j;
	char *cause = NULL;

	assert_int_equal(store_job_get(f->st, id, &j, &cause), 0);
	return j;
}

/* Wait (up to `secs`) until no job is ready-and-due or running. */
static void wait_idle(struct fixture *f, int secs)
{
	struct timespec ts = {0, 20000000};
	struct store_job *l;
	size_t n, i, busy;
	char *cause = NULL;
	int k;

	for (k = 0; k < secs * 50; k++) {
		assert_int_equal(store_job_list(f->st, NULL, &l, &n, &cause), 0);
		for (i = 0, busy = 0; i < n; i++)
			busy += !strcmp(l[i].state, "running") ||
			        (!strcmp(l[i].state, "ready") && l[i].next_run <= sched_now_ms());
		store_jobs_free(l, n);
		if (!busy)
			return;
		nanosleep(&ts, NULL);
	}
	fail_msg("jobs still pending after %ds", secs);
}

static void test_backoff_bounds(void **state)
{
	uint64_t x = 88172645463325252ULL;
	int a, i, high;

	(void)state;
	for (a = 1; a <= 12; a++) {
		int64_t ceil_ms = 2000LL << (a - 1);
		if (ceil_ms > 60000)
			ceil_ms = 60000;
		for (i = 0, high = 0; i < 2000; i++) {
			int64_t d;
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			d = sched_backoff_ms(a, 2, 60, x);
			assert_true(d >= 0 && d <= ceil_ms);
			high += d > ceil_ms / 2;
		}
		assert_true(high > 800 && high < 1200); /* full jitter: spread over the range */
		assert_int_equal(sched_backoff_ms(a, 2, 60, (uint64_t)ceil_ms), ceil_ms);
		assert_int_equal(sched_backoff_ms(a, 2, 60, 0), 0);
	}
	assert_int_equal(sched_backoff_ms(100, 30, 3600, UINT64_MAX), UINT64_MAX % 3600001);
}

static void test_decide(void **state)
{
	struct store_job j;
	struct sched_outcome o;
	int64_t now = 1800000000000LL;

	(void)state;
	memset(&j, 0, sizeof j);
	j.schedule = "once";
	j.attempts = 1;
	j.max_attempts = 3;
	j.backoff_base = 10;
	j.backoff_cap = 100;
	j.next_run = now - 5;
	sched_decide(&j, JOB_RETRY, now, 123456789, &o);
	assert_string_equal(o.outcome, "retry");
	assert_string_equal(o.state, "ready");
	assert_true(o.next_run >= now && o.next_run <= now + 10000);
	sched_decide(&j, JOB_FAIL, now, 1, &o); /* permanent: no retry */
	assert_string_equal(o.outcome, "failed");
	assert_string_equal(o.state, "dead");
	j.attempts = 3;
	sched_decide(&j, JOB_RETRY, now, 1, &o); /* out of attempts */
	assert_string_equal(o.state, "dead");
	assert_int_equal(o.reset_attempts, 0); /* dead jobs show how many tries they had */
	j.attempts = 1;
	j.expires_at = now + 5; /* the retry would land after expiry */
	sched_decide(&j, JOB_RETRY, now, 9999, &o);
	assert_string_equal(o.state, "dead");
	j.expires_at = 0;
	sched_decide(&j, JOB_OK, now, 1, &o);
	assert_string_equal(o.state, "done");
	j.schedule = "every";
	j.spec = "10m";
	j.next_run = now - 1000;
	sched_decide(&j, JOB_FAIL, now, 1, &o); /* a recurring job moves on */
	assert_string_equal(o.state, "ready");
	assert_int_equal(o.reset_attempts, 1);
	assert_true(o.next_run > now && o.next_run <= now + 600000);
	sched_decide(&j, JOB_INTERRUPTED, now, 1, &o);
	assert_string_equal(o.outcome, "retry");
	assert_int_equal(o.next_run, now);
}

static void test_thousand_due_at_once(void **state)
{
	struct fixture *f = *state;
	int64_t due = (sched_now_ms() / 1000 + 1) * 1000, ok;
	struct sched *s;
	char *cause = NULL;
	int i, ones = 0;

	for (i = 0; i < NJOBS; i++)
		add(f, "count", "once", NULL, due + (i % 997)); /* all within one second */
	s = start(f, 2);
	for (i = 0; i < 3000 && store_job_run_count(f->st, 0, "ok", &cause) < NJOBS; i++)
		usleep(20000);
	usleep(200000); /* time for a duplicate to show, were there one */
	sched_stop(s);
	for (i = 1; i <= NJOBS; i++)
		ones += counts[i] == 1;
	assert_int_equal(ones, NJOBS);
	ok = store_job_run_count(f->st, 0, "ok", &cause);
	assert_int_equal(ok, NJOBS);
	assert_int_equal(store_job_run_count(f->st, 0, NULL, &cause), NJOBS);
}

/* A worker elsewhere holds a job and dies: once its lease ends, the job runs
 * (once), the dead run is journaled as crashed, and a late finish from the
 * dead holder is refused. */
static void test_lease_expiry(void **state)
{
	struct fixture *f = *state;
	int64_t now = sched_now_ms(), id = add(f, "count", "once", NULL, now + 3600 * 1000);
	struct store_job j = get(f, id);
	struct sched *s = start(f, 2);
	char *cause = NULL;
	int i;

	assert_int_equal(store_job_start(f->st, &j, "ghost:1", now, now + 600, &cause), 0);
	usleep(300000);
	assert_int_equal(counts[id], 0); /* never twice at once: not taken while leased */
	for (i = 0; i < 500 && counts[id] == 0; i++)
		usleep(20000);
	usleep(200000);
	sched_stop(s);
	{
		struct store_job d = get(f, id);
		if (counts[id] != 1)
			fail_msg("ran %d times; state %s next %lld now %lld err %s", counts[id], d.state,
			         (long long)d.next_run, (long long)sched_now_ms(), d.last_error);
		store_job_release(&d);
	}
	assert_int_equal(store_job_finish(f->st, &j, "ghost:1", 0, now, "ok", NULL, "done", 0, 0, &cause),
	                 1);
	store_job_release(&j);
	j = get(f, id);
	assert_string_equal(j.state, "done");
	store_job_release(&j);
	assert_int_equal(store_job_run_count(f->st, id, "crashed", &cause), 1);
	assert_int_equal(store_job_run_count(f->st, id, "ok", &cause), 1);
}

/* A scheduler that starts (holding the lock) takes back what a dead one left
 * running at once, without waiting for the lease. */
static void test_takeover_at_start(void **state)
{
	struct fixture *f = *state;
	int64_t now = sched_now_ms(), id = add(f, "count", "once", NULL, now);
	struct store_job j = get(f, id);
	struct sched *s;
	char *cause = NULL;
	int i;

	assert_int_equal(store_job_start(f->st, &j, "dead:1", now, now + 3600 * 1000, &cause), 0);
	store_job_release(&j);
	s = start(f, 2);
	for (i = 0; i < 500 && counts[id] == 0; i++)
		usleep(20000);
	sched_stop(s);
	assert_int_equal(counts[id], 1);
	assert_int_equal(store_job_run_count(f->st, id, "crashed", &cause), 1);
}

/* Jobs added from another connection while the scheduler runs are seen. */
static void test_added_while_running(void **state)
{
	struct fixture *f = *state;
	struct sched *s = start(f, 2);
	int64_t id;
	int i;

	usleep(200000);
	id = add(f, "count", "once", NULL, sched_now_ms());
	for (i = 0; i < 250 && counts[id] == 0; i++)
		usleep(20000);
	sched_stop(s);
	assert_int_equal(counts[id], 1);
}

static int rests;
static int dummy_ctx;
static void *rest_open(void *arg, char **cause)
{
	(void)arg, (void)cause;
	return &dummy_ctx;
}
static void rest_idle(void *ctx)
{
	assert_ptr_equal(ctx, &dummy_ctx);
	__atomic_add_fetch(&rests, 1, __ATOMIC_SEQ_CST);
}
static int rests_now(void)
{
	return __atomic_load_n(&rests, __ATOMIC_SEQ_CST);
}

/* A worker gives memory back once per idle spell, only after it ran a job. */
static void test_idle_rest(void **state)
{
	struct fixture *f = *state;
	struct sched_opts o;
	struct sched *s;
	char *cause = NULL;
	int64_t id;
	int i, after_first;

	memset(&o, 0, sizeof o);
	o.db_path = f->db;
	o.workers = 1;
	o.kinds = kinds;
	o.nkinds = VA_ARRAY_LEN(kinds);
	o.poll_ms = 50;
	o.worker_open = rest_open;
	o.worker_idle = rest_idle;
	o.idle_rest_ms = 100;
	rests = 0;
	assert_non_null(s = sched_start(&o, &cause));
	usleep(400000);
	assert_int_equal(rests_now(), 0); /* nothing ran: nothing to give back */
	id = add(f, "count", "once", NULL, sched_now_ms());
	for (i = 0; i < 250 && counts[id] == 0; i++)
		usleep(20000);
	for (i = 0; i < 100 && rests_now() == 0; i++)
		usleep(20000);
	after_first = rests_now();
	assert_int_equal(after_first, 1);
	usleep(400000);
	assert_int_equal(rests_now(), 1); /* once per idle spell, not every 100 ms */
	id = add(f, "count", "once", NULL, sched_now_ms());
	for (i = 0; i < 250 && counts[id] == 0; i++)
		usleep(20000);
	for (i = 0; i < 100 && rests_now() == 1; i++)
		usleep(20000);
	sched_stop(s);
	assert_int_equal(rests_now(), 2);
}

static void test_keys(void **state)
{
	struct fixture *f = *state;
	struct store_job j;
	char *cause = NULL;
	int existed;
	int64_t a, b;

	memset(&j, 0, sizeof j);
	j.kind = "count";
	j.key = "sync";
	j.next_run = 1;
	a = store_job_add(f->st, &j, &existed, &cause);
	assert_int_equal(existed, 0);
	b = store_job_add(f->st, &j, &existed, &cause);
	assert_int_equal(existed, 1);
	assert_int_equal(a, b);
	j.key = NULL;
	j.idempotency_key = "reply-42";
	a = store_job_add(f->st, &j, &existed, &cause);
	b = store_job_add(f->st, &j, &existed, &cause);
	assert_int_equal(existed, 1);
	assert_int_equal(a, b);
}

static void test_retry_then_dead(void **state)
{
	struct fixture *f = *state;
	int64_t id = add(f, "flaky", "once", NULL, sched_now_ms());
	struct store_job j;
	struct sched *s = start(f, 2);
	char *cause = NULL;

	int k;

	for (k = 0; k < 300; k++) { /* four backoffs of up to 1 s each */
		j = get(f, id);
		if (!strcmp(j.state, "dead"))
			break;
		store_job_release(&j);
		usleep(50000);
	}
	sched_stop(s);
	assert_string_equal(j.state, "dead");
	assert_string_equal(j.last_error, "flaky");
	assert_int_equal(j.attempts, 5);
	assert_int_equal(counts[id], 5); /* default max_attempts */
	assert_int_equal(store_job_run_count(f->st, id, "retry", &cause), 4);
	assert_int_equal(store_job_run_count(f->st, id, "failed", &cause), 1);
	store_job_release(&j);
}

static int64_t add_policy(struct fixture *f, const char *schedule, const char *spec,
                          int64_t next_run, const char *misfire, int64_t expires_at)
{
	struct store_job t;
	char *cause = NULL;
	int existed;
	int64_t id;

	memset(&t, 0, sizeof t);
	t.kind = "count";
	t.schedule = (char *)schedule;
	t.spec = (char *)spec;
	t.next_run = next_run;
	t.misfire = (char *)misfire;
	t.grace = 60;
	t.expires_at = expires_at;
	t.created_at = sched_now_ms();
	id = store_job_add(f->st, &t, &existed, &cause);
	assert_true(id > 0);
	return id;
}

static void test_misfire_and_expiry(void **state)
{
	struct fixture *f = *state;
	int64_t now = sched_now_ms(), hour_ago = now - 3600 * 1000;
	int64_t skip = add_policy(f, "every", "10m", hour_ago, "skip", 0);
	int64_t once = add_policy(f, "every", "10m", hour_ago, "once", 0);
	int64_t catchup = add_policy(f, "every", "10m", now - 35 * 60 * 1000, "catch_up", 0);
	int64_t expired = add_policy(f, "once", NULL, now - 1000, "once", now - 500);
	struct store_job j;
	struct sched *s = start(f, 2);
	char *cause = NULL;

	wait_idle(f, 10);
	sched_stop(s);
	assert_int_equal(counts[skip], 0);
	assert_int_equal(counts[once], 1);
	assert_int_equal(counts[catchup], 4); /* -35, -25, -15, -5 minutes */
	assert_int_equal(counts[expired], 0);
	j = get(f, skip);
	assert_true(j.next_run > now && j.next_run <= now + 600000);
	assert_non_null(strstr(j.last_error, "misfire = skip"));
	store_job_release(&j);
	j = get(f, once);
	assert_true(j.next_run > now && j.next_run <= now + 600000);
	store_job_release(&j);
	j = get(f, catchup);
	assert_true(j.next_run > now && j.next_run <= now + 600000);
	store_job_release(&j);
	j = get(f, expired);
	assert_string_equal(j.state, "dead");
	store_job_release(&j);
	assert_int_equal(store_job_run_count(f->st, expired, "expired", &cause), 1);
}

static void test_stop_checkpoints(void **state)
{
	struct fixture *f = *state;
	int64_t a = add(f, "slow", "once", NULL, sched_now_ms());
	int64_t b = add(f, "slow", "once", NULL, sched_now_ms());
	int64_t c = add(f, "slow", "once", NULL, sched_now_ms());
	struct timespec ts = {0, 400000000};
	struct store_job j;
	struct sched *s = start(f, 2);
	char *cause = NULL;
	int64_t ids[3] = {a, b, c};
	int i;

	nanosleep(&ts, NULL);
	sched_stop(s);
	for (i = 0; i < 3; i++) {
		j = get(f, ids[i]);
		assert_string_equal(j.state, "ready"); /* run again at the next start */
		store_job_release(&j);
	}
	assert_int_equal(store_job_run_count(f->st, 0, "retry", &cause), 2);
	assert_int_equal(store_job_run_count(f->st, 0, NULL, &cause), 2); /* c never started */
}


/* Priorities: when more jobs are due than workers, a high-priority job due
 * now is leased (and run) before low-priority jobs that were due earlier;
 * every due job still runs once workers are free. */
static void test_priority_order(void **state)
{
	struct fixture *f = *state;
	int64_t now = sched_now_ms(), high, normal, low[10];
	struct store_job *due;
	struct sched *s;
	char *cause = NULL;
	size_t n;
	int i;

	for (i = 0; i < 10; i++)
		low[i] = add_prio(f, "order", now - 10000 + i, JOB_PRIORITY_LOW);
	normal = add_prio(f, "order", now - 5000, JOB_PRIORITY_NORMAL);
	high = add_prio(f, "order", now - 1, JOB_PRIORITY_HIGH);
	add_prio(f, "order", now + 3600 * 1000, JOB_PRIORITY_HIGH); /* not due: not leased */
	assert_int_equal(store_job_due(f->st, now, 3, &due, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(due[0].id, high);
	assert_int_equal(due[1].id, normal);
	assert_int_equal(due[2].id, low[0]);
	store_jobs_free(due, n);
	s = start(f, 1);
	wait_idle(f, 10);
	sched_stop(s);
	assert_int_equal(norder, 12);
	assert_int_equal(order[0], high);
	assert_int_equal(order[1], normal);
	for (i = 0; i < 10; i++)
		assert_int_equal(order[2 + i], low[i]); /* then by due time */
}

/* No starvation: a job overdue by more than the starvation window gets a
 * share of every lease batch (a quarter, at least one) whatever its
 * priority, so a flood of high-priority work cannot hold it back for ever. */
static void test_priority_no_starvation(void **state)
{
	struct fixture *f = *state;
	int64_t now = sched_now_ms(), old_low, id;
	struct store_jobq *q = store_jobq_new(f->st);
	struct store_job *due;
	char *cause = NULL;
	size_t n, i;
	int seen;

	old_low = add_prio(f, "count", now - 120 * 1000, JOB_PRIORITY_LOW);
	for (i = 0; i < 20; i++)
		add_prio(f, "count", now - 1000, JOB_PRIORITY_HIGH);
	/* Without a window: the high-priority flood fills the batch. */
	assert_int_equal(store_jobq_due(q, now, 0, JOB_PRIORITY_LOW, 8, &due, &n, &cause), 0);
	assert_int_equal(n, 8);
	for (i = 0, seen = 0; i < n; i++)
		seen |= due[i].id == old_low;
	assert_false(seen);
	store_jobs_free(due, n);
	/* Starving for 60 s: it comes first, and only once. */
	assert_int_equal(store_jobq_due(q, now, now - 60 * 1000, JOB_PRIORITY_LOW, 8, &due, &n, &cause), 0);
	assert_int_equal(n, 8);
	assert_int_equal(due[0].id, old_low);
	for (i = 1; i < n; i++)
		assert_int_equal(due[i].priority, JOB_PRIORITY_HIGH);
	store_jobs_free(due, n);
	/* A low job that has not waited that long stays behind. */
	id = add_prio(f, "count", now - 30 * 1000, JOB_PRIORITY_LOW);
	assert_int_equal(store_jobq_due(q, now, now - 60 * 1000, JOB_PRIORITY_LOW, 4, &due, &n, &cause), 0);
	for (i = 0, seen = 0; i < n; i++)
		seen |= due[i].id == id;
	assert_false(seen);
	store_jobs_free(due, n);
	store_jobq_free(q);
}

/* The schema version before migration_job_priority (the 8th migration),
 * pinned: a migration added later must be undone in the downgrade below
 * too, since opening the store re-runs everything after this version. */
#define SCHEMA_BEFORE_PRIORITY 7

/* A database from before priorities migrates: jobs get their kind's
 * priority, and the lease order uses it. */
static void test_priority_migration(void **state)
{
	struct fixture *f = *state;
	static const char *const kinds_old[] = {"send_reply", "noop", "sync"};
	int64_t now = sched_now_ms();
	struct store_job *due;
	char *cause = NULL, *sql, *err = NULL;
	sqlite3 *db;
	size_t n, i;

	store_close(f->st);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sql = xasprintf("DROP INDEX jobs_lease; ALTER TABLE jobs DROP COLUMN priority;"
	                " PRAGMA user_version = %d;", SCHEMA_BEFORE_PRIORITY);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("downgrade: %s", err);
	free(sql);
	for (i = 0; i < VA_ARRAY_LEN(kinds_old); i++) {
		sql = xasprintf("INSERT INTO jobs(kind, next_run, created_at, updated_at)"
		                " VALUES ('%s', %lld, 0, 0)", kinds_old[i], (long long)(now - 1000 + (int64_t)i));
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		free(sql);
	}
	sqlite3_close(db);
	f->st = store_open(f->db, &cause);
	assert_non_null(f->st);
	assert_int_equal(store_schema_version(f->st), store_schema_latest());
	assert_int_equal(store_job_due(f->st, now, 10, &due, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(due[0].kind, "sync");
	assert_int_equal(due[0].priority, JOB_PRIORITY_HIGH);
	assert_string_equal(due[1].kind, "noop");
	assert_int_equal(due[1].priority, JOB_PRIORITY_NORMAL);
	assert_string_equal(due[2].kind, "send_reply");
	assert_int_equal(due[2].priority, JOB_PRIORITY_LOW);
	store_jobs_free(due, n);
}

/* A high-priority job that falls due while the lease-ahead is full of low
 * ones overtakes those already leased: it runs next. */
static void test_priority_overtakes_leased(void **state)
{
	struct fixture *f = *state;
	int64_t now = sched_now_ms(), high;
	struct sched *s;
	int i;

	for (i = 0; i < 4; i++)
		add_prio(f, "order_slow", now - 1000 + i, JOB_PRIORITY_LOW);
	s = start_ahead(f, 1, 2); /* one running, one leased and waiting */
	usleep(50000);
	high = add_prio(f, "order_slow", sched_now_ms(), JOB_PRIORITY_HIGH);
	wait_idle(f, 10);
	sched_stop(s);
	assert_int_equal(norder, 5);
	if (order[1] != high)
		fail_msg("the high-priority job ran at position %d",
		         order[0] == high ? 0 : order[2] == high ? 2 : order[3] == high ? 3 : 4);
}

/* The journal: a run's row is written whole when it ends; a run whose job
 * was cancelled meanwhile is journaled too, and the job stays cancelled. */
static void test_journal_cancelled_run(void **state)
{
	struct fixture *f = *state;
	int64_t now = sched_now_ms(), id = add(f, "count", "once", NULL, now);
	struct store_job j = get(f, id), d;
	char *cause = NULL;

	assert_int_equal(store_job_start(f->st, &j, "w:1", now, now + 60000, &cause), 0);
	assert_int_equal(store_job_run_count(f->st, id, NULL, &cause), 0); /* not ended yet */
	assert_int_equal(store_job_cancel(f->st, id, now + 1, &cause), 0);
	assert_int_equal(store_job_finish(f->st, &j, "w:1", now + 2, now + 5, "ok", NULL, "done", 0, 0,
	                                  &cause),
	                 1);
	assert_int_equal(store_job_run_count(f->st, id, "ok", &cause), 1);
	d = get(f, id);
	assert_string_equal(d.state, "cancelled");
	assert_null(d.lease_owner);
	store_job_release(&d);
	/* A second late finish journals nothing more. */
	assert_int_equal(store_job_finish(f->st, &j, "w:1", now + 2, now + 6, "ok", NULL, "done", 0, 0,
	                                  &cause),
	                 1);
	assert_int_equal(store_job_run_count(f->st, id, NULL, &cause), 1);
	store_job_release(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backoff_bounds),
	    cmocka_unit_test(test_decide),
	    cmocka_unit_test_setup_teardown(test_thousand_due_at_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lease_expiry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_takeover_at_start, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_added_while_running, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idle_rest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retry_then_dead, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_misfire_and_expiry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_checkpoints, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_priority_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_priority_no_starvation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_priority_migration, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_priority_overtakes_leased, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_journal_cancelled_run, setup, teardown),
	};
	return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
