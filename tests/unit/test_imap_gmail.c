/* test_imap_gmail: modified UTF-7 (RFC 3501 5.1.3), the encoding of mailbox
 * names and of Gmail's X-GM-LABELS, both ways: the RFC's own example, '&',
 * characters outside the BMP (surrogate pairs), and refusals of input that
 * is not valid UTF-8 or not valid modified UTF-7. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "va/imap.h"

static void both_ways(const char *utf8, const char *wire)
{
	char *e = imap_utf7_encode(utf8), *d = imap_utf7_decode(wire);

	assert_non_null(e);
	assert_non_null(d);
	assert_string_equal(e, wire);
	assert_string_equal(d, utf8);
	free(e);
	free(d);
}

static void test_utf7(void **state)
{
	(void)state;
	both_ways("INBOX", "INBOX");
	both_ways("", "");
	both_ways("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
	both_ways("Entwürfe", "Entw&APw-rfe");
	both_ways("Été", "&AMk-t&AOk-");
	both_ways("Project Alpha", "Project Alpha");
	both_ways("R&D", "R&-D");
	both_ways("&&", "&-&-");
	both_ways("fun 😀!", "fun &2D3eAA-!");
	both_ways("a\tb", "a&AAk-b");
}

static void test_utf7_refused(void **state)
{
	(void)state;
	assert_null(imap_utf7_encode("caf\xe9")); /* Latin-1, not UTF-8 */
	assert_null(imap_utf7_decode("&Jjo"));    /* no closing '-' */
	assert_null(imap_utf7_decode("&Jj!o-"));  /* not base64 */
	assert_null(imap_utf7_decode("&2D0-"));   /* a lone high surrogate */
	assert_null(imap_utf7_decode("&3gA-"));   /* a lone low surrogate */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf7),
	    cmocka_unit_test(test_utf7_refused),
	};
	return cmocka_run_group_tests_name("imap_gmail", tests, NULL, NULL);
}
