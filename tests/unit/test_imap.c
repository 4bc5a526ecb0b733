/* test_imap: the pieces of the network code that need no server: TLS mode
 * names, refusals before any I/O, the sync store functions (cursor, uids,
 * stale drop, write-back rows), and messages built by send_build read back
 * by mime_parse (RFC 2047 subjects and names, quoted-printable bodies). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "va/imap.h"
#include "va/message.h"
#include "va/mime.h"
#include "va/send.h"
#include "va/store.h"
#include "va/util.h"

static void test_tls_names(void **state)
{
	(void)state;
	assert_int_equal(imap_tls_parse("implicit"), IMAP_TLS_IMPLICIT);
	assert_int_equal(imap_tls_parse("starttls"), IMAP_TLS_STARTTLS);
	assert_int_equal(imap_tls_parse("none"), IMAP_TLS_NONE);
	assert_int_equal(imap_tls_parse(NULL), IMAP_TLS_IMPLICIT);
	assert_int_equal(imap_tls_parse("bogus"), IMAP_TLS_IMPLICIT);
}

static void test_closed_port(void **state)
{
	struct imap_opts o = {
	    "127.0.0.1", 1, IMAP_TLS_IMPLICIT, NULL, "u", "p", IMAP_AUTH_PASSWORD, 5, NULL};
	char *cause = NULL;

	(void)state;
	assert_null(imap_connect(&o, &cause));
	assert_string_equal(cause, "cannot connect to 127.0.0.1 port 1: nothing answers there");
	free(cause);
}

/* Build, parse back, compare. */
static void roundtrip(const struct send_draft *d, struct message *m)
{
	char *cause = NULL, *raw;
	size_t len;

	raw = send_build(d, &len);
	assert_non_null(strstr(raw, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(raw, "Date: "));
	message_init(m);
	assert_int_equal(mime_parse(raw, len, m, &cause), 0);
	assert_int_equal(m->nproblems, 0);
	free(raw);
}

static void test_build_utf8(void **state)
{
	const char *to[] = {"bob@example.test", "carol@example.test"};
	const char *subject = "Grüße — ünïcödé subject long enough to need several encoded words, "
	                      "with =?not?= an encoded word and 日本語 too";
	struct send_draft d = {"Ånna Ünal", "anna@example.test",
	                       to,          2,
	                       subject,     "Héllo,\n.dot line\nend with space \nx=1\n",
	                       1700000000,  "id-1@example.test"};
	struct message m;

	(void)state;
	roundtrip(&d, &m);
	assert_string_equal(m.subject, subject);
	assert_string_equal(m.from_name, "Ånna Ünal");
	assert_string_equal(m.from_addr, "anna@example.test");
	assert_string_equal(m.message_id, "id-1@example.test");
	assert_int_equal(m.date, 1700000000);
	assert_non_null(strstr(m.to, "carol@example.test"));
	assert_non_null(strstr(m.body, "Héllo,\n.dot line\nend with space \nx=1"));
	message_release(&m);
}

static void test_build_ascii_and_long(void **state)
{
	const char *to[] = {"bob@example.test"};
	struct strbuf body = STRBUF_INIT;
	struct send_draft d = {NULL, "a@example.test", to, 1, "plain", "just ascii\n", 0, NULL};
	struct message m;
	char *raw;
	size_t len, i;

	(void)state;
	raw = send_build(&d, &len);
	assert_non_null(strstr(raw, "Content-Transfer-Encoding: 7bit\r\n"));
	assert_non_null(strstr(raw, "Message-ID: <"));
	assert_non_null(strstr(raw, "@example.test>\r\n"));
	assert_null(strstr(raw + strcspn(raw, "\n"), "\n\n")); /* CRLF everywhere */
	free(raw);
	for (i = 0; i < 300; i++)
		sb_adds(&body, "word ");
	d.body = body.buf;
	raw = send_build(&d, &len);
	assert_non_null(strstr(raw, "quoted-printable"));
	for (i = 0; i < len; i += strcspn(raw + i, "\n") + 1)
		assert_true(strcspn(raw + i, "\n") <= 78);
	free(raw);
	roundtrip(&d, &m);
	assert_non_null(strstr(m.body, "word word"));
	message_release(&m);
	sb_release(&body);
}

static void test_message_ids_differ(void **state)
{
	char *a = send_message_id("x@example.test"), *b = send_message_id("x@example.test");

	(void)state;
	assert_string_not_equal(a, b);
	assert_non_null(strstr(a, "@example.test"));
	free(a);
	free(b);
}

static void test_sync_store(void **state)
{
	char dir[] = "/tmp/va-test-imap-XXXXXX", *path, *cause = NULL;
	struct store_sync_folder f = {7, 10, 99, 123, 0}, g;
	struct store_sync_msg *v, put;
	struct message m;
	struct store *st;
	int64_t acc, fid;
	size_t n;
	int existed;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/va.db", dir);
	assert_non_null(st = store_open(path, &cause));
	acc = store_account_ensure(st, "work", "imap", "a@example.test", &cause);
	fid = store_folder_ensure(st, acc, "INBOX", &cause);
	assert_int_equal(store_sync_folder_set(st, fid, &f, NULL, &cause), 0);
	assert_int_equal(store_sync_folder_get(st, fid, &g, &cause), 0);
	assert_int_equal(g.uidvalidity, 7);
	assert_int_equal(g.uidnext, 10);
	assert_int_equal(g.highestmodseq, 99);
	message_init(&m);
	m.account_id = acc;
	m.folder_id = fid;
	m.source = xstrdup("imap:7:3");
	m.subject = xstrdup("s");
	assert_true(store_message_add(st, &m, NULL, "x", 1, &existed, &cause) > 0);
	put = (struct store_sync_msg){m.id, 3, MSG_SEEN, "k1 k2", 5};
	assert_int_equal(store_sync_put(st, 7, &put, 1, &cause), 0);
	assert_int_equal(store_sync_messages(st, fid, 7, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].uid, 3);
	assert_int_equal(v[0].flags, MSG_SEEN);
	assert_string_equal(v[0].keywords, "k1 k2");
	store_sync_messages_free(v, n);
	assert_int_equal(store_sync_drop_stale(st, fid, 7, &cause), 0);
	assert_int_equal(store_sync_drop_stale(st, fid, 8, &cause), 1);
	assert_int_equal(store_sync_folder_get(st, fid, &g, &cause), 0);
	assert_int_equal(g.count, 0);
	assert_int_equal(store_sync_folder_get(st, 9999, &g, &cause), 1);
	message_release(&m);
	store_close(st);
	unlink(path);
	free(path);
	path = xasprintf("%s/va.db-wal", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/va.db-shm", dir);
	unlink(path);
	free(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tls_names),          cmocka_unit_test(test_closed_port),
	    cmocka_unit_test(test_build_utf8),         cmocka_unit_test(test_build_ascii_and_long),
	    cmocka_unit_test(test_message_ids_differ), cmocka_unit_test(test_sync_store),
	};
	return cmocka_run_group_tests_name("imap", tests, NULL, NULL);
}
