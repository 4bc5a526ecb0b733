/* test_audit: the encrypted, hash-chained audit log (src/app/audit.c) on a
 * temp store with the encrypted-file secret backend: entries round-trip,
 * verify passes, then names the first bad entry after each kind of tampering
 * (done with a second SQLite connection, as an attacker with the file
 * would); entries recorded while the key is locked are sealed and fold into
 * the chain later; no subject or address reaches the database in clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "va/actions.h"
#include "va/app.h"
#include "va/audit.h"
#include "va/util.h"

#define SECRET_SUBJECT "Zanzibar-quarterly-7731"
#define SECRET_ADDR    "hidden.person@secret.example"

struct fx {
	char dir[64];
	char *pass;
	struct app *app;
};

static void write_file(const char *path, const char *text)
{
	assert_int_equal(file_write_atomic(path, text, strlen(text), 0600, NULL), 0);
}

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	struct app_opts o = {NULL, NULL, NULL};
	char *conf, *text, *md, *p, *cause = NULL;

	snprintf(f->dir, sizeof f->dir, "/tmp/va-test-audit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	md = xasprintf("%s/Mail", f->dir);
	p = xasprintf("%s/cur", md);
	assert_int_equal(mkdir_p(p, 0700, NULL), 0);
	free(p);
	p = xasprintf("%s/new", md);
	mkdir_p(p, 0700, NULL);
	free(p);
	p = xasprintf("%s/tmp", md);
	mkdir_p(p, 0700, NULL);
	free(p);
	p = xasprintf("%s/cur/1000.one.host:2,S", md);
	write_file(p, "From: Ann <ann@example.com>\r\nTo: sam@example.com\r\nSubject: hello one\r\n"
	              "Message-ID: <one@example.com>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
	              "\r\nbody\r\n");
	free(p);
	f->pass = xasprintf("%s/pass", f->dir);
	write_file(f->pass, "correct horse\n");
	setenv("VA_PASSPHRASE_FILE", f->pass, 1);
	conf = xasprintf("%s/va.conf", f->dir);
	text = xasprintf("[secrets]\nbackend = file\ncache = 0\nfile = %s/secrets.enc\n\n"
	                 "[account mail]\ntype = maildir\npath = %s\n",
	                 f->dir, md);
	write_file(conf, text);
	o.config_path = conf;
	o.data_dir = f->dir;
	assert_int_equal(app_open(&f->app, &o, &cause), 0);
	free(conf);
	free(text);
	free(md);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	app_close(f->app);
	audit_forget();
	unsetenv("VA_PASSPHRASE_FILE");
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(cmd);
	free(f->pass);
	free(f);
	return 0;
}

static void record(struct fx *f, const char *kind, int want)
{
	char *cause = NULL;
	int rc = audit_record(f->app, kind,
	                      "{\"subject\":\"" SECRET_SUBJECT "\",\"from\":\"" SECRET_ADDR "\"}",
	                      "{\"folder\":\"INBOX\"}", "{\"folder\":\"Archive\"}", &cause);

	if (rc != want)
		fail_msg("record %s: %d (%s)", kind, rc, cause ? cause : "");
	free(cause);
}

/* Three entries, ids 1..3. */
static void three(struct fx *f)
{
	record(f, "archive", 0);
	record(f, "flag", 0);
	record(f, "trash", 0);
}

/* Run SQL on a second connection to the database. */
static void tamper(struct fx *f, const char *sql)
{
	char *path = xasprintf("%s/va.db", f->dir), *err = NULL;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("tamper: %s: %s", sql, err);
	sqlite3_close(db);
	free(path);
}

/* Verify must fail naming bad_id, with a problem containing `why`. */
static void expect_bad(struct fx *f, int64_t bad_id, const char *why)
{
	struct audit_report r;
	char *cause = NULL;

	assert_int_equal(audit_verify(f->app, NULL, &r, &cause), 0);
	if (r.ok || r.bad_id != bad_id || !r.problem || !strstr(r.problem, why))
		fail_msg("want entry %lld \"%s\", got ok=%d entry %lld \"%s\"", (long long)bad_id,
		         why, r.ok, (long long)r.bad_id, r.problem ? r.problem : "");
	audit_report_release(&r);
}

