/*
 * st_jobs: the jobs table (the scheduler's durable queue) and job_runs (its
 * journal).  Policy (backoff, misfire, expiry) lives in src/sched/; this file
 * only reads and writes rows, each change in one short IMMEDIATE transaction
 * so a crash leaves every job either before or after a step, never between.
 *
 * The scheduler's hot path goes through a struct store_jobq: the statements
 * it runs for every job (due, lease, journal, outcome) prepared once per
 * connection, and a plain BEGIN IMMEDIATE .. COMMIT around each batch (the
 * batch writes jobs and job_runs only, so store_begin's full-text
 * bookkeeping is not needed).  The one-shot store_job_* calls use a jobq on
 * the stack whose statements live for the call only.
 *
 * A run's journal row is written whole when the run ends (start, end,
 * outcome, error, attempt), in the transaction that moves the job on; a run
 * cut short by a crash is journaled 'crashed' when its lease is taken back.
 * While a run goes on, the job's row says so (state 'running', the lease
 * owner, updated_at = when it was leased).
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "va/util.h"

#define JOB_COLS                                                                            \
	"id, kind, key, args, schedule, spec, timezone, next_run, state, attempts, max_attempts," \
	" backoff_base, backoff_cap, misfire, grace, expires_at, idempotency_key, lease_owner,"   \
	" lease_until, last_error, progress, created_at, updated_at, priority"

enum jq_stmt {
	JQ_BEGIN,
	JQ_COMMIT,
	JQ_ROLLBACK,
	JQ_DUE_LEVEL,
	JQ_DUE_STARVING,
	JQ_NEXT_DUE,
	JQ_LEASE,
	JQ_RUN_INSERT,
	JQ_MOVE,
	JQ_CANCELLED_RUN,
	JQ_N
};

static const char *const jq_sql[JQ_N] = {
    [JQ_BEGIN] = "BEGIN IMMEDIATE",
    [JQ_COMMIT] = "COMMIT",
    [JQ_ROLLBACK] = "ROLLBACK",
    [JQ_DUE_LEVEL] = "SELECT " JOB_COLS " FROM jobs WHERE state = 'ready' AND priority = ?1"
                     " AND next_run <= ?2 ORDER BY next_run, id LIMIT ?3",
    [JQ_DUE_STARVING] = "SELECT " JOB_COLS " FROM jobs WHERE state = 'ready' AND next_run <= ?1"
                        " ORDER BY next_run, id LIMIT ?2",
    [JQ_NEXT_DUE] = "SELECT MIN(next_run) FROM jobs WHERE state = 'ready'",
    [JQ_LEASE] = "UPDATE jobs SET state = 'running', attempts = attempts + 1,"
                 " lease_owner = ?1, lease_until = ?2, updated_at = ?3"
                 " WHERE id = ?4 AND state = 'ready'",
    [JQ_RUN_INSERT] = "INSERT INTO job_runs(job_id, attempt, worker, started_at, ended_at,"
                      " outcome, error) VALUES (?,?,?,?,?,?,?)",
    [JQ_MOVE] = "UPDATE jobs SET state = ?1, next_run = ?2, last_error = ?3,"
                " attempts = CASE WHEN ?4 THEN 0 ELSE attempts END,"
                " lease_owner = NULL, lease_until = NULL, updated_at = ?5"
                " WHERE id = ?6 AND (?7 IS NULL OR (lease_owner = ?7 AND state = 'running'))",
    /* A job cancelled while it ran keeps its lease owner until the run ends. */
    [JQ_CANCELLED_RUN] = "UPDATE jobs SET lease_owner = NULL"
                         " WHERE id = ?1 AND state = 'cancelled' AND lease_owner = ?2",
};

struct store_jobq {
	struct store *st;
	sqlite3_stmt *s[JQ_N];
	int           persistent; /* store_jobq_new: kept until store_jobq_free */
};

struct store_jobq *store_jobq_new(struct store *st)
{
	struct store_jobq *q = xcalloc(1, sizeof *q);

	q->st = st;
	q->persistent = 1;
	return q;
}

static void jq_release(struct store_jobq *q)
{
	int i;

	for (i = 0; i < JQ_N; i++)
		sqlite3_finalize(q->s[i]);
	memset(q->s, 0, sizeof q->s);
}

