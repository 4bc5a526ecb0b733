/* test_mime_part: mime_part_bytes() finds the part mime_parse() numbered,
 * with its transfer encoding undone, nested multiparts and forwarded
 * messages included; bad part numbers are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "va/mime.h"
#include "va/util.h"

static const char nested[] =
    "From: Ann <ann@example.com>\r\n"
    "Subject: files\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "preamble\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=inner\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "hello\r\n"
    "--inner\r\n"
    "Content-Type: text/html\r\n"
    "\r\n"
    "<p>hello</p>\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: application/octet-stream; name=\"a.bin\"\r\n"
    "Content-Disposition: attachment; filename=\"a.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "AAECA/8=\r\n"
    "--outer\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: Bob <bob@example.com>\r\n"
    "Subject: inner\r\n"
    "Content-Type: multipart/mixed; boundary=b2\r\n"
    "\r\n"
    "--b2\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "forwarded text\r\n"
    "--b2\r\n"
    "Content-Type: text/csv; name=t.csv\r\n"
    "Content-Disposition: attachment; filename=t.csv\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "a,b=3D1\r\n"
    "--b2--\r\n"
    "--outer--\r\n";

/* The part number mime_parse gave the attachment called name. */
static int part_of(const struct message *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->natt; i++)
		if (m->att[i].filename && !strcmp(m->att[i].filename, name))
			return m->att[i].part;
	fail_msg("no attachment %s", name);
	return -1;
}

static void test_parts_match_mime_parse(void **state)
{
	struct message m;
	char *out, *cause = NULL;
	size_t len;
	static const unsigned char bin[] = {0, 1, 2, 3, 0xff};

	(void)state;
	message_init(&m);
	assert_int_equal(mime_parse(nested, strlen(nested), &m, &cause), 0);
	assert_int_equal(mime_part_bytes(nested, strlen(nested), part_of(&m, "a.bin"), &out, &len,
	                                 &cause),
	                 0);
	assert_int_equal(len, sizeof bin);
	assert_memory_equal(out, bin, sizeof bin);
	free(out);
	assert_int_equal(mime_part_bytes(nested, strlen(nested), part_of(&m, "t.csv"), &out, &len,
	                                 &cause),
	                 0);
	assert_string_equal(out, "a,b=1");
	free(out);
	assert_int_equal(mime_part_bytes(nested, strlen(nested), 3, &out, &len, &cause), 0);
	assert_string_equal(out, "hello"); /* 1 message, 2 alternative, 3 its text */
	free(out);
	message_release(&m);
}

static void test_bad_part_numbers(void **state)
{
	char *out, *cause = NULL;
	size_t len;

	(void)state;
	assert_int_equal(mime_part_bytes(nested, strlen(nested), 0, &out, &len, &cause), -1);
	assert_non_null(cause);
	x_free(&cause);
	assert_int_equal(mime_part_bytes(nested, strlen(nested), 99, &out, &len, &cause), -1);
	assert_non_null(strstr(cause, "no part 99"));
	assert_null(out);
	x_free(&cause);
	assert_int_equal(mime_part_bytes("", 0, 2, &out, &len, &cause), -1);
	x_free(&cause);
}

static void test_single_part_message(void **state)
{
	static const char one[] = "Subject: x\nContent-Transfer-Encoding: base64\n\naGk=\n";
	char *out;
	size_t len;

	(void)state;
	assert_int_equal(mime_part_bytes(one, strlen(one), 1, &out, &len, NULL), 0);
	assert_string_equal(out, "hi");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parts_match_mime_parse),
	    cmocka_unit_test(test_bad_part_numbers),
	    cmocka_unit_test(test_single_part_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