static void expect_ok(struct fx *f, int64_t entries)
{
	struct audit_report r;
	char *cause = NULL;

	assert_int_equal(audit_verify(f->app, NULL, &r, &cause), 0);
	if (!r.ok)
		fail_msg("verify: %s", r.problem);
	assert_int_equal(r.entries, entries);
	audit_report_release(&r);
}

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	struct audit_entry *v;
	size_t n;
	char *cause = NULL;

	three(f);
	assert_int_equal(audit_list(f->app, NULL, 0, &v, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, 3); /* newest first */
	assert_string_equal(v[0].kind, "trash");
	assert_string_equal(v[0].actor_kind, "user");
	assert_non_null(strstr(v[2].json, "\"actor\":\"user\""));
	assert_non_null(strstr(v[2].json, SECRET_SUBJECT));
	assert_non_null(strstr(v[2].json, "\"before\":{\"folder\":\"INBOX\"}"));
	audit_entries_free(v, n);
	assert_int_equal(audit_list(f->app, NULL, 2, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	audit_entries_free(v, n);
	expect_ok(f, 3);
}

static void test_actor_rule_and_verdict(void **state)
{
	struct fx *f = *state;
	struct audit_entry *v;
	size_t n;

	f->app->origin = "rule";
	f->app->rule = "archive-promos";
	f->app->verdict = "promotional 92";
	record(f, "archive", 0);
	f->app->origin = NULL;
	f->app->rule = NULL;
	f->app->verdict = NULL;
	assert_int_equal(audit_list(f->app, NULL, 0, &v, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].actor_kind, "rule");
	assert_non_null(strstr(v[0].json, "\"actor\":\"rule archive-promos\""));
	assert_non_null(strstr(v[0].json, "\"verdict\":\"promotional 92\""));
	audit_entries_free(v, n);
}

static void test_actions_hook(void **state)
{
	struct fx *f = *state;
	struct action_outcome o;
	struct import_report r;
	struct audit_entry *v;
	struct store_query q;
	struct message *m;
	size_t n;
	int64_t id;

	memset(&r, 0, sizeof r);
	assert_int_equal(inbox_refresh_local(f->app, &r, NULL), 0);
	import_report_release(&r);
	memset(&q, 0, sizeof q);
	assert_int_equal(inbox_list(f->app, &q, &m, &n, NULL), 0);
	assert_int_equal(n, 1);
	id = m[0].id;
	store_messages_free(m, n);
	assert_int_equal(action_apply(f->app, &id, 1, ACT_ARCHIVE, NULL, &o, NULL), 0);
	action_outcome_release(&o);
	assert_int_equal(action_undo(f->app, 0, 0, &o, NULL), 0);
	action_outcome_release(&o);
	assert_int_equal(audit_list(f->app, NULL, 0, &v, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].kind, "undo");
	assert_string_equal(v[1].kind, "archive");
	assert_non_null(strstr(v[1].json, "\"subject\":\"hello one\""));
	assert_non_null(strstr(v[1].json, "\"before\":{\"folder\":\"INBOX\"}"));
	assert_non_null(strstr(v[1].json, "\"after\":{\"folder\":\"Archive\"}"));
	assert_non_null(strstr(v[0].json, "\"after\":{\"folder\":\"INBOX\"}"));
	audit_entries_free(v, n);
	expect_ok(f, 2);
}

static void test_edit_ciphertext(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f, "UPDATE audit SET ciphertext = CASE WHEN substr(ciphertext, 1, 1) = X'00'"
	          " THEN X'01' ELSE X'00' END || substr(ciphertext, 2) WHERE id = 2");
	expect_bad(f, 2, "entry 2: MAC mismatch (edited?)");
}

static void test_edit_ts(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f, "UPDATE audit SET ts = ts - 3600 WHERE id = 2");
	expect_bad(f, 2, "entry 2: MAC mismatch");
}