void store_jobq_free(struct store_jobq *q)
{
	if (!q)
		return;
	jq_release(q);
	free(q);
}

/* Statement `which`, reset and unbound, prepared on first use. */
static sqlite3_stmt *jq(struct store_jobq *q, enum jq_stmt which, char **cause)
{
	sqlite3_stmt *s = q->s[which];

	if (s) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	if (sqlite3_prepare_v3(q->st->db, jq_sql[which], -1,
	                       q->persistent ? SQLITE_PREPARE_PERSISTENT : 0, &s, NULL) != SQLITE_OK) {
		st_fail(q->st, cause, "prepare a query");
		return NULL;
	}
	q->s[which] = s;
	return s;
}

/* Step a jobq statement to completion and reset it (so no read transaction
 * stays open); 0, or -1 with a cause. */
static int jq_done(struct store_jobq *q, sqlite3_stmt *s, const char *what, char **cause)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		st_fail(q->st, cause, what);
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	return 0;
}

static int jq_exec(struct store_jobq *q, enum jq_stmt which, const char *what, char **cause)
{
	sqlite3_stmt *s = jq(q, which, cause);

	return s ? jq_done(q, s, what, cause) : -1;
}

int store_jobq_begin(struct store_jobq *q, char **cause)
{
	return jq_exec(q, JQ_BEGIN, "begin a transaction", cause);
}

int store_jobq_commit(struct store_jobq *q, char **cause)
{
	if (jq_exec(q, JQ_COMMIT, "commit", cause) < 0) {
		store_jobq_rollback(q);
		return -1;
	}
	return 0;
}

void store_jobq_rollback(struct store_jobq *q)
{
	if (!sqlite3_get_autocommit(q->st->db))
		jq_exec(q, JQ_ROLLBACK, "roll back", NULL);
}

void store_job_release(struct store_job *j)
{
	if (!j)
		return;
	free(j->kind), free(j->key), free(j->args), free(j->schedule), free(j->spec);
	free(j->timezone), free(j->state), free(j->misfire), free(j->idempotency_key);
	free(j->lease_owner), free(j->last_error), free(j->progress);
	memset(j, 0, sizeof *j);
}

void store_jobs_free(struct store_job *jobs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_job_release(&jobs[i]);
	free(jobs);
}

static void read_job(sqlite3_stmt *s, struct store_job *j)
{
	memset(j, 0, sizeof *j);
	j->id = sqlite3_column_int64(s, 0);
	j->kind = st_column_text(s, 1);
	j->key = st_column_text(s, 2);
	j->args = st_column_text(s, 3);
	j->schedule = st_column_text(s, 4);
	j->spec = st_column_text(s, 5);
	j->timezone = st_column_text(s, 6);
	j->next_run = sqlite3_column_int64(s, 7);
	j->state = st_column_text(s, 8);
	j->attempts = sqlite3_column_int(s, 9);
	j->max_attempts = sqlite3_column_int(s, 10);
	j->backoff_base = sqlite3_column_int64(s, 11);
	j->backoff_cap = sqlite3_column_int64(s, 12);
	j->misfire = st_column_text(s, 13);
	j->grace = sqlite3_column_int64(s, 14);
	j->expires_at = sqlite3_column_int64(s, 15);
	j->idempotency_key = st_column_text(s, 16);
	j->lease_owner = st_column_text(s, 17);
	j->lease_until = sqlite3_column_int64(s, 18);
	j->last_error = st_column_text(s, 19);
	j->progress = st_column_text(s, 20);
	j->created_at = sqlite3_column_int64(s, 21);
	j->updated_at = sqlite3_column_int64(s, 22);
	j->priority = sqlite3_column_int(s, 23);
}

/* Step a prepared statement to completion; 0, or -1 with a cause. */
static int step_done(struct store *st, sqlite3_stmt *s, const char *what, char **cause)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		st_fail(st, cause, what);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/* Run `sql` binding int64 values (n of them); -1 on error, else rows changed. */
static int exec_i64(struct store *st, const char *sql, const int64_t *v, int n, const char *what,
                    char **cause)
{
	sqlite3_stmt *s = st_prepare(st, sql, cause);
	int i;

	if (!s)
		return -1;
	for (i = 0; i < n; i++)
		sqlite3_bind_int64(s, i + 1, v[i]);
	if (step_done(st, s, what, cause) < 0)
		return -1;
	return sqlite3_changes(st->db);
}

