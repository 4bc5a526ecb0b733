/* test_send: the outgoing-message composer's multipart/mixed output (the
 * boundary, base64 in 76-character lines, RFC 2231 file names with
 * continuations) read back by mime_parse and mime_part_bytes; the type guess;
 * and the attachment loader's refusals (missing, directory, unreadable, over
 * the size cap) before anything is read. */
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

#include "va/message.h"
#include "va/mime.h"
#include "va/send.h"
#include "va/util.h"

#define LONG_NAME "Résumé de l’année 2026 — version définitive, relue et corrigée.pdf"

static const char *const to[] = {"bob@example.test"};

/* The boundary named in the top-level Content-Type. */
static char *boundary_of(const char *raw)
{
	const char *p = strstr(raw, "multipart/mixed;\r\n boundary=\"");

	assert_non_null(p);
	p += strlen("multipart/mixed;\r\n boundary=\"");
	return xstrndup(p, strcspn(p, "\""));
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Every line ends in CRLF and holds at most 78 characters; at least min_b64
 * are full base64 lines of 76. */
static void check_lines(const char *raw, size_t len, size_t min_b64)
{
	size_t i, n, b64 = 0;

	for (i = 0; i < len; i += n + 1) {
		n = strcspn(raw + i, "\n");
		assert_true(n <= 79);
		assert_true(n > 0 && raw[i + n - 1] == '\r');
		if (n == 77 &&
		    strspn(raw + i, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                    "0123456789+/") == 76)
			b64++;
	}
	assert_true(b64 >= min_b64);
}

static void build(struct send_attachment *a, size_t n, const char *body, char **raw, size_t *len)
{
	struct send_draft d = {"Ånna",     "anna@example.test",  to, 1, "files", body,
	                       1700000000, "id-att@example.test"};
	struct send_extra x;

	memset(&x, 0, sizeof x);
	x.attach = a;
	x.nattach = n;
	*raw = send_build_ex(&d, &x, len);
}

static void test_multipart(void **state)
{
	unsigned char bin[768];
	char txt[] = "naïve text\nline two\n", bname[] = "all-bytes.bin", tname[] = "naïve.txt",
	     btype[] = "application/octet-stream", ttype[] = "text/plain; charset=utf-8";
	struct send_attachment a[2] = {{bname, btype, bin, sizeof bin},
	                               {tname, ttype, (unsigned char *)txt, sizeof txt - 1}};
	char *raw, *b, *delim, *out = NULL, *cause = NULL;
	size_t len, outlen, i;
	struct message m;

	(void)state;
	for (i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)i;
	build(a, 2, "Héllo,\n-- \nsig\n", &raw, &len);
	b = boundary_of(raw);
	assert_true(strlen(b) >= 20);
	delim = xasprintf("\r\n--%s\r\n", b);
	assert_int_equal(count(raw, delim), 3); /* text, two files */
	free(delim);
	delim = xasprintf("\r\n--%s--\r\n", b);
	assert_int_equal(count(raw, delim), 1);
	assert_int_equal(count(raw, b), 5); /* the header's, three parts, the end */
	free(delim);
	assert_non_null(strstr(raw, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(raw,
	                       "Content-Type: text/plain; charset=utf-8\r\n"
	                       "Content-Transfer-Encoding: quoted-printable\r\n\r\nH=C3=A9llo,"));
	assert_non_null(
	    strstr(raw, "Content-Disposition: attachment;\r\n filename=\"all-bytes.bin\""));
	assert_non_null(strstr(raw, "Content-Disposition: attachment;\r\n"
	                            " filename*=utf-8''na%C3%AFve.txt\r\n"));
	assert_non_null(strstr(raw, "Content-Type: text/plain; charset=utf-8;\r\n"
	                            " name*=utf-8''na%C3%AFve.txt\r\n"));
	check_lines(raw, len, 13); /* 768 bytes: 13 full lines and a short one */

	message_init(&m);
	assert_int_equal(mime_parse(raw, len, &m, &cause), 0);
	assert_int_equal(m.nproblems, 0);
	assert_non_null(strstr(m.body, "Héllo,"));
	assert_int_equal(m.natt, 2);
	assert_string_equal(m.att[0].filename, "all-bytes.bin");
	assert_string_equal(m.att[0].mime_type, "application/octet-stream");
	assert_int_equal(m.att[0].size, 768);
	assert_string_equal(m.att[1].filename, "naïve.txt");
	assert_int_equal(mime_part_bytes(raw, len, m.att[0].part, &out, &outlen, &cause), 0);
	assert_int_equal(outlen, sizeof bin);
	assert_memory_equal(out, bin, sizeof bin);
	free(out);
	assert_int_equal(mime_part_bytes(raw, len, m.att[1].part, &out, &outlen, &cause), 0);
	assert_int_equal(outlen, strlen(txt));
	assert_memory_equal(out, txt, outlen);
	free(out);
	message_release(&m);
	free(b);
	free(raw);
}

/* A long non-ASCII name is split into filename*0*, filename*1*... pieces
 * that never cut a %XX nor a UTF-8 sequence, and reads back whole. */
static void test_long_name(void **state)
{
	char name[] = LONG_NAME, type[] = "application/pdf", data[] = "%PDF-1.4\n";
	struct send_attachment a = {name, type, (unsigned char *)data, sizeof data - 1};
	char *raw, *cause = NULL;
	const char *p;
	size_t len;
	struct message m;

	(void)state;
	build(&a, 1, "", &raw, &len);
	assert_non_null(strstr(raw, "\r\n filename*0*=utf-8''R%C3%A9sum%C3%A9"));
	assert_non_null(strstr(raw, "\r\n filename*1*="));
	assert_null(strstr(raw, "filename*="));
	for (p = raw; (p = strstr(p, "*=")); p++)
		assert_false(p[2] == '%' &&
		             strchr("89AB", p[3])); /* no piece starts mid-sequence */
	check_lines(raw, len, 0);
	message_init(&m);
	assert_int_equal(mime_parse(raw, len, &m, &cause), 0);
	assert_int_equal(m.natt, 1);
	assert_string_equal(m.att[0].filename, LONG_NAME);
	assert_string_equal(m.att[0].mime_type, "application/pdf");
	message_release(&m);
	free(raw);
}

/* Without attachments the message stays a single text part. */
static void test_no_attachments(void **state)
{
	char *raw;
	size_t len;

	(void)state;
	build(NULL, 0, "plain\n", &raw, &len);
	assert_null(strstr(raw, "multipart"));
	assert_non_null(strstr(raw, "Content-Transfer-Encoding: 7bit\r\n\r\nplain\r\n"));
	free(raw);
}

static void guess(const char *name, const char *data, size_t len, const char *want)
{
	char *t = send_guess_type(name, (const unsigned char *)data, len);

	assert_string_equal(t, want);
	free(t);
}

static void test_guess_type(void **state)
{
	(void)state;
	guess("a.pdf", "%PDF", 4, "application/pdf");
	guess("photo.JPG", "\xff\xd8\xff\xe0", 4, "image/jpeg");
	guess("data.csv", "a,b\n1,ü\n", 9, "text/csv; charset=utf-8");
	guess("notes.txt", "caf\xe9\n", 5, "text/plain");
	guess("notes.txt", "a\0b", 3, "application/octet-stream");
	guess("README", "just text\n", 10, "text/plain; charset=utf-8");
	guess("blob", "\x01\x02\0\xff", 4, "application/octet-stream");
	guess(".profile", "export A=1\n", 11, "text/plain; charset=utf-8");
	guess("empty", "", 0, "text/plain; charset=utf-8");
}

static char *dir;

static char *put(const char *name, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
	return path;
}

static void load_fails(const char *const *paths, size_t n, int64_t max, const char *want)
{
	struct send_attachment a[4];
	char *cause = NULL;

	assert_int_equal(send_attachments_load(a, paths, n, max, &cause), -1);
	assert_string_equal(cause, want);
	for (size_t i = 0; i < n; i++)
		assert_null(a[i].data); /* nothing read */
	send_attachments_release(a, n);
	free(cause);
}

static void test_load(void **state)
{
	char tmpl[] = "/tmp/va-test-send-XXXXXX", *want, *missing, *secret;
	char *ok = NULL, *big = NULL;
	struct send_attachment a[2];
	const char *paths[2];
	char *cause = NULL;

	(void)state;
	dir = mkdtemp(tmpl);
	assert_non_null(dir);
	ok = put("Grüße.txt", "hi\n", 3);
	big = put("big.bin", "0123456789\0abcdef", 17);
	missing = xasprintf("%s/nope.pdf", dir);

	paths[0] = ok;
	paths[1] = big;
	assert_int_equal(send_attachments_load(a, paths, 2, 20, &cause), 0);
	assert_string_equal(a[0].name, "Grüße.txt");
	assert_string_equal(a[0].type, "text/plain; charset=utf-8");
	assert_int_equal(a[1].len, 17);
	assert_memory_equal(a[1].data, "0123456789\0abcdef", 17);
	assert_string_equal(a[1].type, "application/octet-stream");
	send_attachments_release(a, 2);

	paths[1] = missing;
	want = xasprintf("cannot attach \"%s\": no such file", missing);
	load_fails(paths, 2, 0, want);
	free(want);
	paths[1] = dir;
	want = xasprintf("cannot attach \"%s\": it is a directory", dir);
	load_fails(paths, 2, 0, want);
	free(want);
	paths[1] = big;
	load_fails(paths, 2, 19,
	           "cannot attach 2 files of 20 bytes together: more than [send] "
	           "max_attachments (19 bytes)");
	want = xasprintf("cannot attach \"%s\": it is 17 bytes, more than [send] max_attachments "
	                 "(16 bytes)",
	                 big);
	load_fails(paths + 1, 1, 16, want);
	free(want);
	if (geteuid() != 0) { /* root reads anything */
		secret = put("secret", "x", 1);
		chmod(secret, 0);
		want = xasprintf("cannot attach \"%s\": permission denied", secret);
		load_fails((const char *const *)&secret, 1, 0, want);
		free(want);
		unlink(secret);
		free(secret);
	}
	unlink(ok);
	unlink(big);
	rmdir(dir);
	free(ok);
	free(big);
	free(missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_multipart),      cmocka_unit_test(test_long_name),
	    cmocka_unit_test(test_no_attachments), cmocka_unit_test(test_guess_type),
	    cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests_name("send", tests, NULL, NULL);
}
