/*
 * store: the SQLite database (L1; the only sqlite3 user, STYLE 19).
 *
 * One `struct store` per thread (DESIGN: no handle crosses threads).  WAL,
 * foreign keys, a busy timeout; the schema is migrated forward on open
 * (src/store/migrate.c).  Functions return 0 / an id on success and -1 with
 * *cause on failure; "not found" is 1 where a function can say it.
 */
#ifndef VA_STORE_H
#define VA_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "va/message.h"

struct store;

/* Open (creating with mode 0600 when absent) and migrate.  A file that is not
 * a SQLite database is refused with a clear cause and left untouched. */
struct store *store_open(const char *path, char **cause);
/* Drop the connection's cached pages (an idle daemon worker gives memory
 * back); the next query reads them again.  Only from the thread that uses st. */
void store_release_memory(struct store *st);
void          store_close(struct store *st);
const char   *store_path(const struct store *st);
int           store_schema_version(struct store *st);
int           store_schema_latest(void);

int store_begin(struct store *st, char **cause);
/* A bulk write (a first sync, an import): until store_bulk_end, WAL
 * checkpoints run on a background thread with its own connection instead of
 * inside this connection's commits (st_ckpt.c).  -1 when that cannot be set
 * up, which changes nothing else.  store_close ends it too. */
int  store_bulk_begin(struct store *st);
void store_bulk_end(struct store *st);
/* SQLite's data_version: it changes when another connection (another
 * process, a worker thread) commits.  -1 on error. */
int64_t store_data_version(struct store *st);
int store_commit(struct store *st, char **cause);
void store_rollback(struct store *st);

/* Accounts and folders: the row id (creating it when missing), or -1. */
int64_t store_account_ensure(struct store *st, const char *name, const char *type,
                             const char *email, char **cause);
int64_t store_account_id(struct store *st, const char *name); /* 0 when absent */
/* Remove the account `name` if its type is `type`, with all its messages. */
int     store_account_remove_type(struct store *st, const char *name, const char *type,
                                  char **cause);
int64_t store_folder_ensure(struct store *st, int64_t account_id, const char *name,
                            char **cause);

/* Add a parsed message (m->account_id, m->folder_id and m->source set).  raw,
 * when non-NULL, is kept in message_raw (imports); `path` is the file it
 * lives in (Maildir accounts).  When (folder, source) already exists nothing
 * changes and *existed is set.  Links the message into its thread.  Sets m->id. */
int64_t store_message_add(struct store *st, struct message *m, const char *path, const char *raw,
                          size_t rawlen, int *existed, char **cause);

/* Fill out (message_init'ed by the caller) with everything stored: headers,
 * body, attachments, names.  0, 1 when there is no such id, -1 on error. */
int store_message_get(struct store *st, int64_t id, struct message *out, char **cause);

/* Raw RFC 822 bytes of a message (from message_raw, or its file).  Caller frees. */
char *store_message_raw(struct store *st, int64_t id, size_t *len, char **cause);

struct store_query {
	const char *account;   /* NULL: all */
	const char *folder;    /* NULL: all */
	const char *category;  /* NULL: any; "none" for unclassified */
	const char *search;    /* FTS5 query in va's syntax (see store_search_syntax), or NULL */
	const char *from;      /* substring of sender name/address, or NULL */
	int         unread;    /* 1: only unread */
	int         flagged;   /* 1: only flagged */
	int         owed;      /* 1: only mail I owe a reply: from a person (not a list, bulk,
	                          auto-submitted or no-reply sender, not promotional or spam), not
	                          from me, not answered, nothing from me later in its thread */
	int         waiting;   /* 1: only messages with a follow-up waiting for a reply */
	int64_t     thread_id; /* 0: any */
	int         limit;     /* 0: no limit */
	int         offset;
};

/* Light rows (no body, no headers; attachments counted in natt only), newest
 * first (best match first for searches).  *out is an array of n messages;
 * free with store_messages_free. */
int  store_message_list(struct store *st, const struct store_query *q, struct message **out,
                        size_t *n, char **cause);
void store_messages_free(struct message *msgs, size_t n);
int  store_message_count(struct store *st, const struct store_query *q, int64_t *count,
                         char **cause);

/* Turn a user query into an FTS5 expression: words are ANDed, "quoted
 * phrases" kept, word* is a prefix, from:/to:/subject:/body: restrict the
 * column, OR/NOT pass through.  Caller frees. */
char *store_search_syntax(const char *query);

