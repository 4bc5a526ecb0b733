/* test_store: schema, migrations, refusals, message storage, threads, queries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "va/store.h"
#include "va/util.h"

#include "store_fx.h"

static int64_t add(struct fx *f, const char *source, const char *msgid, const char *irt,
                   const char *refs, const char *subject, int64_t date, int *existed)
{
	struct message m;
	struct attachment a = {"report.pdf", "application/pdf", 1234, NULL, 2};
	char *cause = NULL;
	int64_t id;

	message_init(&m);
	m.account_id = f->account;
	m.folder_id = f->folder;
	m.source = xstrdup(source);
	m.message_id = xstrdup(msgid);
	m.in_reply_to = xstrdup(irt);
	m.references = xstrdup(refs);
	m.subject = xstrdup(subject);
	m.from_name = xstrdup("Alice Example");
	m.from_addr = xstrdup("alice@example.org");
	m.to = xstrdup("Sam <sam@example.com>");
	m.body = xstrdup("Please find the quarterly numbers attached. Café menu follows.");
	m.date = date;
	m.hash = xstrdup("00ff");
	message_problem(&m, "unknown charset \"x-foo\" in part 2");
	message_add_attachment(&m, &a);
	id = store_message_add(f->st, &m, NULL, "raw bytes", 9, existed, &cause);
	assert_true(id > 0);
	assert_null(cause);
	message_release(&m);
	return id;
}

static void test_schema(void **state)
{
	struct fx *f = *state;
	struct stat sb;

	assert_int_equal(store_schema_version(f->st), store_schema_latest());
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

static void test_add_get_roundtrip(void **state)
{
	struct fx *f = *state;
	struct message m;
	char *cause = NULL, *raw;
	size_t len = 0;
	int existed = -1;
	int64_t id = add(f, "1", "a@x", NULL, NULL, "Quarterly numbers", 1700000000, &existed);

	assert_int_equal(existed, 0);
	message_init(&m);
	assert_int_equal(store_message_get(f->st, id, &m, &cause), 0);
	assert_string_equal(m.subject, "Quarterly numbers");
	assert_string_equal(m.account, "work");
	assert_string_equal(m.folder, "INBOX");
	assert_string_equal(m.from_addr, "alice@example.org");
	assert_int_equal(m.date, 1700000000);
	assert_int_equal(m.natt, 1);
	assert_string_equal(m.att[0].filename, "report.pdf");
	assert_int_equal(m.att[0].size, 1234);
	assert_int_equal(m.nproblems, 1);
	assert_string_equal(m.problems[0], "unknown charset \"x-foo\" in part 2");
	assert_int_equal(m.thread_id, id);
	assert_int_equal(m.confidence, -1);
	message_release(&m);
	raw = store_message_raw(f->st, id, &len, &cause);
	assert_int_equal(len, 9);
	assert_memory_equal(raw, "raw bytes", 9);
	free(raw);
	assert_int_equal(store_message_get(f->st, id + 100, &m, &cause), 1);
}

static void test_duplicate_source(void **state)
{
	struct fx *f = *state;
	int existed = 0;
	int64_t a = add(f, "same", "d@x", NULL, NULL, "One", 1, &existed);
	int64_t b = add(f, "same", "d@x", NULL, NULL, "One again", 2, &existed);
	struct store_query q = {0};
	int64_t count = 0;

	assert_int_equal(a, b);
	assert_int_equal(existed, 1);
	assert_int_equal(store_message_count(f->st, &q, &count, NULL), 0);
	assert_int_equal(count, 1);
}

static void test_threads_in_and_out_of_order(void **state)
{
	struct fx *f = *state;
	/* the grandchild and child arrive before the root */
	int64_t c2 = add(f, "3", "c2@x", "c1@x", "root@x c1@x", "Re: Re: Plan", 3, NULL);
	int64_t c1 = add(f, "2", "c1@x", "root@x", "root@x", "Re: Plan", 2, NULL);
	int64_t root = add(f, "1", "root@x", NULL, NULL, "Plan", 1, NULL);
	int64_t other = add(f, "4", "other@x", NULL, NULL, "Unrelated", 4, NULL);
	struct store_query q = {0};
	struct message *msgs, m;
	size_t n, i;

	(void)c1;
	(void)root;
	message_init(&m);
	assert_int_equal(store_message_get(f->st, c2, &m, NULL), 0);
	/* all three share one thread id, whatever arrived first */
	q.thread_id = m.thread_id;
	message_release(&m);
	assert_int_equal(store_message_list(f->st, &q, &msgs, &n, NULL), 0);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++)
		assert_int_not_equal(msgs[i].id, other);
	store_messages_free(msgs, n);
}

