/*
 * migrate: the whole schema, as forward migrations keyed by PRAGMA
 * user_version.  Migration N takes a database at version N-1 to N inside one
 * transaction; a database newer than this binary is refused, never touched.
 * Add a migration by appending to `migrations`; never edit a shipped one.
 *
 * Layout (v1 creates everything the design needs, so later features add code,
 * not churn):
 *   accounts, folders                 mail sources and their sync state
 *   messages, message_raw, attachments, message_refs, messages_fts
 *   classifier_labels, classifier_params   training data and model weights
 *   rules_state, recommendations, actions  rules engine, undo journal
 *   jobs, job_runs                    the scheduler and its journal
 *   templates, template_approvals, reply_log, followups, snoozes
 *   datasets, analyses                CSV analysis
 *   audit                             encrypted, hash-chained action log
 *   llm_cache, llm_usage, kv
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "store_internal.h"
#include "va/util.h"

static const char *const migration_1 =
    "CREATE TABLE accounts ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
    "  email TEXT, created_at INTEGER NOT NULL, last_sync INTEGER, sync_error TEXT);"
    "CREATE TABLE folders ("
    "  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, special_use TEXT, uidvalidity INTEGER, uidnext INTEGER,"
    "  highestmodseq INTEGER, last_sync INTEGER, UNIQUE(account_id, name));"
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    "  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,"
    "  source TEXT NOT NULL, path TEXT, uid INTEGER, uidvalidity INTEGER, modseq INTEGER,"
    "  message_id TEXT, in_reply_to TEXT, refs TEXT, thread_id INTEGER,"
    "  from_name TEXT, from_addr TEXT, to_addrs TEXT, cc_addrs TEXT, reply_to TEXT,"
    "  subject TEXT, date INTEGER NOT NULL DEFAULT 0,"
    "  list_id TEXT, list_unsubscribe TEXT, precedence TEXT, auto_submitted TEXT,"
    "  content_type TEXT, headers TEXT, body TEXT, body_from_html INTEGER NOT NULL DEFAULT 0,"
    "  size INTEGER NOT NULL DEFAULT 0, hash TEXT, flags INTEGER NOT NULL DEFAULT 0,"
    "  keywords TEXT, n_attachments INTEGER NOT NULL DEFAULT 0, problems TEXT,"
    "  category TEXT, confidence INTEGER, reason TEXT, model TEXT, classified_at INTEGER,"
    "  added_at INTEGER NOT NULL, UNIQUE(folder_id, source));"
    "CREATE INDEX messages_by_date ON messages(folder_id, date DESC);"
    "CREATE INDEX messages_by_account_date ON messages(account_id, date DESC);"
    "CREATE INDEX messages_by_msgid ON messages(message_id);"
    "CREATE INDEX messages_by_thread ON messages(thread_id);"
    "CREATE INDEX messages_by_hash ON messages(hash);"
    "CREATE INDEX messages_by_category ON messages(category);"
    "CREATE TABLE message_raw ("
    "  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE, raw BLOB NOT NULL);"
    "CREATE TABLE attachments ("
    "  id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    "  part INTEGER NOT NULL, filename TEXT, mime_type TEXT, size INTEGER, content_id TEXT);"
    "CREATE INDEX attachments_by_message ON attachments(message_id);"
    "CREATE TABLE message_refs ("
    "  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE, ref TEXT NOT NULL);"
    "CREATE INDEX message_refs_by_ref ON message_refs(ref);"
    "CREATE INDEX message_refs_by_message ON message_refs(message_id);"
    "CREATE VIRTUAL TABLE messages_fts USING fts5("
    "  subject, from_name, from_addr, to_addrs, body,"
    "  content='messages', content_rowid='id',"
    "  tokenize='unicode61 remove_diacritics 2');"
    "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN"
    "  INSERT INTO messages_fts(rowid, subject, from_name, from_addr, to_addrs, body)"
    "  VALUES (new.id, new.subject, new.from_name, new.from_addr, new.to_addrs, new.body); END;"
    "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN"
    "  INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, to_addrs, body)"
    "  VALUES ('delete', old.id, old.subject, old.from_name, old.from_addr, old.to_addrs, old.body); END;"
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF subject, from_name, from_addr, to_addrs, body"
    "  ON messages BEGIN"
    "  INSERT INTO messages_fts(messages_fts, rowid, subject, from_name, from_addr, to_addrs, body)"
    "  VALUES ('delete', old.id, old.subject, old.from_name, old.from_addr, old.to_addrs, old.body);"
    "  INSERT INTO messages_fts(rowid, subject, from_name, from_addr, to_addrs, body)"
    "  VALUES (new.id, new.subject, new.from_name, new.from_addr, new.to_addrs, new.body); END;"

    "CREATE TABLE classifier_labels ("
    "  id INTEGER PRIMARY KEY, message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,"
    "  hash TEXT, category TEXT NOT NULL, source TEXT NOT NULL, created_at INTEGER NOT NULL);"
    "CREATE TABLE classifier_params ("
    "  model TEXT NOT NULL, feature TEXT NOT NULL, category TEXT NOT NULL, value REAL NOT NULL,"
    "  PRIMARY KEY(model, feature, category)) WITHOUT ROWID;"

    "CREATE TABLE rules_state ("
    "  rule TEXT PRIMARY KEY, file TEXT, hash TEXT, enabled INTEGER NOT NULL DEFAULT 1,"
    "  last_run INTEGER, last_error TEXT, matches INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE recommendations ("
    "  id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    "  rule TEXT, action TEXT NOT NULL, args TEXT, reason TEXT,"
    "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','accepted','rejected','expired')),"
    "  created_at INTEGER NOT NULL, decided_at INTEGER);"
    "CREATE INDEX recommendations_by_state ON recommendations(state, message_id);"
    "CREATE TABLE actions ("
    "  id INTEGER PRIMARY KEY, message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,"
    "  account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL, args TEXT, undo TEXT, origin TEXT NOT NULL DEFAULT 'user', rule TEXT,"
    "  batch INTEGER, server_state TEXT NOT NULL DEFAULT 'local',"
    "  created_at INTEGER NOT NULL, undone_at INTEGER);"
    "CREATE INDEX actions_by_time ON actions(created_at DESC);"

    "CREATE TABLE jobs ("
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT, args TEXT,"
    "  schedule TEXT NOT NULL DEFAULT 'once' CHECK (schedule IN ('once','every','cron')),"
    "  spec TEXT, timezone TEXT, next_run INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready','running','done','dead','cancelled','paused')),"
    "  attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 5,"
    "  backoff_base INTEGER NOT NULL DEFAULT 30, backoff_cap INTEGER NOT NULL DEFAULT 3600,"
    "  misfire TEXT NOT NULL DEFAULT 'once' CHECK (misfire IN ('skip','once','catch_up')),"
    "  grace INTEGER NOT NULL DEFAULT 300, expires_at INTEGER, idempotency_key TEXT UNIQUE,"
    "  lease_owner TEXT, lease_until INTEGER, last_error TEXT, progress TEXT,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE INDEX jobs_due ON jobs(state, next_run);"
    "CREATE UNIQUE INDEX jobs_by_key ON jobs(key) WHERE key IS NOT NULL AND state IN ('ready','running','paused');"
    "CREATE TABLE job_runs ("
    "  id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
    "  attempt INTEGER NOT NULL, worker TEXT, started_at INTEGER NOT NULL, ended_at INTEGER,"
    "  outcome TEXT CHECK (outcome IN ('ok','retry','failed','expired','crashed')), error TEXT);"
    "CREATE INDEX job_runs_by_job ON job_runs(job_id, started_at);"

    "CREATE TABLE templates ("
    "  name TEXT PRIMARY KEY, path TEXT NOT NULL, hash TEXT NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE template_approvals ("
    "  id INTEGER PRIMARY KEY, template TEXT NOT NULL, content_hash TEXT NOT NULL,"
    "  approved_at INTEGER NOT NULL, revoked_at INTEGER);"
    "CREATE INDEX template_approvals_by_name ON template_approvals(template, content_hash);"
    "CREATE TABLE reply_log ("
    "  id INTEGER PRIMARY KEY, message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,"
    "  template TEXT, recipient TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,"
    "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','sending','sent','failed','cancelled','draft')),"
    "  auto INTEGER NOT NULL DEFAULT 0, send_after INTEGER, sent_at INTEGER, out_message_id TEXT,"
    "  error TEXT, created_at INTEGER NOT NULL);"
    "CREATE INDEX reply_log_by_recipient ON reply_log(recipient, sent_at);"
    "CREATE TABLE followups ("
    "  id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    "  due_at INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'waiting'"
    "  CHECK (state IN ('waiting','due','done','cancelled')), note TEXT, created_at INTEGER NOT NULL);"
    "CREATE TABLE snoozes ("
    "  id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    "  until INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'sleeping'"
    "  CHECK (state IN ('sleeping','woken','cancelled')), created_at INTEGER NOT NULL);"

    "CREATE TABLE datasets ("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, hash TEXT, size INTEGER,"
    "  rows INTEGER, columns INTEGER, loaded_at INTEGER NOT NULL);"
    "CREATE TABLE analyses ("
    "  id INTEGER PRIMARY KEY, dataset_id INTEGER REFERENCES datasets(id) ON DELETE CASCADE,"
    "  params TEXT, result TEXT, summary TEXT, summary_model TEXT, report_path TEXT,"
    "  created_at INTEGER NOT NULL);"

    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL,"
    "  nonce BLOB NOT NULL, ciphertext BLOB NOT NULL, prev_hash BLOB, hash BLOB NOT NULL);"

    "CREATE TABLE llm_cache ("
    "  key TEXT PRIMARY KEY, model TEXT, response TEXT NOT NULL, created_at INTEGER NOT NULL);"
    "CREATE TABLE llm_usage (day TEXT PRIMARY KEY, tokens INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT);";

/* 2: rules remember which messages each rule already acted on or
 * recommended for, so a rerun (sync, classify, age and schedule triggers)
 * never does the same thing twice; the run a hit belongs to is the actions
 * batch that `va undo --rule` takes back. */