int store_message_set_flags(struct store *st, int64_t id, unsigned flags, char **cause);
/* A Maildir file moved (new/ -> cur/) or changed its info suffix. */
int store_message_set_location(struct store *st, int64_t id, const char *path, unsigned flags,
                               char **cause);
int store_message_delete(struct store *st, int64_t id, char **cause);

/* Every (source, path, flags, id) in a folder, for Maildir rescans. */
typedef void (*store_source_fn)(void *arg, const char *source, const char *path, unsigned flags,
                                int64_t id);
int store_folder_sources(struct store *st, int64_t folder_id, store_source_fn fn, void *arg,
                         char **cause);

/* Small key/value state (sync cursors and the like). */
int   store_kv_set(struct store *st, const char *key, const char *value, char **cause);
char *store_kv_get(struct store *st, const char *key);

/* ---- classification (src/store/st_classify.c; owner: classify, issue 6) ---- */

/* Every classifier_params row of `model`. */
typedef void (*store_param_fn)(void *arg, const char *feature, const char *category,
                               double value);
int store_classifier_load(struct store *st, const char *model, store_param_fn fn, void *arg,
                          char **cause);
/* Saving weights: one transaction; put() with value 0 deletes the row; end()
 * commits (or rolls back and fails when any put failed) and frees w. */
struct store_param_writer;
struct store_param_writer *store_classifier_writer(struct store *st, const char *model,
                                                   char **cause);
void store_classifier_put(struct store_param_writer *w, const char *feature,
                          const char *category, double value);
int  store_classifier_writer_end(struct store_param_writer *w, char **cause);
int  store_classifier_clear(struct store *st, const char *model, char **cause);

/* A training label (message_id 0 for files that are not in the store); the label id or -1. */
int64_t store_label_add(struct store *st, int64_t message_id, const char *hash,
                        const char *category, const char *source, char **cause);
/* Labels of stored messages with id > after, in order. */
typedef void (*store_label_fn)(void *arg, int64_t label_id, int64_t message_id,
                               const char *category);
int store_labels_after(struct store *st, int64_t after, store_label_fn fn, void *arg,
                       char **cause);
/* Label `category` every message not labelled yet whose folder name, lower-cased,
 * is LIKE `pattern` (NULL: any) and that has `flag` (0: any); how many, or -1. */
int64_t store_labels_from_folders(struct store *st, const char *pattern, const char *category,
                                  unsigned flag, char **cause);
/* Store a verdict (category NULL: unsure); 0, 1 when there is no such id, -1. */
int store_message_set_class(struct store *st, int64_t id, const char *category, int confidence,
                            const char *reason, const char *model, char **cause);
/* Stream the fields the tokenizer reads (headers, body, sender, subject, list
 * headers, flags; no attachments list) of the messages `ids` (ids NULL: every
 * message, or only never-classified ones).  m is borrowed for the call; fn
 * returns non-zero to stop.  Unknown ids are skipped. */
typedef int (*store_message_fn)(void *arg, struct message *m);
int store_classify_each(struct store *st, const int64_t *ids, size_t n, int unclassified_only,
                        store_message_fn fn, void *arg, char **cause);
/* The LLM's answers by key (message hash + model) and tokens used per day
 * ("2026-11-24", UTC).  get: the cached answer (caller frees) or NULL. */
char   *store_llm_cache_get(struct store *st, const char *key);
int     store_llm_cache_put(struct store *st, const char *key, const char *model,
                            const char *response, char **cause);
int64_t store_llm_usage(struct store *st, const char *day);
int     store_llm_usage_add(struct store *st, const char *day, int64_t tokens, char **cause);
/* Every sender address of a message the user answered (known correspondents). */
typedef void (*store_text_fn)(void *arg, const char *text);
int store_known_senders(struct store *st, store_text_fn fn, void *arg, char **cause);
/* ---- end of classification ---- */

/* ---- jobs: the scheduler's queue and run journal (src/store/st_jobs.c, issue 8) ----
 * Times in jobs and job_runs are milliseconds since the epoch; backoff_base,
 * backoff_cap and grace are seconds.  A job is leased by setting state
 * 'running', lease_owner and lease_until; every write that ends a run checks
 * that the caller still holds the lease (fencing), so a reclaimed job's late
 * finisher changes nothing.  store_job_start and store_job_finish join the
 * caller's transaction when one is open (store_begin .. store_commit: a
 * batch), else run in their own.  A run's journal row is written whole
 * when it ends (store_job_finish), or as 'crashed' when its lease is taken
 * back (store_job_reclaim); a running job's updated_at is when it was leased.
 *
 * Lease order: among ready jobs due by now, higher priority first, then
 * earlier next_run, then id.  Priorities are STORE_JOB_PRIORITY_MIN (-1,
 * low: replies, analysis, commands) .. MAX (1, high: sync, classify,
 * rules); 0 is normal.  Out-of-range values are clamped when stored. */