static void test_edit_kind(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f, "UPDATE audit SET kind = 'read', actor = 'rule' WHERE id = 1");
	expect_bad(f, 1, "entry 1: MAC mismatch");
}

static void test_delete_middle(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f, "DELETE FROM audit WHERE id = 2");
	expect_bad(f, 3, "entry 3 follows 1: entry missing or reordered");
}

static void test_delete_first(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f, "DELETE FROM audit WHERE id = 1");
	expect_bad(f, 2, "entry 2 is the first");
}

static void test_delete_newest(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f, "DELETE FROM audit WHERE id = 3");
	expect_bad(f, 3, "entry 3 missing: the log ends at entry 2");
	/* a later entry does not paper over the gap */
	record(f, "flag", 0);
	expect_bad(f, 4, "entry 4 follows 2");
}

static void test_delete_newest_and_head(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f, "DELETE FROM audit WHERE id = 3; DELETE FROM kv WHERE key = 'audit.head'");
	expect_bad(f, 2, "head is missing from the database");
}

static void test_swap_rows(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f,
	       "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE id IN (2, 3);"
	       "UPDATE audit SET (ts, actor, kind, nonce, ciphertext, prev_hash, hash) ="
	       " (SELECT ts, actor, kind, nonce, ciphertext, prev_hash, hash FROM t WHERE id = 3)"
	       " WHERE id = 2;"
	       "UPDATE audit SET (ts, actor, kind, nonce, ciphertext, prev_hash, hash) ="
	       " (SELECT ts, actor, kind, nonce, ciphertext, prev_hash, hash FROM t WHERE id = 2)"
	       " WHERE id = 3;");
	expect_bad(f, 2, "entry 2 follows 1: entry missing or reordered");
}

static void test_swap_ciphertexts(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f, "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE id IN (1, 2);"
	          "UPDATE audit SET (nonce, ciphertext) = (SELECT nonce, ciphertext FROM t"
	          " WHERE id = 2) WHERE id = 1;"
	          "UPDATE audit SET (nonce, ciphertext) = (SELECT nonce, ciphertext FROM t"
	          " WHERE id = 1) WHERE id = 2;");
	expect_bad(f, 1, "entry 1: MAC mismatch");
}

static void test_insert_forged(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f, "INSERT INTO audit(id, ts, actor, kind, nonce, ciphertext, prev_hash, hash)"
	          " SELECT 4, ts + 10, actor, 'trash', nonce, ciphertext, hash, randomblob(32)"
	          " FROM audit WHERE id = 3");
	expect_bad(f, 4, "entry 4: MAC mismatch");
}

static void test_insert_forged_middle(void **state)
{
	struct fx *f = *state;

	three(f);
	tamper(f,
	       "UPDATE audit SET id = -id WHERE id >= 2; UPDATE audit SET id = 1 - id WHERE id < 0;"
	       "INSERT INTO audit(id, ts, actor, kind, nonce, ciphertext, prev_hash, hash)"
	       " SELECT 2, ts, actor, kind, nonce, ciphertext, hash, randomblob(32)"
	       " FROM audit WHERE id = 1");
	expect_bad(f, 2, "entry 2: MAC mismatch");
}

/* Count the bytes of the database and its WAL that contain s. */
static int db_has(struct fx *f, const char *s)
{
	static const char *const files[] = {"va.db", "va.db-wal"};
	int found = 0;

	for (size_t i = 0; i < 2; i++) {
		char *path = xasprintf("%s/%s", f->dir, files[i]), *data;
		size_t len;
		if (file_exists(path) && (data = file_read(path, &len, NULL)) != NULL) {
			found |= memmem(data, len, s, strlen(s)) != NULL;
			free(data);
		}
		free(path);
	}
	return found;
}