/* Append every row of s to a job array (*n rows, *cap allocated); the
 * statement is reset, not finalized.  0, or -1 with a cause. */
static int append_jobs(struct store *st, sqlite3_stmt *s, struct store_job **out, size_t *n,
                       size_t *cap, char **cause)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		xgrow((void **)out, cap, *n + 1, sizeof **out);
		read_job(s, &(*out)[(*n)++]);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_fail(st, cause, "read jobs");
}

/* Read every row of s into a job array and finalize s. */
static int collect_jobs(struct store *st, sqlite3_stmt *s, struct store_job **out, size_t *n,
                        char **cause)
{
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = append_jobs(st, s, out, n, &cap, cause);
	sqlite3_finalize(s);
	if (rc < 0) {
		store_jobs_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int64_t existing_job(struct store *st, const struct store_job *j)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT id FROM jobs WHERE idempotency_key = ?1 OR (key = ?2 AND "
	                             "state IN ('ready','running','paused')) LIMIT 1",
	                             NULL);
	int64_t id = 0;

	if (!s)
		return 0;
	st_bind_text(s, 1, j->idempotency_key);
	st_bind_text(s, 2, j->key);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return id;
}

static void bind_new_job(sqlite3_stmt *s, const struct store_job *j, int64_t now)
{
	st_bind_text(s, 1, j->kind);
	st_bind_text(s, 2, j->key);
	st_bind_text(s, 3, j->args);
	st_bind_text(s, 4, j->schedule ? j->schedule : "once");
	st_bind_text(s, 5, j->spec);
	st_bind_text(s, 6, j->timezone);
	sqlite3_bind_int64(s, 7, j->next_run);
	sqlite3_bind_int(s, 8, j->max_attempts > 0 ? j->max_attempts : 5);
	sqlite3_bind_int64(s, 9, j->backoff_base > 0 ? j->backoff_base : 30);
	sqlite3_bind_int64(s, 10, j->backoff_cap > 0 ? j->backoff_cap : 3600);
	st_bind_text(s, 11, j->misfire ? j->misfire : "once");
	sqlite3_bind_int64(s, 12, j->grace > 0 ? j->grace : 300);
	if (j->expires_at > 0)
		sqlite3_bind_int64(s, 13, j->expires_at);
	st_bind_text(s, 14, j->idempotency_key);
	sqlite3_bind_int64(s, 15, now);
	st_bind_text(s, 16, j->state ? j->state : "ready");
	sqlite3_bind_int(s, 17, j->priority < STORE_JOB_PRIORITY_MIN   ? STORE_JOB_PRIORITY_MIN
	                        : j->priority > STORE_JOB_PRIORITY_MAX ? STORE_JOB_PRIORITY_MAX
	                                                               : j->priority);
}

int64_t store_job_add(struct store *st, const struct store_job *j, int *existed, char **cause)
{
	sqlite3_stmt *s;
	int64_t id;

	*existed = 0;
	if (store_begin(st, cause) < 0)
		return -1;
	if ((id = existing_job(st, j)) > 0) {
		*existed = 1;
		store_rollback(st);
		return id;
	}
	s = st_prepare(st,
	               "INSERT INTO jobs(kind, key, args, schedule, spec, timezone, next_run,"
	               " max_attempts, backoff_base, backoff_cap, misfire, grace, expires_at,"
	               " idempotency_key, created_at, updated_at, state, priority)"
	               " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?15,?16,?17)",
	               cause);
	if (!s || (bind_new_job(s, j, j->created_at), step_done(st, s, "add a job", cause) < 0)) {
		store_rollback(st);
		return -1;
	}
	id = sqlite3_last_insert_rowid(st->db);
	return store_commit(st, cause) < 0 ? -1 : id;
}

int store_job_get(struct store *st, int64_t id, struct store_job *out, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "SELECT " JOB_COLS " FROM jobs WHERE id = ?", cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_job(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : st_fail(st, cause, "read a job");
}

int store_job_list(struct store *st, const char *state, struct store_job **out, size_t *n,
                   char **cause)
{
	sqlite3_stmt *s = st_prepare(
	    st, "SELECT " JOB_COLS " FROM jobs WHERE ?1 IS NULL OR state = ?1 ORDER BY id", cause);

	if (!s)
		return -1;
	st_bind_text(s, 1, state);
	return collect_jobs(st, s, out, n, cause);
}

/* Due jobs not taken yet (not in got[0..skip)) from statement s into *out. */
static int due_rows(struct store_jobq *q, sqlite3_stmt *s, size_t skip, size_t limit,
                    struct store_job **out, size_t *n, size_t *cap, char **cause)
{
	size_t i;
	int rc = SQLITE_DONE;

	while (*n < limit && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		for (i = 0; i < skip && (*out)[i].id != id; i++)
			;
		if (i < skip)
			continue;
		xgrow((void **)out, cap, *n + 1, sizeof **out);
		read_job(s, &(*out)[(*n)++]);
	}
	if (*n >= limit)
		rc = SQLITE_DONE;
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : st_fail(q->st, cause, "read due jobs");
}

int store_jobq_due(struct store_jobq *q, int64_t now, int64_t starve_before, int min_priority,
                   size_t limit, struct store_job **out, size_t *n, char **cause)
{
	size_t cap = 0, starving = 0;
	sqlite3_stmt *s;
	int level, rc = 0;

	*out = NULL;
	*n = 0;
	if (limit == 0)
		return 0;
	if (starve_before > 0 && (s = jq(q, JQ_DUE_STARVING, cause))) {
		sqlite3_bind_int64(s, 1, starve_before);
		sqlite3_bind_int64(s, 2, (int64_t)(limit / 4 > 0 ? limit / 4 : 1));
		rc = due_rows(q, s, 0, limit, out, n, &cap, cause);
		starving = *n;
	} else if (starve_before > 0) {
		rc = -1;
	}
	for (level = STORE_JOB_PRIORITY_MAX; rc == 0 && level >= min_priority; level--) {
		if (!(s = jq(q, JQ_DUE_LEVEL, cause))) {
			rc = -1;
			break;
		}
		sqlite3_bind_int(s, 1, level);
		sqlite3_bind_int64(s, 2, now);
		sqlite3_bind_int64(s, 3, (int64_t)(limit - *n + starving));
		rc = due_rows(q, s, starving, limit, out, n, &cap, cause);
	}
	if (rc < 0) {
		store_jobs_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int store_job_due(struct store *st, int64_t now, size_t limit, struct store_job **out, size_t *n,
                  char **cause)
{
	struct store_jobq q = {.st = st};
	int rc = store_jobq_due(&q, now, 0, STORE_JOB_PRIORITY_MIN, limit, out, n, cause);

	jq_release(&q);
	return rc;
}

int store_jobq_next_due(struct store_jobq *q, int64_t *next, char **cause)
{
	sqlite3_stmt *s = jq(q, JQ_NEXT_DUE, cause);
	int rc;

	*next = 0;
	if (!s)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*next = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : st_fail(q->st, cause, "find the next job");
}

int store_job_next_due(struct store *st, int64_t *next, char **cause)
{
	struct store_jobq q = {.st = st};
	int rc = store_jobq_next_due(&q, next, cause);

	jq_release(&q);
	return rc;
}

/* Begin a transaction unless the caller holds one (a batch); *own says which. */
static int txn_begin(struct store *st, int *own, char **cause)
{
	*own = sqlite3_get_autocommit(st->db);
	return *own ? store_begin(st, cause) : 0;
}

/* End what txn_begin began: commit when ok, else roll back (a caller's batch
 * is the caller's to roll back). */
static int txn_end(struct store *st, int own, int ok, char **cause)
{
	if (!own)
		return ok ? 0 : -1;
	if (!ok) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, cause);
}

/* Journal one whole run of job j. */
static int journal_run(struct store_jobq *q, const struct store_job *j, const char *worker,
                       int64_t started, int64_t ended, const char *outcome, const char *error,
                       char **cause)
{
	sqlite3_stmt *s = jq(q, JQ_RUN_INSERT, cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, j->id);
	sqlite3_bind_int(s, 2, j->attempts);
	st_bind_text(s, 3, worker);
	sqlite3_bind_int64(s, 4, started);
	sqlite3_bind_int64(s, 5, ended);
	st_bind_text(s, 6, outcome);
	st_bind_text(s, 7, error);
	return jq_done(q, s, "journal a run", cause);
}

static int lease_job(struct store_jobq *q, struct store_job *j, const char *owner, int64_t now,
                     int64_t lease_until, char **cause)
{
	sqlite3_stmt *s = jq(q, JQ_LEASE, cause);

	if (!s)
		return -1;
	st_bind_text(s, 1, owner);
	sqlite3_bind_int64(s, 2, lease_until);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, j->id);
	if (jq_done(q, s, "lease a job", cause) < 0)
		return -1;
	return sqlite3_changes(q->st->db) == 1 ? 0 : 1;
}

int store_jobq_start(struct store_jobq *q, struct store_job *j, const char *owner, int64_t now,
                     int64_t lease_until, char **cause)
{
	int own, rc;

	if (txn_begin(q->st, &own, cause) < 0)
		return -1;
	rc = lease_job(q, j, owner, now, lease_until, cause);
	if (rc == 0) {
		j->attempts++;
		j->updated_at = now; /* when leased: a run's start unless told otherwise */
	}
	if (rc == 1) { /* nothing changed */
		if (own)
			store_rollback(q->st);
		return 1;
	}
	if (txn_end(q->st, own, rc == 0, cause) < 0)
		return -1;
	free(j->state);
	j->state = xstrdup("running");
	return 0;
}

int store_job_start(struct store *st, struct store_job *j, const char *owner, int64_t now,
                    int64_t lease_until, char **cause)
{
	struct store_jobq q = {.st = st};
	int rc = store_jobq_start(&q, j, owner, now, lease_until, cause);

	jq_release(&q);
	return rc;
}

int store_job_unlease(struct store *st, const struct store_job *j, const char *owner,
                      char **cause)
{
	sqlite3_stmt *s;
	int rc = -1;

	if (store_begin(st, cause) < 0)
		return -1;
	s = st_prepare(st,
	               "UPDATE jobs SET state = 'ready', attempts = MAX(attempts - 1, 0),"
	               " lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?"
	               " AND state = 'running'",
	               cause);
	if (s) {
		sqlite3_bind_int64(s, 1, j->id);
		st_bind_text(s, 2, owner);
		if (step_done(st, s, "give a job back", cause) == 0)
			rc = sqlite3_changes(st->db) == 1 ? 0 : 1;
	}
	if (rc != 0) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st, cause);
}

int store_job_renew(struct store *st, const char *owner, int64_t lease_until, char **cause)
{
	sqlite3_stmt *s = st_prepare(
	    st, "UPDATE jobs SET lease_until = ? WHERE lease_owner = ? AND state = 'running'", cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, lease_until);
	st_bind_text(s, 2, owner);
	return step_done(st, s, "renew leases", cause);
}

/* Move job j to state/next_run; `owner` non-NULL: only while it holds the lease. */
static int move_job(struct store_jobq *q, const struct store_job *j, const char *owner,
                    int64_t now, const char *error, const char *state, int64_t next_run, int reset,
                    char **cause)
{
	sqlite3_stmt *s = jq(q, JQ_MOVE, cause);

	if (!s)
		return -1;
	st_bind_text(s, 1, state);
	if (next_run > 0)
		sqlite3_bind_int64(s, 2, next_run);
	st_bind_text(s, 3, error);
	sqlite3_bind_int(s, 4, reset);
	sqlite3_bind_int64(s, 5, now);
	sqlite3_bind_int64(s, 6, j->id);
	st_bind_text(s, 7, owner);
	if (jq_done(q, s, "update a job", cause) < 0)
		return -1;
	return sqlite3_changes(q->st->db) == 1 ? 0 : 1;
}

/* 1 when `owner` ran job j and it was cancelled meanwhile (the run is then
 * ours to journal), 0 when not, -1 on error. */
static int cancelled_run(struct store_jobq *q, const struct store_job *j, const char *owner,
                         char **cause)
{
	sqlite3_stmt *s = jq(q, JQ_CANCELLED_RUN, cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, j->id);
	st_bind_text(s, 2, owner);
	if (jq_done(q, s, "journal a cancelled run", cause) < 0)
		return -1;
	return sqlite3_changes(q->st->db) == 1;
}

int store_jobq_finish(struct store_jobq *q, const struct store_job *j, const char *owner,
                      int64_t started, int64_t now, const char *outcome, const char *error,
                      const char *state, int64_t next_run, int reset_attempts, char **cause)
{
	int own, rc, ran = 0;

	if (txn_begin(q->st, &own, cause) < 0)
		return -1;
	rc = move_job(q, j, owner, now, error, state, next_run, reset_attempts, cause);
	if (rc == 1 && owner) /* cancelled while it ran: journal the run, the job stays cancelled */
		ran = cancelled_run(q, j, owner, cause);
	if ((rc == 0 || ran == 1) && journal_run(q, j, owner, started > 0 ? started : j->updated_at,
	                                         now, outcome, error, cause) < 0)
		rc = -1;
	if (ran < 0)
		rc = -1;
	if (txn_end(q->st, own, rc >= 0, cause) < 0)
		return -1;
	return rc;
}

int store_job_finish(struct store *st, const struct store_job *j, const char *owner,
                     int64_t started, int64_t now, const char *outcome, const char *error,
                     const char *state, int64_t next_run, int reset_attempts, char **cause)
{
	struct store_jobq q = {.st = st};
	int rc = store_jobq_finish(&q, j, owner, started, now, outcome, error, state, next_run,
	                           reset_attempts, cause);

	jq_release(&q);
	return rc;
}

int store_jobq_settle(struct store_jobq *q, const struct store_job *j, int64_t now,
                      const char *outcome, const char *error, const char *state, int64_t next_run,
                      char **cause)
{
	int own, rc;

	if (txn_begin(q->st, &own, cause) < 0)
		return -1;
	rc = move_job(q, j, NULL, now, error, state, next_run, 0, cause);
	if (rc == 0 && outcome &&
	    journal_run(q, j, "scheduler", now, now, outcome, error, cause) < 0)
		rc = -1;
	return txn_end(q->st, own, rc >= 0, cause);
}

int store_job_settle(struct store *st, const struct store_job *j, int64_t now, const char *outcome,
                     const char *error, const char *state, int64_t next_run, char **cause)
{
	struct store_jobq q = {.st = st};
	int rc = store_jobq_settle(&q, j, now, outcome, error, state, next_run, cause);

	jq_release(&q);
	return rc;
}

int store_job_reclaim(struct store *st, int64_t now, const char *keep_owner, int all,
                      char **cause)
{
#define TAKEN " state = 'running' AND lease_owner IS NOT ?2 AND (lease_until < ?1 OR ?3)"
#define WHY "'the worker stopped (lease ' || CASE WHEN ?3 THEN 'taken over' ELSE 'expired' END || ')'"
	/* The cut-short run, journaled whole (started when leased); a run row
	 * left open by a va that journaled at lease time is closed instead. */
	static const char *const sql[] = {
	    "INSERT INTO job_runs(job_id, attempt, worker, started_at, ended_at, outcome, error)"
	    " SELECT id, attempts, lease_owner, updated_at, ?1, 'crashed', " WHY " FROM jobs j"
	    " WHERE" TAKEN " AND NOT EXISTS (SELECT 1 FROM job_runs r WHERE r.job_id = j.id AND"
	    " r.ended_at IS NULL)",
	    "UPDATE job_runs SET ended_at = ?1, outcome = 'crashed', error = " WHY
	    " WHERE ended_at IS NULL AND job_id IN (SELECT id FROM jobs WHERE" TAKEN ")",
	    "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'ready' END,"
	    " next_run = ?1, last_error = 'the worker stopped while running it', lease_owner = NULL,"
	    " lease_until = NULL, updated_at = ?1 WHERE" TAKEN,
	};
#undef WHY
#undef TAKEN
	sqlite3_stmt *s;
	size_t i;
	int n = 0;

	if (store_begin(st, cause) < 0)
		return -1;
	for (i = 0; i < VA_ARRAY_LEN(sql); i++) {
		if (!(s = st_prepare(st, sql[i], cause)))
			break;
		sqlite3_bind_int64(s, 1, now);
		st_bind_text(s, 2, keep_owner);
		sqlite3_bind_int(s, 3, all);
		if (step_done(st, s, "reclaim leases", cause) < 0)
			break;
		n = sqlite3_changes(st->db);
	}
	if (i < VA_ARRAY_LEN(sql)) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, cause) < 0 ? -1 : n;
}