#define STORE_JOB_PRIORITY_MIN (-1)
#define STORE_JOB_PRIORITY_MAX 1
struct store_job {
	int64_t id;
	char   *kind, *key, *args;       /* key: no two active jobs share it */
	char   *schedule, *spec;         /* "once"|"every"|"cron", its spec */
	char   *timezone;                /* cron's IANA zone; NULL: the process's (TZ) */
	int     priority;                /* STORE_JOB_PRIORITY_MIN..MAX; 0 normal */
	int64_t next_run;                /* ms; 0 when none */
	char   *state;                   /* ready running done dead cancelled paused */
	int     attempts, max_attempts;
	int64_t backoff_base, backoff_cap, grace; /* seconds */
	char   *misfire;                 /* skip | once | catch_up */
	int64_t expires_at;              /* ms; 0 never */
	char   *idempotency_key, *lease_owner;
	int64_t lease_until;             /* ms */
	char   *last_error, *progress;
	int64_t created_at, updated_at;  /* ms */
};
void store_job_release(struct store_job *j);
void store_jobs_free(struct store_job *jobs, size_t n);

/* Insert j: the caller sets kind, schedule/spec, next_run and created_at (the
 * current time); zero policy fields take the schema defaults; state is
 * "ready" unless j->state says "paused".  When j->idempotency_key or an active job's j->key already exists,
 * nothing is inserted: *existed is set and that job's id returned. */
int64_t store_job_add(struct store *st, const struct store_job *j, int *existed, char **cause);
/* 0, 1 when there is no such job, -1 on error. */
int store_job_get(struct store *st, int64_t id, struct store_job *out, char **cause);
/* All jobs (state NULL) or those in `state`, by id. */
int store_job_list(struct store *st, const char *state, struct store_job **out, size_t *n,
                   char **cause);
/* Ready jobs with next_run <= now in lease order (see above), at most `limit`. */
int store_job_due(struct store *st, int64_t now, size_t limit, struct store_job **out, size_t *n,
                  char **cause);
/* Earliest next_run of a ready job into *next (0 when none). */
int store_job_next_due(struct store *st, int64_t *next, char **cause);
/* Lease a ready job to `owner` until lease_until (attempt = j->attempts + 1
 * and updated_at = now, stored back into j).  1 when the job is no longer
 * ready (someone else took or cancelled it). */
int store_job_start(struct store *st, struct store_job *j, const char *owner, int64_t now,
                    int64_t lease_until, char **cause);
/* Give back a job leased by `owner` that never started: its attempt is
 * uncounted, it is ready again (nothing is journaled).  1 when not held. */
int store_job_unlease(struct store *st, const struct store_job *j, const char *owner,
                      char **cause);
/* Extend every lease held by `owner`. */
int store_job_renew(struct store *st, const char *owner, int64_t lease_until, char **cause);
/* Journal the run of leased job j (begun at `started`, 0: when leased; ended
 * `now`) with `outcome` (ok retry failed expired crashed) and `error`, and
 * move the job to `state` with `next_run` (attempts reset to 0 when
 * reset_attempts) — only while `owner` still holds it: 1 when the lease was
 * lost (then the reclaim has journaled the run, 'crashed'; a job cancelled
 * while it ran stays cancelled, its run journaled here). */
int store_job_finish(struct store *st, const struct store_job *j, const char *owner,
                     int64_t started, int64_t now, const char *outcome, const char *error, const char *state, int64_t next_run,
                     int reset_attempts, char **cause);
/* A ready job that will not run now: set state/next_run/last_error, and when
 * outcome is non-NULL journal a run that ended at once with it (expiry). */
int store_job_settle(struct store *st, const struct store_job *j, int64_t now, const char *outcome,
                     const char *error, const char *state, int64_t next_run, char **cause);
/* Take back running jobs whose lease ended before `now` (all running jobs
 * not owned by `keep_owner` when `all`): open runs become 'crashed', the job
 * becomes ready at `now`, or dead when out of attempts.  Returns how many. */
int store_job_reclaim(struct store *st, int64_t now, const char *keep_owner, int all,
                      char **cause);