static const char *const migration_2 =
    "CREATE TABLE rule_hits ("
    "  rule TEXT NOT NULL, message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
    "  trigger TEXT NOT NULL, why TEXT, batch INTEGER, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY(rule, message_id)) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX recommendations_once ON recommendations(message_id, rule, action,"
    "  COALESCE(args, '')) WHERE state = 'pending';";

/* Replies (issue 9): reply_log learns 'blocked' rows (a gate said no, with
 * its reason code in `gate`), the account, thread, subject and who acted,
 * the composed message bytes (sent as they are, once) and its job. */
static const char *const migration_replies =
    "CREATE TABLE reply_log_new ("
    "  id INTEGER PRIMARY KEY, message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,"
    "  template TEXT, recipient TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,"
    "  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN"
    "  ('queued','sending','sent','failed','cancelled','draft','blocked')),"
    "  auto INTEGER NOT NULL DEFAULT 0, send_after INTEGER, sent_at INTEGER, out_message_id TEXT,"
    "  error TEXT, created_at INTEGER NOT NULL, account TEXT, thread_id INTEGER, subject TEXT,"
    "  gate TEXT, origin TEXT, rule TEXT, job_id INTEGER, raw BLOB);"
    "INSERT INTO reply_log_new (id, message_id, template, recipient, idempotency_key, state, auto,"
    "  send_after, sent_at, out_message_id, error, created_at)"
    "  SELECT id, message_id, template, recipient, idempotency_key, state, auto, send_after,"
    "  sent_at, out_message_id, error, created_at FROM reply_log;"
    "DROP TABLE reply_log;"
    "ALTER TABLE reply_log_new RENAME TO reply_log;"
    "CREATE INDEX reply_log_by_recipient ON reply_log(recipient, created_at);"
    "CREATE INDEX reply_log_by_thread ON reply_log(thread_id);"
    "CREATE INDEX reply_log_by_time ON reply_log(created_at);";