/* A reply in the thread from someone else ends a follow-up, also when it is
 * dated the same second as the message followed up (a quick answer, stored
 * after it); the sender's own messages, older ones and the message it
 * answered in that same second do not. */
static void test_thread_replied(void **state)
{
	struct fx *f = *state;
	/* from alice: Bob's follow-up is on "ask"; "prev" is what it answered */
	int64_t prev = add(f, "9", "prev@x", NULL, NULL, "Venue", 100, NULL);
	int64_t ask = add(f, "10", "ask@x", "prev@x", "prev@x", "Re: Venue", 100, NULL);
	struct message m;
	char *cause = NULL;
	int64_t thread;

	message_init(&m);
	assert_int_equal(store_message_get(f->st, ask, &m, NULL), 0);
	thread = m.thread_id;
	message_release(&m);
	/* the same second, stored before: what it answered, not an answer */
	assert_int_equal(store_thread_replied(f->st, thread, ask, 100, "bob@example.org", &cause), 0);
	(void)prev;
	add(f, "11", "answer@x", "ask@x", "prev@x ask@x", "Re: Venue", 100, NULL);
	/* the same second, stored after: an answer */
	assert_int_equal(store_thread_replied(f->st, thread, ask, 100, "bob@example.org", &cause), 1);
	/* older than the message followed up: not an answer */
	assert_int_equal(store_thread_replied(f->st, thread, ask, 101, "bob@example.org", &cause), 0);
	/* the sender's own messages: not an answer */
	assert_int_equal(store_thread_replied(f->st, thread, ask, 100, "alice@example.org", &cause),
	                 0);
	assert_null(cause);
}