/* The scheduler thread's queue handle: the calls above that it makes for
 * every job, with their statements prepared once for connection `st` (which
 * must outlive it), and a batch transaction for writes that touch only jobs
 * and job_runs (store_jobq_begin .. commit; the store_jobq_* calls and
 * store_job_* calls on `st` join it).  One thread only, like `st`. */
struct store_jobq;
struct store_jobq *store_jobq_new(struct store *st);
void store_jobq_free(struct store_jobq *q);
int  store_jobq_begin(struct store_jobq *q, char **cause);
int  store_jobq_commit(struct store_jobq *q, char **cause); /* rolls back when it fails */
void store_jobq_rollback(struct store_jobq *q);
/* store_job_due, except that up to a quarter of `limit` (at least one) goes
 * first to jobs due by `starve_before` (0: none), oldest first, whatever their
 * priority: a low-priority job waits behind higher ones for a while, never
 * for ever.  Jobs below min_priority are left out. */
int store_jobq_due(struct store_jobq *q, int64_t now, int64_t starve_before, int min_priority,
                   size_t limit, struct store_job **out, size_t *n, char **cause);
int store_jobq_next_due(struct store_jobq *q, int64_t *next, char **cause);
int store_jobq_start(struct store_jobq *q, struct store_job *j, const char *owner, int64_t now,
                     int64_t lease_until, char **cause);
int store_jobq_finish(struct store_jobq *q, const struct store_job *j, const char *owner,
                      int64_t started, int64_t now, const char *outcome, const char *error,
                      const char *state, int64_t next_run, int reset_attempts, char **cause);
int store_jobq_settle(struct store_jobq *q, const struct store_job *j, int64_t now,
                      const char *outcome, const char *error, const char *state, int64_t next_run,
                      char **cause);
/* cancel: a ready/paused/running/dead job becomes cancelled.  retry: a dead,
 * failed or cancelled job becomes ready now with its attempts reset.
 * 0, 1 when there is no such job in a state that allows it. */
int store_job_cancel(struct store *st, int64_t id, int64_t now, char **cause);
int store_job_retry(struct store *st, int64_t id, int64_t now, char **cause);
/* ready -> paused, paused -> ready, and ready/paused -> ready due now:
 * 0, 1 when the job is not in a state that allows it, -1. */
int store_job_pause(struct store *st, int64_t id, int64_t now, char **cause);
int store_job_resume(struct store *st, int64_t id, int64_t now, char **cause);
int store_job_run_now(struct store *st, int64_t id, int64_t now, char **cause);
int store_job_set_progress(struct store *st, int64_t id, const char *progress, char **cause);
/* Number of journal rows of job `id` (0: all jobs) with `outcome` (NULL: any). */
int64_t store_job_run_count(struct store *st, int64_t id, const char *outcome, char **cause);

/* Follow-ups and snoozes (tables followups, snoozes; times in seconds).
 * A follow-up waits for a reply in the message's thread: any later message
 * in the thread from another sender. */
struct store_reminder {
	int64_t  id, message_id, thread_id, msg_date, when; /* when: due_at / until */
	char    *from_addr;
	unsigned flags;
	char    *note; /* follow-ups: "nudge:TEMPLATE" or NULL */
};
void    store_reminders_free(struct store_reminder *r, size_t n);
int64_t store_followup_add(struct store *st, int64_t message_id, int64_t due_at, const char *note,
                           int64_t now, char **cause);
int64_t store_snooze_add(struct store *st, int64_t message_id, int64_t until, int64_t now,
                         char **cause);
/* Waiting follow-ups (all of them), or sleeping snoozes due by `now`. */
int store_followups_waiting(struct store *st, struct store_reminder **out, size_t *n,
                            char **cause);
int store_snoozes_due(struct store *st, int64_t now, struct store_reminder **out, size_t *n,
                      char **cause);
/* 1 when the thread has a message dated after `after` from someone other
 * than `from`, 0 when not, -1 on error. */
int store_thread_replied(struct store *st, int64_t thread_id, int64_t message_id, int64_t after,
                         const char *from, char **cause);
/* Set a follow-up's state (waiting due done cancelled) or a snooze's
 * (sleeping woken cancelled). */
int store_followup_set(struct store *st, int64_t id, const char *state, char **cause);
int store_snooze_set(struct store *st, int64_t id, const char *state, char **cause);
/* ---- end of jobs ---- */