int store_job_cancel(struct store *st, int64_t id, int64_t now, char **cause)
{
	int64_t v[2] = {now, id};
	int rc = exec_i64(st,
	                  "UPDATE jobs SET state = 'cancelled', lease_until = NULL, lease_owner ="
	                  " CASE WHEN state = 'running' THEN lease_owner END, updated_at = ?1"
	                  " WHERE id = ?2 AND state IN ('ready','paused','running','dead')",
	                  v, 2, "cancel a job", cause);

	return rc < 0 ? -1 : rc == 0;
}

int store_job_retry(struct store *st, int64_t id, int64_t now, char **cause)
{
	int64_t v[2] = {now, id};
	int rc = exec_i64(st,
	                  "UPDATE jobs SET state = 'ready', attempts = 0, next_run = ?1, updated_at = ?1"
	                  " WHERE id = ?2 AND state IN ('dead','cancelled','done')",
	                  v, 2, "retry a job", cause);

	return rc < 0 ? -1 : rc == 0;
}

int store_job_pause(struct store *st, int64_t id, int64_t now, char **cause)
{
	int64_t v[2] = {now, id};
	int rc = exec_i64(st, "UPDATE jobs SET state = 'paused', updated_at = ?1"
	                      " WHERE id = ?2 AND state = 'ready'",
	                  v, 2, "pause a job", cause);

	return rc < 0 ? -1 : rc == 0;
}