/* Audit (issue 7): entries sealed to the audit public key while the audit
 * key itself could not be had without a prompt (src/app/audit.c folds them
 * into the chain later); sealed is empty when no audit key existed yet. */
static const char *const migration_audit =
    "CREATE TABLE audit_pending ("
    "  id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL,"
    "  sealed BLOB NOT NULL);";

/* Deferred full-text indexing (issue 5's sync bench): FTS5 flushes its
 * pending terms to a new segment at every savepoint, and the trigger made
 * every INSERT into messages a statement savepoint, so each message became
 * its own segment.  Inside a store transaction (store_begin) fts_defer holds
 * one row, `since` = the largest message id when it began: rows above it are
 * left out of messages_fts by the triggers and indexed with one INSERT ...
 * SELECT by store_commit, which empties fts_defer again.  Outside a store
 * transaction the table is empty and the triggers index as before. */
#define FTS_COLS "subject, from_name, from_addr, to_addrs, body"
#define FTS_NOW(id) "NOT EXISTS (SELECT 1 FROM fts_defer WHERE since < " id ")"
static const char *const migration_fts_defer =
    "CREATE TABLE fts_defer (one INTEGER PRIMARY KEY CHECK (one = 1), since INTEGER NOT NULL);"
    "DROP TRIGGER messages_fts_ai;"
    "DROP TRIGGER messages_fts_ad;"
    "DROP TRIGGER messages_fts_au;"
    "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages WHEN " FTS_NOW("new.id") " BEGIN"
    "  INSERT INTO messages_fts(rowid, " FTS_COLS ")"
    "  VALUES (new.id, new.subject, new.from_name, new.from_addr, new.to_addrs, new.body); END;"
    "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages WHEN " FTS_NOW("old.id") " BEGIN"
    "  INSERT INTO messages_fts(messages_fts, rowid, " FTS_COLS ")"
    "  VALUES ('delete', old.id, old.subject, old.from_name, old.from_addr, old.to_addrs, old.body); END;"
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF " FTS_COLS " ON messages BEGIN"
    "  INSERT INTO messages_fts(messages_fts, rowid, " FTS_COLS ")"
    "  SELECT 'delete', old.id, old.subject, old.from_name, old.from_addr, old.to_addrs, old.body"
    "  WHERE " FTS_NOW("old.id") ";"
    "  INSERT INTO messages_fts(rowid, " FTS_COLS ")"
    "  SELECT new.id, new.subject, new.from_name, new.from_addr, new.to_addrs, new.body"
    "  WHERE " FTS_NOW("new.id") "; END;";