/* ---- analysis: datasets and analyses (src/store/st_analysis.c; owner: analysis, issue 10) ---- */
struct store_analysis {
	int64_t id, dataset_id;
	char   *name, *path;        /* the dataset's */
	int64_t size, rows, columns;
	char   *params, *result;    /* JSON: options; the facts (report_json) */
	char   *summary, *summary_model, *report_path;
	int64_t created_at;         /* seconds */
};
void store_analysis_release(struct store_analysis *a);
void store_analyses_free(struct store_analysis *a, size_t n);
/* A datasets row; its id or -1.  hash may be NULL. */
int64_t store_dataset_add(struct store *st, const char *name, const char *path, const char *hash,
                          int64_t size, int64_t rows, int64_t columns, char **cause);
/* An analyses row of dataset_id (a->id, a->name... are ignored); its id or -1. */
int64_t store_analysis_add(struct store *st, const struct store_analysis *a, char **cause);
/* Newest first, at most limit (0: all), without `result` (NULL) unless full. */
int store_analysis_list(struct store *st, size_t limit, int full, struct store_analysis **out,
                        size_t *n, char **cause);
/* 0, 1 when there is no such id, -1 on error; out is filled in full. */
int store_analysis_get(struct store *st, int64_t id, struct store_analysis *out, char **cause);
/* ---- end of analysis ---- */

/* ---- triage actions and undo (src/store/st_actions.c; owner: the TUI, issue 3) ---- */

/* What triage reads and changes of one message.  Strings are owned (NULL: absent). */
struct store_msg_state {
	int64_t  id, account_id, folder_id;
	char    *account, *account_type, *folder, *source, *path, *hash, *subject;
	unsigned flags;
	char    *keywords;
	char    *category, *reason, *model;
	int      confidence; /* -1: none */
};
void store_msg_state_release(struct store_msg_state *s);
/* 0, 1 when there is no such message, -1 on error. */
int store_msg_state_get(struct store *st, int64_t id, struct store_msg_state *out, char **cause);
int store_message_set_keywords(struct store *st, int64_t id, const char *keywords, char **cause);
/* Put a message in another folder (row id) with its new file path (NULL: none). */
int store_message_move(struct store *st, int64_t id, int64_t folder_id, const char *path,
                       char **cause);
/* Set the verdict columns as they are (category NULL and confidence -1: unclassified). */
int store_message_put_class(struct store *st, int64_t id, const char *category, int confidence,
                            const char *reason, const char *model, char **cause);
int store_label_delete(struct store *st, int64_t label_id, char **cause);

/* One row of the actions journal.  Times in seconds; undone_at 0 while live. */
struct store_action {
	int64_t id, message_id, account_id, batch;
	char   *kind, *args, *undo, *origin, *rule, *server_state;
	int64_t created_at, undone_at;
	char   *subject; /* the message's, when listed; NULL when it is gone */
};
void store_action_release(struct store_action *a);
void store_actions_free(struct store_action *a, size_t n);
/* Insert a (id, created_at when 0, subject ignored); the new id or -1. */
int64_t store_action_add(struct store *st, const struct store_action *a, char **cause);
/* A batch number no action uses yet. */
int64_t store_action_new_batch(struct store *st, char **cause);
int store_action_get(struct store *st, int64_t id, struct store_action *out, char **cause);
/* Newest first, at most limit (0: all). */
int store_action_list(struct store *st, size_t limit, struct store_action **out, size_t *n,
                      char **cause);
/* The newest action by `origin` not undone yet: its id into *id (0 when none). */
int store_action_last_live(struct store *st, const char *origin, int64_t *id, char **cause);
/* Live actions of a batch, newest first. */
int store_action_batch(struct store *st, int64_t batch, struct store_action **out, size_t *n,
                       char **cause);
int store_action_set_undone(struct store *st, int64_t id, int64_t when, char **cause);
/* ---- end of triage actions ---- */

/* ---- IMAP sync state (src/store/st_sync.c; owner: IMAP, issue 5) ----
 * Messages synced from IMAP have source "imap:UIDVALIDITY:UID" and their
 * uid/uidvalidity/modseq columns set.  Functions return 0 or -1 and *cause. */
struct store_sync_folder {
	uint32_t uidvalidity, uidnext; /* 0: never synced */
	uint64_t highestmodseq;
	int64_t  last_sync;            /* seconds */
	int64_t  count;                /* messages stored in the folder (get only) */
};
/* 0, 1 when there is no such folder, -1. */
int store_sync_folder_get(struct store *st, int64_t folder_id, struct store_sync_folder *out,
                          char **cause);
/* Save the cursor (count ignored) and the folder's special-use role (NULL: none). */
int store_sync_folder_set(struct store *st, int64_t folder_id, const struct store_sync_folder *f,
                          const char *special_use, char **cause);