int store_job_resume(struct store *st, int64_t id, int64_t now, char **cause)
{
	int64_t v[2] = {now, id};
	int rc = exec_i64(st, "UPDATE jobs SET state = 'ready', updated_at = ?1"
	                      " WHERE id = ?2 AND state = 'paused'",
	                  v, 2, "resume a job", cause);

	return rc < 0 ? -1 : rc == 0;
}

int store_job_run_now(struct store *st, int64_t id, int64_t now, char **cause)
{
	int64_t v[2] = {now, id};
	int rc = exec_i64(st, "UPDATE jobs SET state = 'ready', next_run = ?1, updated_at = ?1"
	                      " WHERE id = ?2 AND state IN ('ready','paused')",
	                  v, 2, "run a job now", cause);

	return rc < 0 ? -1 : rc == 0;
}

int store_job_set_progress(struct store *st, int64_t id, const char *progress, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, "UPDATE jobs SET progress = ? WHERE id = ?", cause);

	if (!s)
		return -1;
	st_bind_text(s, 1, progress);
	sqlite3_bind_int64(s, 2, id);
	return step_done(st, s, "record progress", cause);
}

int64_t store_job_run_count(struct store *st, int64_t id, const char *outcome, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT COUNT(*) FROM job_runs WHERE (?1 = 0 OR job_id = ?1) AND"
	                             " (?2 IS NULL OR outcome = ?2)",
	                             cause);
	int64_t n = -1;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	st_bind_text(s, 2, outcome);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n < 0 ? st_fail(st, cause, "count runs") : n;
}