#undef FTS_NOW
#undef FTS_COLS

/* The inbox's windowed list (issue 3): messages_list yields every row of a
 * folder in display order (date DESC, id DESC) with what the list keeps of
 * it, without touching the table (whose flags sit after the body);
 * messages_keys serves the same columns by id for searches. */
static const char *const migration_inbox_keys =
    "CREATE INDEX messages_list ON messages(date DESC, id DESC, folder_id, flags, thread_id);"
    "CREATE INDEX messages_keys ON messages(id, folder_id, date, flags, thread_id);";

/* "similar messages" (issue 6): one embedding per message text and model,
 * keyed by the message hash so a copy in another folder shares it. */
static const char *const migration_embeddings =
    "CREATE TABLE embeddings ("
    "  hash TEXT NOT NULL, model TEXT NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL,"
    "  created_at INTEGER NOT NULL, PRIMARY KEY(hash, model))";

/* Job priorities (issue 8): due jobs are leased higher priority first (sync,
 * classify and rules before replies, analysis and commands), then by due
 * time; jobs_lease serves that order per priority level.  Existing jobs
 * take their kind's priority as the kind table (src/app/jobs.c) had it. */
static const char *const migration_job_priority =
    "ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;"
    "UPDATE jobs SET priority = CASE"
    "  WHEN kind IN ('sync','classify','rules') THEN 1"
    "  WHEN kind IN ('send_reply','analysis','report','command') THEN -1 ELSE 0 END;"
    "CREATE INDEX jobs_lease ON jobs(state, priority, next_run);";

static const char *const migrations[] = {
	migration_1,
	migration_2,
	migration_replies,
	migration_audit,
	migration_fts_defer,
	migration_inbox_keys,
	migration_embeddings,
	migration_job_priority,
};

int store_schema_latest(void)
{
	return (int)VA_ARRAY_LEN(migrations);
}

int store_migrate(sqlite3 *db, const char *path, char **cause)
{
	int version = 0, latest = store_schema_latest();
	sqlite3_stmt *st;
	char *err = NULL, *sql;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return set_cause(cause, "cannot read \"%s\": %s", path, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > latest)
		return set_cause(cause,
		                 "database \"%s\" has schema version %d but this va knows only up to %d: "
		                 "upgrade va (the file was left untouched)",
		                 path, version, latest);
	for (; version < latest; version++) {
		sql = xasprintf("BEGIN IMMEDIATE; %s; PRAGMA user_version = %d; COMMIT;",
		                migrations[version], version + 1);
		if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
			set_cause(cause, "cannot migrate \"%s\" to schema version %d: %s", path, version + 1,
			          err ? err : sqlite3_errmsg(db));
			sqlite3_free(err);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			free(sql);
			return -1;
		}
		free(sql);
	}
	return 0;
}