struct store_sync_msg {
	int64_t  id;
	uint32_t uid;
	unsigned flags;    /* enum msg_flag */
	char    *keywords; /* owned by lists from store_sync_messages */
	uint64_t modseq;
};
/* The folder's messages with this uidvalidity, by ascending uid. */
int  store_sync_messages(struct store *st, int64_t folder_id, uint32_t uidvalidity,
                         struct store_sync_msg **out, size_t *n, char **cause);
void store_sync_messages_free(struct store_sync_msg *v, size_t n);
/* Set uid, uidvalidity, flags, keywords and modseq of the messages v[i].id. */
int store_sync_put(struct store *st, uint32_t uidvalidity, const struct store_sync_msg *v,
                   size_t n, char **cause);
/* Delete the folder's messages from another uidvalidity (or none): how many, or -1. */
int64_t store_sync_drop_stale(struct store *st, int64_t folder_id, uint32_t uidvalidity,
                              char **cause);
/* Triage actions journaled with server_state "pending" on the account, with
 * their message's current state (ORDER BY message, action).  Pending rows
 * whose message is gone become "gone" first. */
struct store_sync_pending {
	int64_t  action_id, message_id;
	char    *kind, *args;
	uint32_t uid, uidvalidity;
	char    *folder;        /* where the store has the message now */
	char    *server_folder; /* the folder its uidvalidity belongs to, or NULL */
	unsigned flags;
	char    *keywords;
};
int  store_sync_pending(struct store *st, int64_t account_id, struct store_sync_pending **out,
                        size_t *n, char **cause);
void store_sync_pending_free(struct store_sync_pending *v, size_t n);
/* "done", "gone", "failed"... */
int store_sync_action_state(struct store *st, int64_t action_id, const char *state, char **cause);
/* The message now lives at (uidvalidity, uid): its source and uid columns follow. */
int store_sync_relocate(struct store *st, int64_t id, uint32_t uidvalidity, uint32_t uid,
                        char **cause);
/* The account's folder whose special_use is `role` ("trash"): its name
 * (caller frees) and row id, or NULL (and *folder_id 0) when none. */
char *store_sync_special_folder(struct store *st, int64_t account_id, const char *role,
                                int64_t *folder_id, char **cause);
/* ---- end of IMAP sync state ---- */

/* ---- rules: hits and recommendations (src/store/st_rules.c; issue 7) ---- */
typedef void (*store_count_fn)(void *arg, const char *key, int64_t count, int64_t extra);
/* Remember that `rule` acted on (or recommended for) message_id: 0 recorded,
 * 1 it already had, -1 error.  batch: the actions batch of that run, or 0. */
int store_rule_hit_add(struct store *st, const char *rule, int64_t message_id, const char *trigger,
                       const char *why, int64_t batch, char **cause);
int store_rule_hit_exists(struct store *st, const char *rule, int64_t message_id, char **cause);
/* fn(rule, hits, newest hit time) per rule. */
int store_rule_counts(struct store *st, store_count_fn fn, void *arg, char **cause);
/* The newest batch of live actions `rule` took (0: none), or -1. */
int64_t store_rule_last_batch(struct store *st, const char *rule, char **cause);
struct store_reco {
	int64_t id, message_id;
	char   *rule, *action, *args, *reason, *state;
	int64_t created_at, decided_at;
	char   *subject, *from; /* the message's (NULL when gone) */
};
/* A pending recommendation: its id, 0 when the same one is already pending, -1. */
int64_t store_reco_add(struct store *st, int64_t message_id, const char *rule, const char *action,
                       const char *args, const char *reason, char **cause);
/* Filter by state (NULL: any), message (0: any) and id (0: any). */
int  store_reco_list(struct store *st, const char *state, int64_t message_id, int64_t id,
                     struct store_reco **out, size_t *n, char **cause);
void store_recos_free(struct store_reco *v, size_t n);
/* pending -> state ("accepted", "rejected", "expired"): 0, 1 not pending, -1. */
int  store_reco_decide(struct store *st, int64_t id, const char *state, char **cause);
/* fn(message id as text, pending count, first pending id) per message. */
int  store_pending_recos(struct store *st, store_count_fn fn, void *arg, char **cause);
/* Message ids for a rules run: where is "after_id" (id > value),
 * "classified_since" (classified_at >= value), "date_since" (date >= value) or
 * "all".  Ascending. */
int  store_rule_candidates(struct store *st, const char *where, int64_t value, int64_t **ids,
                           size_t *n, char **cause);