/* ---- follow-ups and snoozes ---- */

void store_reminders_free(struct store_reminder *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].from_addr);
		free(r[i].note);
	}
	free(r);
}

static int64_t insert_reminder(struct store *st, const char *sql, int64_t message_id, int64_t when,
                               const char *note, int64_t now, char **cause)
{
	sqlite3_stmt *s = st_prepare(st, sql, cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, message_id);
	sqlite3_bind_int64(s, 2, when);
	sqlite3_bind_int64(s, 3, now);
	if (note)
		st_bind_text(s, 4, note);
	if (step_done(st, s, "add a reminder", cause) < 0)
		return -1;
	return sqlite3_last_insert_rowid(st->db);
}

int64_t store_followup_add(struct store *st, int64_t message_id, int64_t due_at, const char *note,
                           int64_t now, char **cause)
{
	return insert_reminder(st,
	                       "INSERT INTO followups(message_id, due_at, created_at, note)"
	                       " VALUES (?,?,?,?)",
	                       message_id, due_at, note, now, cause);
}

int64_t store_snooze_add(struct store *st, int64_t message_id, int64_t until, int64_t now,
                         char **cause)
{
	return insert_reminder(st, "INSERT INTO snoozes(message_id, until, created_at) VALUES (?,?,?)",
	                       message_id, until, NULL, now, cause);
}