static void test_pending_folds(void **state)
{
	struct fx *f = *state;
	struct audit_entry *v;
	size_t n;

	record(f, "archive", 0); /* makes the key */
	audit_forget();
	unsetenv("VA_PASSPHRASE_FILE"); /* the secrets file is now locked */
	record(f, "flag", 1);
	record(f, "trash", 1);
	assert_int_equal(store_audit_pending_count(f->app->store, NULL), 2);
	assert_int_equal(store_audit_count(f->app->store, NULL), 1);
	assert_false(db_has(f, SECRET_SUBJECT));
	assert_false(db_has(f, SECRET_ADDR));
	/* reading needs the key: refused, nothing lost */
	assert_int_equal(audit_list(f->app, NULL, 0, &v, &n, NULL), -1);
	setenv("VA_PASSPHRASE_FILE", f->pass, 1);
	assert_int_equal(audit_list(f->app, NULL, 0, &v, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].kind, "trash");
	assert_string_equal(v[1].kind, "flag");
	assert_non_null(strstr(v[1].json, SECRET_SUBJECT));
	audit_entries_free(v, n);
	assert_int_equal(store_audit_pending_count(f->app->store, NULL), 0);
	expect_ok(f, 3);
}

static void test_cached_key_records_without_store(void **state)
{
	struct fx *f = *state;

	assert_int_equal(audit_unlock(f->app, NULL, NULL), 0);
	unsetenv("VA_PASSPHRASE_FILE"); /* locked, but this process read the key */
	record(f, "archive", 0);
	assert_int_equal(store_audit_pending_count(f->app->store, NULL), 0);
	setenv("VA_PASSPHRASE_FILE", f->pass, 1);
	expect_ok(f, 1);
}

static void test_no_key_yet(void **state)
{
	struct fx *f = *state;
	struct audit_entry *v;
	size_t n;

	unsetenv("VA_PASSPHRASE_FILE"); /* no key, and none can be made silently */
	record(f, "archive", 1);
	assert_false(db_has(f, SECRET_SUBJECT));
	setenv("VA_PASSPHRASE_FILE", f->pass, 1);
	assert_int_equal(audit_list(f->app, NULL, 0, &v, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].kind, "archive");
	assert_non_null(strstr(v[0].json, "details not kept"));
	audit_entries_free(v, n);
	expect_ok(f, 1);
}

static void test_nothing_in_clear(void **state)
{
	struct fx *f = *state;

	three(f);
	assert_false(db_has(f, SECRET_SUBJECT));
	assert_false(db_has(f, SECRET_ADDR));
	assert_false(db_has(f, "INBOX\"}"));
}

static void test_export(void **state)
{
	struct fx *f = *state;
	char *path = xasprintf("%s/audit.jsonl", f->dir), *text, *cause = NULL;
	struct stat sb;
	size_t n, len;

	three(f);
	assert_int_equal(audit_export(f->app, NULL, path, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	text = file_read(path, &len, NULL);
	assert_non_null(strstr(text, "{\"id\":1,"));
	assert_non_null(strstr(text, SECRET_SUBJECT));
	free(text);
	assert_int_equal(audit_export(f->app, NULL, path, &n, &cause), -1);
	assert_non_null(strstr(cause, "already exists"));
	free(cause);
	free(path);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_round_trip),    T(test_actor_rule_and_verdict),
	    T(test_actions_hook),  T(test_edit_ciphertext),
	    T(test_edit_ts),       T(test_edit_kind),
	    T(test_delete_middle), T(test_delete_first),
	    T(test_delete_newest), T(test_delete_newest_and_head),
	    T(test_swap_rows),     T(test_swap_ciphertexts),
	    T(test_insert_forged), T(test_insert_forged_middle),
	    T(test_pending_folds), T(test_cached_key_records_without_store),
	    T(test_no_key_yet),    T(test_nothing_in_clear),
	    T(test_export),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