int64_t store_max_message_id(struct store *st, char **cause);
/* ---- end of rules ---- */

/* ---- audit log and privacy export (src/store/st_audit.c; owner: audit, issue 7) ----
 * Rows of the `audit` table exactly as stored (the app layer seals, chains
 * and checks them; nothing here interprets a blob), the `audit_pending`
 * entries sealed while the key was not at hand, and read-only dumps of the
 * tables `va data export` writes. */
struct store_audit_row {
	int64_t        id, ts;
	char          *actor, *kind;           /* plaintext columns: "user"|"rule"|"job", "archive" */
	unsigned char *nonce, *ct, *prev, *hash; /* prev NULL for the first entry */
	size_t         nonce_len, ct_len, prev_len, hash_len;
};
void store_audit_row_release(struct store_audit_row *r);
/* Insert r as it is (r->id chosen by the caller). */
int  store_audit_add(struct store *st, const struct store_audit_row *r, char **cause);
/* The row with the highest id: 0, 1 when the table is empty, -1. */
int  store_audit_last(struct store *st, struct store_audit_row *out, char **cause);
int64_t store_audit_count(struct store *st, char **cause);
/* Every row by ascending id; fn returns non-zero to stop (that value is
 * returned).  r is borrowed for the call. */
typedef int (*store_audit_fn)(void *arg, const struct store_audit_row *r);
int  store_audit_each(struct store *st, store_audit_fn fn, void *arg, char **cause);

struct store_audit_pending {
	int64_t        id, ts;
	char          *actor, *kind;
	unsigned char *sealed; /* empty (len 0): recorded when no audit key existed */
	size_t         sealed_len;
};
int64_t store_audit_pending_add(struct store *st, int64_t ts, const char *actor, const char *kind,
                                const unsigned char *sealed, size_t len, char **cause);
/* Oldest first. */
int  store_audit_pending_list(struct store *st, struct store_audit_pending **out, size_t *n,
                              char **cause);
void store_audit_pending_free(struct store_audit_pending *v, size_t n);
int  store_audit_pending_delete(struct store *st, int64_t id, char **cause);
int64_t store_audit_pending_count(struct store *st, char **cause);

/* Who a message is, for an audit entry: each string owned, NULL when unknown.
 * 0, 1 when there is no such message, -1. */
int store_audit_message(struct store *st, int64_t id, char **subject, char **from,
                        char **account, char **folder, char **cause);

/* Privacy export: the rows of one named dump (store_dump_names: "accounts",
 * "messages", "classifier_labels", "actions", ...), column by column; values
 * are text (NULL for SQL NULL) and is_num says which were numbers.  Blobs
 * are never dumped.  fn returns non-zero to stop. */
extern const char *const store_dump_names[];
typedef int (*store_dump_fn)(void *arg, size_t ncol, const char *const *names,
                             const char *const *values, const int *is_num);
int store_dump(struct store *st, const char *name, store_dump_fn fn, void *arg, char **cause);
/* ---- end of audit log and privacy export ---- */

/* ---- replies: template approvals and the reply log (src/store/st_replies.c; owner: replies, issue 9) ----
 * Times in seconds.  A reply_log row is the outbox: written (with the
 * composed message and its Message-ID) before anything is sent; its state
 * moves queued -> sending -> sent|failed, or to cancelled/draft; 'blocked'
 * rows record a gate that said no (gate: the reason code, error: why). */
struct store_reply {
	int64_t id, message_id, thread_id, send_after, sent_at, created_at, job_id;
	int     automatic;
	char   *account, *template_name, *recipient, *idempotency_key, *state, *out_message_id;
	char   *error, *subject, *gate, *origin, *rule;
	char   *raw; /* the composed message (NULL in lists) */
	size_t  rawlen;
};
void store_reply_release(struct store_reply *r);
void store_replies_free(struct store_reply *r, size_t n);
/* Insert r (created_at 0: now); its id into r->id and returned, or -1.  An
 * existing idempotency key inserts nothing: *existed set, that row's id. */
int64_t store_reply_add(struct store *st, struct store_reply *r, int *existed, char **cause);
/* Limits checked together with the insert, in one BEGIN IMMEDIATE
 * transaction (so two processes cannot both take the last slot).  Only
 * automatic rows in queued/sending/sent count. */