static int collect_reminders(struct store *st, sqlite3_stmt *s, struct store_reminder **out,
                             size_t *n, char **cause)
{
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_reminder *r;
		xgrow((void **)out, &cap, *n + 1, sizeof **out);
		r = &(*out)[(*n)++];
		r->id = sqlite3_column_int64(s, 0);
		r->message_id = sqlite3_column_int64(s, 1);
		r->when = sqlite3_column_int64(s, 2);
		r->thread_id = sqlite3_column_int64(s, 3);
		r->msg_date = sqlite3_column_int64(s, 4);
		r->from_addr = st_column_text(s, 5);
		r->flags = (unsigned)sqlite3_column_int(s, 6);
		r->note = sqlite3_column_count(s) > 7 ? st_column_text(s, 7) : NULL;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		store_reminders_free(*out, *n);
		*out = NULL;
		*n = 0;
		return st_fail(st, cause, "read reminders");
	}
	return 0;
}

int store_followups_waiting(struct store *st, struct store_reminder **out, size_t *n,
                            char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT f.id, f.message_id, f.due_at, m.thread_id, m.date,"
	                             " m.from_addr, m.flags, f.note FROM followups f JOIN messages m ON"
	                             " m.id = f.message_id WHERE f.state = 'waiting' ORDER BY f.due_at",
	                             cause);

	return s ? collect_reminders(st, s, out, n, cause) : -1;
}

