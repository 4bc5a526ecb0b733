/* test_store_bulk: a bulk commit (hundreds of messages in one store
 * transaction, as a first sync makes) indexes them all, keeps the FTS5 index
 * sound and leaves the stored FTS5 configuration as it was (store_commit
 * raises automerge for the commit only); a small commit and a rolled back bulk
 * transaction behave as before. */
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

#include "va/message.h"
#include "va/store.h"
#include "va/util.h"

#include "store_fx.h"

/* Messages first..first+n-1, each with a word of its own ("wordN") and one
 * they share ("quarterly"), in one store transaction. */
static void add_sized(struct fx *f, int first, int n, size_t rawlen)
{
	char *cause = NULL, *raw = xmalloc(rawlen + 1);
	int i;

	memset(raw, 'x', rawlen);
	raw[rawlen] = '\0';
	for (i = first; i < first + n; i++) {
		struct message m;

		message_init(&m);
		m.account_id = f->account;
		m.folder_id = f->folder;
		m.source = xasprintf("imap:1:%d", i);
		m.message_id = xasprintf("<m%d@example.org>", i);
		m.subject = xasprintf("report %d", i);
		m.from_addr = xstrdup("alice@example.org");
		m.body = xasprintf("the quarterly numbers, word%d, and more text", i);
		m.date = 1700000000 + i;
		if (rawlen > 16) /* each raw its own */
			memcpy(raw, m.source, strlen(m.source));
		assert_true(store_message_add(f->st, &m, NULL, raw, rawlen, NULL, &cause) > 0);
		message_release(&m);
	}
	free(raw);
}

static void add_many(struct fx *f, int first, int n)
{
	add_sized(f, first, n, 3);
}

static off_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

static int64_t count(struct fx *f, const char *search)
{
	struct store_query q;
	int64_t n = -1;
	char *cause = NULL;

	memset(&q, 0, sizeof q);
	q.search = search;
	assert_int_equal(store_message_count(f->st, &q, &n, &cause), 0);
	return n;
}

/* A query on a second connection, as the TUI or a CLI command would make. */
static char *sql_text(struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *v = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void assert_fts_sound(struct fx *f)
{
	sqlite3 *db;
	char *err = NULL, *am;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_exec(db, "INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')",
	                 NULL, NULL, &err) != SQLITE_OK)
		fail_msg("integrity-check: %s", err);
	sqlite3_close(db);
	/* the stored setting is FTS5's default (no row, or 4) */
	am = sql_text(f, "SELECT v FROM messages_fts_config WHERE k = 'automerge'");
	if (am)
		assert_string_equal(am, "4");
	free(am);
}

static void test_bulk_commit(void **state)
{
	struct fx *f = *state;
	char *cause = NULL;

	assert_int_equal(store_begin(f->st, &cause), 0);
	add_many(f, 1, 600);
	assert_int_equal(store_commit(f->st, &cause), 0);
	assert_null(cause);
	assert_int_equal(count(f, "quarterly"), 600);
	assert_int_equal(count(f, "word1"), 1);
	assert_int_equal(count(f, "word600"), 1);
	assert_int_equal(count(f, "\"quarterly numbers\""), 600);
	assert_fts_sound(f);

	/* a second bulk load and a small one on top */
	assert_int_equal(store_begin(f->st, &cause), 0);
	add_many(f, 601, 400);
	assert_int_equal(store_commit(f->st, &cause), 0);
	assert_int_equal(store_begin(f->st, &cause), 0);
	add_many(f, 1001, 3);
	assert_int_equal(store_commit(f->st, &cause), 0);
	assert_int_equal(count(f, "quarterly"), 1003);
	assert_int_equal(count(f, "word1002"), 1);
	assert_fts_sound(f);
}

static void test_bulk_rollback(void **state)
{
	struct fx *f = *state;
	char *cause = NULL;

	assert_int_equal(store_begin(f->st, &cause), 0);
	add_many(f, 1, 10);
	assert_int_equal(store_commit(f->st, &cause), 0);
	assert_int_equal(store_begin(f->st, &cause), 0);
	add_many(f, 11, 300);
	store_rollback(f->st);
	assert_int_equal(count(f, "quarterly"), 10);
	assert_int_equal(count(f, "word11"), 0);
	assert_fts_sound(f);
}

/* store_bulk_begin: checkpoints run on their own thread while the writer
 * commits, and the WAL stays bounded (st_ckpt.c: a commit past 8,000 pages
 * waits for its round, so the next transaction starts the WAL again). */
static void test_bulk_checkpoints(void **state)
{
	struct fx *f = *state;
	char *cause = NULL, *wal = xasprintf("%s-wal", f->path);
	off_t wal_max = 0, db_before;
	int i;

	assert_int_equal(store_bulk_begin(f->st), 0);
	db_before = file_size(f->path);
	for (i = 0; i < 40; i++) { /* 40 commits of ~1.2 MB: 48 MB in all */
		assert_int_equal(store_begin(f->st, &cause), 0);
		add_sized(f, i * 100 + 1, 100, 12000);
		assert_int_equal(store_commit(f->st, &cause), 0);
		if (file_size(wal) > wal_max)
			wal_max = file_size(wal);
	}
	/* the pages reached the database file while the bulk write went on */
	if (file_size(f->path) < db_before + (24 << 20))
		fail_msg("the database file has %lld bytes, the WAL %lld",
		         (long long)file_size(f->path), (long long)file_size(wal));
	/* 8,000 pages of 4 KB, plus one commit in flight and some slack */
	if (wal_max > (40 << 20))
		fail_msg("the WAL grew to %lld bytes", (long long)wal_max);
	store_bulk_end(f->st);
	store_bulk_end(f->st); /* twice is harmless */
	assert_int_equal(count(f, "quarterly"), 4000);
	assert_int_equal(count(f, "word3999"), 1);
	assert_fts_sound(f);
	free(wal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bulk_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_rollback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_checkpoints, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