static void test_list_filters_and_order(void **state)
{
	struct fx *f = *state;
	struct store_query q = {0};
	struct message *msgs;
	size_t n;
	char *cause = NULL;
	int64_t old = add(f, "1", "1@x", NULL, NULL, "Old", 100, NULL);
	int64_t mid = add(f, "2", "2@x", NULL, NULL, "Mid", 200, NULL);
	int64_t new_ = add(f, "3", "3@x", NULL, NULL, "New", 300, NULL);

	assert_int_equal(store_message_set_flags(f->st, mid, MSG_SEEN | MSG_FLAGGED, &cause), 0);
	assert_int_equal(store_message_list(f->st, &q, &msgs, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(msgs[0].id, new_);
	assert_int_equal(msgs[2].id, old);
	assert_int_equal(msgs[0].attach_count, 1);
	store_messages_free(msgs, n);
	q.unread = 1;
	assert_int_equal(store_message_list(f->st, &q, &msgs, &n, &cause), 0);
	assert_int_equal(n, 2);
	store_messages_free(msgs, n);
	q.unread = 0;
	q.flagged = 1;
	assert_int_equal(store_message_list(f->st, &q, &msgs, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(msgs[0].id, mid);
	store_messages_free(msgs, n);
	q.flagged = 0;
	q.limit = 1;
	q.offset = 1;
	assert_int_equal(store_message_list(f->st, &q, &msgs, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(msgs[0].id, mid);
	store_messages_free(msgs, n);
	q.limit = 0;
	q.offset = 0;
	q.folder = "Archive";
	assert_int_equal(store_message_list(f->st, &q, &msgs, &n, &cause), 0);
	assert_int_equal(n, 0);
	store_messages_free(msgs, n);
	q.folder = NULL;
	q.from = "ALICE@";
	assert_int_equal(store_message_list(f->st, &q, &msgs, &n, &cause), 0);
	assert_int_equal(n, 3);
	store_messages_free(msgs, n);
}

static void test_delete_cascades(void **state)
{
	struct fx *f = *state;
	struct store_query q = {0};
	int64_t count = -1;
	int64_t id = add(f, "1", "1@x", NULL, NULL, "Numbers", 1, NULL);

	assert_int_equal(store_message_delete(f->st, id, NULL), 0);
	q.search = "quarterly";
	assert_int_equal(store_message_count(f->st, &q, &count, NULL), 0);
	assert_int_equal(count, 0);
	assert_null(store_message_raw(f->st, id, &(size_t){0}, NULL));
}

static void test_not_sqlite_refused(void **state)
{
	char dir[] = "/tmp/va-test-bad-XXXXXX", *path, *cause = NULL, *back;
	size_t len;
	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/va.db", dir);
	assert_int_equal(file_write_atomic(path, "this is not a database\n", 23, 0600, NULL), 0);
	assert_null(store_open(path, &cause));
	assert_non_null(strstr(cause, "is not a SQLite database"));
	back = file_read(path, &len, NULL);
	assert_int_equal(len, 23); /* untouched */
	free(back);
	free(cause);
	unlink(path);
	rmdir(dir);
	free(path);
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	char *cause = NULL;
	struct store *st;

	assert_int_equal(store_kv_set(f->st, "probe", "1", NULL), 0);
	store_close(f->st);
	{
		sqlite3 *db;
		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	st = store_open(f->path, &cause);
	assert_null(st);
	assert_non_null(strstr(cause, "schema version 999"));
	free(cause);
	f->st = NULL;
}

/* The inbox's keys query (store_message_keys) reads a covering index in
 * display order: no table rows, no sort, whatever the number of messages. */
static void plan_text(sqlite3 *db, const char *sql, struct strbuf *out)
{
	sqlite3_stmt *s;
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);

	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		sb_addf(out, "%s\n", (const char *)sqlite3_column_text(s, 3));
	sqlite3_finalize(s);
	free(q);
}

static void test_inbox_key_indexes(void **state)
{
	struct fx *f = *state;
	struct strbuf plan = STRBUF_INIT;
	sqlite3 *db;

	sb_init(&plan);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	plan_text(db,
	          "SELECT m.id, m.flags, m.thread_id FROM messages m INDEXED BY messages_list"
	          " WHERE 1 AND m.folder_id IN (SELECT f.id FROM folders f JOIN accounts a"
	          " ON a.id = f.account_id WHERE 1 AND f.name = 'INBOX') AND (m.flags & 1) = 0"
	          " ORDER BY m.date DESC, m.id DESC",
	          &plan);
	assert_non_null(strstr(plan.buf, "COVERING INDEX messages_list"));
	assert_null(strstr(plan.buf, "TEMP B-TREE"));
	plan.len = 0;
	plan.buf[0] = '\0';
	plan_text(db,
	          "SELECT m.id, m.flags, m.thread_id FROM messages_fts JOIN messages m INDEXED BY"
	          " messages_keys ON m.id = messages_fts.rowid WHERE messages_fts MATCH 'x'"
	          " ORDER BY bm25(messages_fts), m.date DESC, m.id DESC",
	          &plan);
	assert_non_null(strstr(plan.buf, "COVERING INDEX messages_keys"));
	sqlite3_close(db);
	sb_release(&plan);
}

static void test_kv(void **state)
{
	struct fx *f = *state;
	char *v;

	assert_int_equal(store_kv_set(f->st, "k", "v1", NULL), 0);
	assert_int_equal(store_kv_set(f->st, "k", "v2", NULL), 0);
	v = store_kv_get(f->st, "k");
	assert_string_equal(v, "v2");
	free(v);
	assert_null(store_kv_get(f->st, "missing"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_schema, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_add_get_roundtrip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_duplicate_source, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_threads_in_and_out_of_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_thread_replied, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_filters_and_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_delete_cascades, setup, teardown),
	    cmocka_unit_test(test_not_sqlite_refused),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inbox_key_indexes, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