int store_snoozes_due(struct store *st, int64_t now, struct store_reminder **out, size_t *n,
                      char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT z.id, z.message_id, z.until, m.thread_id, m.date,"
	                             " m.from_addr, m.flags FROM snoozes z JOIN messages m ON"
	                             " m.id = z.message_id WHERE z.state = 'sleeping' AND z.until <= ?"
	                             " ORDER BY z.until",
	                             cause);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	return collect_reminders(st, s, out, n, cause);
}

int store_thread_replied(struct store *st, int64_t thread_id, int64_t message_id, int64_t after,
                         const char *from, char **cause)
{
	sqlite3_stmt *s = st_prepare(st,
	                             "SELECT 1 FROM messages WHERE thread_id = ?1 AND id != ?2 AND"
	                             " (date > ?3 OR (date = ?3 AND id > ?2)) AND"
	                             " lower(COALESCE(from_addr, '')) != lower(COALESCE(?4, ''))"
	                             " LIMIT 1",
	                             cause);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, thread_id);
	sqlite3_bind_int64(s, 2, message_id);
	sqlite3_bind_int64(s, 3, after);
	st_bind_text(s, 4, from);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return st_fail(st, cause, "look for a reply");
}

static int set_state(struct store *st, const char *sql, int64_t id, const char *state,
                     char **cause)
{
	sqlite3_stmt *s = st_prepare(st, sql, cause);

	if (!s)
		return -1;
	st_bind_text(s, 1, state);
	sqlite3_bind_int64(s, 2, id);
	return step_done(st, s, "update a reminder", cause);
}

int store_followup_set(struct store *st, int64_t id, const char *state, char **cause)
{
	return set_state(st, "UPDATE followups SET state = ? WHERE id = ?", id, state, cause);
}

int store_snooze_set(struct store *st, int64_t id, const char *state, char **cause)
{
	return set_state(st, "UPDATE snoozes SET state = ? WHERE id = ?", id, state, cause);
}