struct store_reply_limits {
	int64_t day_since;      /* rows created since then count toward the limits below */
	int64_t daily_limit;    /* all templates; 0: none */
	int64_t template_limit; /* rows of r->template_name; 0: none */
	int64_t sender_since;   /* one per recipient since then; 0: no sender limit */
	int     thread;         /* 1: any queued/sending/sent reply in r->thread_id blocks */
};
enum store_reply_verdict {
	SRV_OK, SRV_EXISTS, SRV_DAILY, SRV_TEMPLATE_DAILY, SRV_SENDER, SRV_THREAD,
};
/* The verdict (SRV_OK: r inserted, r->id set; SRV_EXISTS: r->id is the row
 * with that idempotency key; otherwise nothing inserted), or -1. */
int store_reply_reserve(struct store *st, struct store_reply *r, const struct store_reply_limits *l,
                        char **cause);
/* 0, 1 when there is no such row, -1.  out is filled with raw. */
int store_reply_get(struct store *st, int64_t id, struct store_reply *out, char **cause);
/* Newest first, at most limit (0: all), without raw. */
int store_reply_list(struct store *st, size_t limit, struct store_reply **out, size_t *n,
                     char **cause);
/* Move row id from state `from` to `to` (error may be NULL; sent_at 0 keeps
 * it).  0, 1 when the row is not in `from` (someone else moved it), -1. */
int store_reply_move(struct store *st, int64_t id, const char *from, const char *to,
                     const char *gate, const char *error, int64_t sent_at, char **cause);
int store_reply_set_job(struct store *st, int64_t id, int64_t job_id, char **cause);
/* Ids of account's queued rows due by now (send_after <= now), oldest
 * first, at most limit: the batch a reply job sends with it. */
int store_reply_due(struct store *st, const char *account, int64_t now, size_t limit,
                    int64_t **ids, size_t *n, char **cause);
/* Template approvals by content hash.  approve: a live approval of (name,
 * hash).  revoke: every live approval of name; how many, or -1.
 * approval: 1 when (name, hash) has a live approval, 0 not; *other (may be
 * NULL) is 1 when a live approval exists for another hash (the file
 * changed), else 2 when only revoked approvals exist, else 0. */
int store_template_approve(struct store *st, const char *name, const char *hash, char **cause);
int store_template_revoke(struct store *st, const char *name, char **cause);
int store_template_approval(struct store *st, const char *name, const char *hash, int *other,
                            char **cause);
/* ---- end of replies ---- */


/* ---- the inbox's windowed list (src/store/st_query.c; owner: tui, issue 3) ----
 * The inbox keeps only these keys for every row and reads light rows for the
 * rows on screen.  Both queries are answered from covering indexes
 * (messages_list, messages_keys) when the query filters on nothing but
 * folder, account, unread, flagged and a search. */
struct store_key {
	int64_t  id;
	int64_t  thread_id; /* 0: none */
	unsigned flags;     /* MSG_* */
};
/* The keys of what store_message_list would return, newest first, then the
 * highest id; searches too (the list orders them by rank, these by date, as
 * the inbox shows them); q->limit and q->offset apply.  *out (caller frees)
 * has *n entries. */
int store_message_keys(struct store *st, const struct store_query *q, struct store_key **out,
                       size_t *n, char **cause);
/* The ids of every message, in any folder, that the search (va's syntax, as
 * store_query.search) matches, ascending: the FTS index alone, no ranking.
 * *out (caller frees; NULL when none) has *n entries. */
int store_search_ids(struct store *st, const char *search, int64_t **out, size_t *n,
                     char **cause);
/* Light rows (as store_message_list) of the given ids, by ascending id; ids
 * no longer stored are left out.  Free with store_messages_free. */
int store_messages_by_id(struct store *st, const int64_t *ids, size_t nids, struct message **out,
                         size_t *n, char **cause);
/* Which of the given ids have a pending recommendation: *out (caller frees;
 * NULL when nids is 0) gets them by ascending id, *n how many. */
int store_pending_reco_ids(struct store *st, const int64_t *ids, size_t nids, int64_t **out,
                           size_t *n, char **cause);
/* ---- end of the inbox's windowed list ---- */

/* ---- embeddings for "similar messages" (src/store/st_embed.c; issue 6) ---- */
/* The cached embedding of the text with this hash under `model`: 0 and *vec
 * (caller frees, *dim floats), 1 when none is cached, -1 and *cause. */
int store_embedding_get(struct store *st, const char *hash, const char *model, float **vec,
                        size_t *dim, char **cause);
/* Cache (or replace) it.  0, or -1 and *cause. */
int store_embedding_put(struct store *st, const char *hash, const char *model, const float *vec,
                        size_t dim, char **cause);
/* ---- end of embeddings ---- */

#endif
