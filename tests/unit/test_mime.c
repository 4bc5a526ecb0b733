/*
 * test_mime: mime_parse() and its helpers on small inline messages; every
 * test asserts the exact values a caller sees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "va/message.h"
#include "va/mime.h"
#include "va/util.h"

/* Parse a NUL-terminated message that must parse. */
static void parse_ok(const char *raw, struct message *m)
{
	char *cause = NULL;

	message_init(m);
	assert_int_equal(mime_parse(raw, strlen(raw), m, &cause), 0);
	assert_null(cause);
}

/* The problems must be exactly the NULL-terminated list `want`. */
static void check_problems(const struct message *m, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		if (i >= m->nproblems)
			fail_msg("missing problem \"%s\"", want[i]);
		assert_string_equal(m->problems[i], want[i]);
	}
	if (m->nproblems != i)
		fail_msg("unexpected problem \"%s\"", m->problems[i]);
}

#define assert_problems(m, ...) check_problems((m), (const char *const[]){__VA_ARGS__, NULL})

static void assert_no_problems(const struct message *m)
{
	check_problems(m, (const char *const[]){NULL});
}

static void assert_header_decodes(const char *in, const char *want)
{
	char *s = mime_decode_header(in);

	assert_string_equal(s, want);
	free(s);
}

static void test_rfc2047_words(void **state)
{
	(void)state;
	assert_header_decodes("=?ISO-8859-1?Q?Andr=E9?= Pirard", "André Pirard");
	assert_header_decodes("=?iso-8859-1?q?caf=E9_cr=E8me?=", "café crème");
	assert_header_decodes("=?UTF-8?B?w6lsw6hndWU=?=", "élègue");
	assert_header_decodes("=?Shift_JIS?B?k/qWe4zq?=", "日本語");
	assert_header_decodes("=?utf-8?B?R3LDvMOfZQ?=", "Grüße"); /* padding missing */
	/* adjacent words join without the blanks (or fold) between them */
	assert_header_decodes("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab");
	assert_header_decodes("=?utf-8?q?a?=\r\n\t =?iso-8859-1?q?=E9?=", "aé");
	/* a character split over two words survives */
	assert_header_decodes("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9?=", "é");
	assert_header_decodes("=?shift_jis?B?k/qW?= =?shift_jis?B?ew==?=", "日本");
	/* text between words keeps its blanks */
	assert_header_decodes("a =?utf-8?q?b?= c", "a b c");
	/* malformed words stay as written */
	assert_header_decodes("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=");
	assert_header_decodes("=?UTF-8?Q?no end", "=?UTF-8?Q?no end");
	assert_header_decodes("=?UTF-8?B?!!!?=", "=?UTF-8?B?!!!?=");
	assert_header_decodes("=??Q?x?=", "=??Q?x?=");
	/* raw 8-bit: UTF-8 if valid, else Windows-1252; a fold is unfolded */
	assert_header_decodes("caf\xc3\xa9", "café");
	assert_header_decodes("caf\xe9 \x93quoted\x94", "café “quoted”");
	assert_header_decodes("one\r\n two", "one two");
	assert_header_decodes("", "");
}

static void test_header_fields(void **state)
{
	struct message m;
	const char *raw = "From: \"Doe, John\" <John.Doe@Example.COM>\n"
	                  "To: =?ISO-8859-1?Q?Andr=E9?= <andre@x.org>, bob@y.org,\n"
	                  " \"Carol (QA)\" <carol@z.org>\n"
	                  "Cc: undisclosed-recipients:;\n"
	                  "Reply-To: list@x.org (The List)\n"
	                  "Subject: =?UTF-8?B?w6lsw6hndWU=?= and\n"
	                  "\t=?ISO-8859-1?Q?caf=E9?=\n"
	                  "Message-ID: <abc@x.org>\n"
	                  "In-Reply-To: <parent@x.org> (added by x)\n"
	                  "References: <r1@x.org>\n"
	                  "\t<r2@x.org> <parent@x.org>\n"
	                  "List-Id: Some list <list.x.org>\n"
	                  "List-Unsubscribe: <mailto:unsub@x.org>\n"
	                  "Precedence: bulk\n"
	                  "Auto-Submitted: auto-generated\n"
	                  "Date: Thu, 22 Aug 2002 12:36:23 +0100\n"
	                  "\n"
	                  "body\n";

	(void)state;
	parse_ok(raw, &m);
	assert_string_equal(m.from_name, "Doe, John");
	assert_string_equal(m.from_addr, "john.doe@example.com");
	assert_string_equal(m.to, "André <andre@x.org>, bob@y.org, \"Carol (QA)\" <carol@z.org>");
	assert_string_equal(m.cc, "undisclosed-recipients:;");
	assert_string_equal(m.reply_to, "The List <list@x.org>");
	assert_string_equal(m.subject, "élègue and café");
	assert_string_equal(m.message_id, "abc@x.org");
	assert_string_equal(m.in_reply_to, "parent@x.org");
	assert_string_equal(m.references, "r1@x.org r2@x.org parent@x.org");
	assert_string_equal(m.list_id, "Some list <list.x.org>");
	assert_string_equal(m.list_unsubscribe, "<mailto:unsub@x.org>");
	assert_string_equal(m.precedence, "bulk");
	assert_string_equal(m.auto_submitted, "auto-generated");
	assert_int_equal(m.date, 1030016183);
	assert_string_equal(m.content_type, "text/plain");
	assert_string_equal(m.body, "body");
	assert_int_equal(m.body_from_html, 0);
	assert_int_equal(m.natt, 0);
	assert_int_equal(m.size, (int64_t)strlen(raw));
	assert_non_null(
	    strstr(m.headers, "\nSubject: =?UTF-8?B?w6lsw6hndWU=?= and =?ISO-8859-1?Q?caf=E9?=\n"));
	assert_true(str_starts(m.headers, "From: \"Doe, John\" <John.Doe@Example.COM>\nTo: "));
	assert_no_problems(&m);
	message_release(&m);
}

static void test_size_and_hash(void **state)
{
	struct message m;

	(void)state;
	parse_ok("From: a@b.c\nSubject: hi\n\nhello\n", &m);
	assert_int_equal(m.size, 31);
	assert_string_equal(m.hash, "709ec11d7ad7decc8484a6cad0c908ea");
	assert_string_equal(m.headers, "From: a@b.c\nSubject: hi\n");
	message_release(&m);
}

static void test_qp_soft_breaks(void **state)
{
	struct message m;

	(void)state;
	parse_ok("Content-Type: text/plain; charset=utf-8\n"
	         "Content-Transfer-Encoding: quoted-printable\n"
	         "\n"
	         "soft=\nbreak =C3=A9=\r\nnd =3D sign\n"
	         "trailing blank soft break= \n"
	         "ok 100% =XY\n",
	         &m);
	assert_string_equal(m.body, "softbreak énd = sign\ntrailing blank soft breakok 100% =XY");
	assert_problems(&m, "invalid quoted-printable in part 1");
	message_release(&m);
}

static void test_base64_body(void **state)
{
	struct message m;

	(void)state;
	parse_ok("Content-Type: text/plain; charset=\"UTF-8\"\n"
	         "Content-Transfer-Encoding: BASE64\n"
	         "\n"
	         "w6lsw6hndWUg\r\n"
	         "R3LDvMOfZQ==\r\n",
	         &m);
	assert_string_equal(m.body, "élègue Grüße");
	assert_no_problems(&m);
	message_release(&m);

	parse_ok("Content-Transfer-Encoding: base64\n\naGVsbG8gd29ybG", &m);
	assert_string_equal(m.body, "hello worl");
	assert_problems(&m, "truncated base64 in part 1");
	message_release(&m);
}

static void test_latin1_body(void **state)
{
	struct message m;

	(void)state;
	parse_ok("Content-Type: text/plain; charset=iso-8859-1\n\ncaf\xe9 \x80 5\n", &m);
	assert_string_equal(m.body, "café € 5");
	assert_no_problems(&m);
	message_release(&m);
}

static void test_sjis_body(void **state)
{
	struct message m;

	(void)state;
	parse_ok("Content-Type: text/plain; charset=Shift_JIS\n\n\x93\xfa\x96{\x8c\xea\n", &m);
	assert_string_equal(m.body, "日本語");
	assert_no_problems(&m);
	message_release(&m);
}

static void test_charset_aliases(void **state)
{
	static const struct {
		const char *charset, *in, *out;
		int ok;
	} cases[] = {
	    {"ks_c_5601-1987", "\xc7\xd1\xb1\xb9", "한국", 1},
	    {"x-sjis", "\x93\xfa\x96{", "日本", 1},
	    {"unicode-1-1-utf-7", "+ZeVnLIqe-", "日本語", 1},
	    {"us-ascii", "caf\xc3\xa9", "café", 1},
	    {"ascii", "plain", "plain", 1},
	    {"", "caf\xc3\xa9", "café", 1},
	    {NULL, "caf\xe9", "café", 0},
	    {"x-bogus", "caf\xc3\xa9", "café", 0},
	    {"x-bogus", "caf\xe9", "café", 0},
	    {"\"UTF-8\"", "a\r\nb\x01", "a\nb ", 1},
	    {"utf-8", "bad \xff byte", "bad \xEF\xBF\xBD byte", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < VA_ARRAY_LEN(cases); i++) {
		int ok = -1;
		char *s = mime_to_utf8(cases[i].in, strlen(cases[i].in), cases[i].charset, &ok);
		assert_string_equal(s, cases[i].out);
		assert_int_equal(ok, cases[i].ok);
		free(s);
	}
}

static void test_alternative_picks_plain(void **state)
{
	struct message m;

	(void)state;
	parse_ok("From: a@b.c\n"
	         "Content-Type: multipart/alternative; boundary=\"alt\"\n"
	         "\n"
	         "preamble\n"
	         "--alt\n"
	         "Content-Type: text/html\n"
	         "\n"
	         "<p>html version</p>\n"
	         "--alt\n"
	         "Content-Type: text/plain; charset=utf-8\n"
	         "\n"
	         "plain version\n"
	         "--alt--\n"
	         "epilogue\n",
	         &m);
	assert_string_equal(m.body, "plain version");
	assert_int_equal(m.body_from_html, 0);
	assert_string_equal(m.content_type, "multipart/alternative");
	assert_int_equal(m.natt, 0);
	assert_no_problems(&m);
	message_release(&m);
}

static const char html_doc[] =
    "<html><head><title>T</title><style>p{color:red}</style>"
    "<script>var x = \"<b>\";</script></head>\n"
    "<body><p>Hello&nbsp;&amp; welcome&#33;</p><p>Line one<br>Line two</p>\n"
    "<ul><li>first</li><li>second</li></ul>\n"
    "<a href=\"http://example.com/x?a=1&amp;b=2\">our site</a> and "
    "<a href=\"http://example.com/\">http://example.com/</a>\n"
    "<!-- a <p> comment --> caf&eacute; &#x263A; &euro;5 &bogus; 1 &lt; 2</body></html>";

static const char html_text[] =
    "Hello & welcome!\n"
    "\n"
    "Line one\n"
    "Line two\n"
    "\n"
    "• first\n"
    "• second\n"
    "our site <http://example.com/x?a=1&b=2> and http://example.com/ café ☺ €5 &bogus; 1 < 2";

static void assert_html(const char *html, const char *want)
{
	char *s = mime_html_to_text(html, strlen(html));

	assert_string_equal(s, want);
	free(s);
}

static void test_html_to_text(void **state)
{
	(void)state;
	assert_html(html_doc, html_text);
	assert_html("<pre>a  b\n  c</pre><div>x</div><div>y</div>\n\n\n<p></p><p>z</p>",
	            "a  b\n  c\nx\ny\n\nz");
	assert_html("<td>a</td><td>b</td><hr>&#150;<br/>< not a tag &amp",
	            "a b\n----\n–\n< not a tag &");
	assert_html("<a href='mailto:x@y.org'>x@y.org</a> <a href=\"javascript:go()\">go</a>"
	            "<a href=\"http://a.b/\"><img src=x></a>",
	            "x@y.org go <http://a.b/>");
	assert_html("", "");
}

static void test_html_only_body(void **state)
{
	struct message m;
	char *raw =
	    xasprintf("From: a@b.c\nContent-Type: text/html; charset=utf-8\n\n%s\n", html_doc);

	(void)state;
	parse_ok(raw, &m);
	assert_string_equal(m.body, html_text);
	assert_int_equal(m.body_from_html, 1);
	assert_string_equal(m.content_type, "text/html");
	assert_no_problems(&m);
	message_release(&m);
	free(raw);
}

static void test_attachments(void **state)
{
	struct message m;

	(void)state;
	parse_ok("From: a@b.c\n"
	         "Content-Type: multipart/mixed; boundary=mix\n"
	         "\n"
	         "--mix\n"
	         "Content-Type: text/plain\n"
	         "\n"
	         "see attached\n"
	         "--mix\n"
	         "Content-Type: APPLICATION/PDF; name=\"fallback.pdf\"\n"
	         "Content-Disposition: attachment;\n"
	         " filename*0*=UTF-8''%E2%82%AC%20rates;\n"
	         " filename*1=\".pdf\"\n"
	         "Content-Transfer-Encoding: base64\n"
	         "Content-ID: <part1@example.com>\n"
	         "\n"
	         "AAECaGVsbG8gYXR0YWNobWVudA==\n"
	         "--mix\n"
	         "Content-Type: image/png; name=\"=?UTF-8?B?R3LDvMOfZQ==?=.png\"\n"
	         "\n"
	         "xyz\n"
	         "--mix\n"
	         "Content-Type: text/plain\n"
	         "Content-Disposition: inline\n"
	         "\n"
	         "more text\n"
	         "--mix--\n",
	         &m);
	assert_string_equal(m.body, "see attached\n\nmore text");
	assert_int_equal(m.natt, 2);
	assert_string_equal(m.att[0].filename, "€ rates.pdf");
	assert_string_equal(m.att[0].mime_type, "application/pdf");
	assert_int_equal(m.att[0].size, 19);
	assert_string_equal(m.att[0].content_id, "part1@example.com");
	assert_int_equal(m.att[0].part, 3);
	assert_string_equal(m.att[1].filename, "Grüße.png");
	assert_string_equal(m.att[1].mime_type, "image/png");
	assert_int_equal(m.att[1].size, 3);
	assert_null(m.att[1].content_id);
	assert_int_equal(m.att[1].part, 4);
	assert_no_problems(&m);
	message_release(&m);
}

static void test_missing_end_boundary(void **state)
{
	struct message m;

	(void)state;
	parse_ok("From: a@b.c\n"
	         "Content-Type: multipart/mixed; boundary=q\n"
	         "\n"
	         "--q\n"
	         "Content-Type: text/plain\n"
	         "\n"
	         "hello\n"
	         "--q\n"
	         "\n"
	         "world\n",
	         &m);
	assert_string_equal(m.body, "hello\n\nworld");
	assert_problems(&m, "missing closing boundary \"q\" in part 1");
	message_release(&m);

	parse_ok("Content-Type: multipart/mixed; boundary=gone\n\njust text\n", &m);
	assert_string_equal(m.body, "just text");
	assert_problems(&m, "boundary \"gone\" not found in part 1");
	message_release(&m);
}

static void test_unknown_charset(void **state)
{
	struct message m;

	(void)state;
	parse_ok("Subject: =?x-bogus?Q?caf=C3=A9?=\n"
	         "Content-Type: text/plain; charset=x-bogus\n\ncaf\xe9\n",
	         &m);
	assert_string_equal(m.subject, "café");
	assert_string_equal(m.body, "café");
	assert_problems(&m, "unknown charset \"x-bogus\" in header \"Subject\"",
	                "unknown charset \"x-bogus\" in part 1");
	message_release(&m);
}

static void test_dates(void **state)
{
	static const struct {
		const char *in;
		int64_t want;
	} cases[] = {
	    {"Thu, 22 Aug 2002 12:36:23 +0100", 1030016183},
	    {"22 Aug 2002 12:36:23 -0400", 1030034183},
	    {"Thu, 22 Aug 02 12:36:23 EDT", 1030034183},
	    {"Thu, 2 Aug 2002 1:02:03 PDT", 1028275323},
	    {"Thu, 22 Aug 2002 12:36:23", 1030019783},
	    {"Thu, 22 Aug 2002 12:36:23 +0100 (IST)", 1030016183},
	    {"Thu, 22 Aug 2002 12:36:23 -0400 (EDT)", 1030034183},
	    {"Thu Aug 22 12:36:23 2002", 1030019783},
	    {"2002-08-22T12:36:23Z", 1030019783},
	    {"2002/09/14 Sat 13:06:03 GMT", 1032008763},
	    {"Mon, 2 Sep 2002 10:00:00 GMT", 1030960800},
	    {"Sat, 14 Sep 2002 13:06:03 UT", 1032008763},
	    {"Fri, 30 Aug 2002 23:59:59 -0700", 1030777199},
	    {"Thu, 22 Aug 2002 12:36:23 0100", 1030016183},
	    {"Thursday, August 22, 2002 12:36:23 PM GMT", 1030019783},
	    {"22-Aug-2002 12:36:23 +01:00", 1030016183},
	    {"1 Jan 1970 00:00:01 GMT", 1},
	    {"29 Feb 2000 00:00:00 GMT", 951782400},
	    {"", 0},
	    {"garbage", 0},
	    {"32 Aug 2002 12:00:00", 0},
	    {"29 Feb 2001 00:00:00 GMT", 0},
	    {"Thu, 22 Aug 2002 25:00:00", 0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < VA_ARRAY_LEN(cases); i++) {
		if (mime_parse_date(cases[i].in) != cases[i].want)
			fail_msg("date \"%s\": got %lld, want %lld", cases[i].in,
			         (long long)mime_parse_date(cases[i].in), (long long)cases[i].want);
	}
	assert_int_equal(mime_parse_date(NULL), 0);
}

static void test_bad_date_problem(void **state)
{
	struct message m;

	(void)state;
	parse_ok("Date: sometime soon\nSubject: x\n\n", &m);
	assert_int_equal(m.date, 0);
	assert_string_equal(m.body, "");
	assert_problems(&m, "undecodable date \"sometime soon\"");
	message_release(&m);
}

static void test_mbox_from_line(void **state)
{
	struct message m;

	(void)state;
	parse_ok("From someone@x Thu Aug 22 12:36:23 2002\nSubject: hi\n\nbody\n", &m);
	assert_string_equal(m.subject, "hi");
	assert_string_equal(m.headers, "Subject: hi\n");
	assert_string_equal(m.body, "body");
	assert_null(m.from_addr);
	assert_no_problems(&m);
	message_release(&m);
}

static void test_crlf_and_nul(void **state)
{
	struct message m;
	static const char raw[] = "From: A <a@b.c>\r\nSubject: crlf\r\n test\r\n"
	                          "Content-Type: multipart/mixed; boundary=q\r\n\r\n"
	                          "--q\r\nContent-Type: text/plain\r\n\r\nhel\0lo\r\n--q--\r\n";

	(void)state;
	message_init(&m);
	assert_int_equal(mime_parse(raw, sizeof raw - 1, &m, NULL), 0);
	assert_string_equal(m.subject, "crlf test");
	assert_string_equal(m.from_name, "A");
	assert_string_equal(m.body, "hel lo");
	assert_no_problems(&m);
	message_release(&m);
}

static void test_forwarded_message(void **state)
{
	struct message m;

	(void)state;
	parse_ok("Content-Type: multipart/mixed; boundary=f\n"
	         "\n"
	         "--f\n"
	         "\n"
	         "FYI\n"
	         "--f\n"
	         "Content-Type: message/rfc822\n"
	         "\n"
	         "From: =?utf-8?q?J=C3=B6rg?= <j@x.de>\n"
	         "Subject: original\n"
	         "Date: Thu, 22 Aug 2002 12:36:23 +0100\n"
	         "\n"
	         "inner text\n"
	         "--f--\n",
	         &m);
	assert_string_equal(
	    m.body, "FYI\n\n--- forwarded message ---\nFrom: Jörg <j@x.de>\n"
	            "Date: Thu, 22 Aug 2002 12:36:23 +0100\nSubject: original\n\ninner text");
	assert_int_equal(m.natt, 1);
	assert_string_equal(m.att[0].mime_type, "message/rfc822");
	assert_int_equal(m.att[0].part, 3);
	assert_no_problems(&m);
	message_release(&m);
}

/* A message with multiparts nested `depth` deep around one text part. */
static char *nested(int depth)
{
	struct strbuf head, tail;
	char *r;
	int i;

	sb_init(&head);
	sb_init(&tail);
	sb_adds(&head, "Subject: deep\n");
	for (i = 0; i < depth; i++) {
		sb_addf(&head, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
		sb_addf(&tail, "\n--b%d--\n", depth - 1 - i);
	}
	sb_adds(&head, "Content-Type: text/plain\n\ninnermost");
	sb_add(&head, tail.buf, tail.len);
	r = xstrdup(head.buf);
	sb_release(&head);
	sb_release(&tail);
	return r;
}

static void test_nesting_depth(void **state)
{
	struct message m;
	char *raw = nested(50);

	(void)state;
	parse_ok(raw, &m);
	assert_string_equal(m.body, "innermost");
	assert_no_problems(&m);
	message_release(&m);
	free(raw);

	raw = nested(100);
	parse_ok(raw, &m);
	assert_string_equal(m.body, "");
	assert_problems(&m, "parts nested deeper than 64 levels in part 65");
	assert_int_equal(m.natt, 1);
	assert_string_equal(m.att[0].mime_type, "multipart/mixed");
	message_release(&m);
	free(raw);
}

static void test_not_a_message(void **state)
{
	struct message m;
	char *cause = NULL;
	static const char junk[] = "\x01\x02\xff\x00 no header here\n\x7f";

	(void)state;
	message_init(&m);
	assert_int_equal(mime_parse("", 0, &m, &cause), -1);
	assert_string_equal(cause, "empty message");
	assert_int_equal(mime_parse(NULL, 0, &m, &cause), -1);
	assert_string_equal(cause, "empty message");
	assert_int_equal(mime_parse(junk, sizeof junk - 1, &m, &cause), -1);
	assert_string_equal(cause, "not a message: no header field in the first 64 KiB");
	assert_null(m.hash);
	assert_null(m.body);
	free(cause);
	message_release(&m);
}

static void test_bad_headers_kept(void **state)
{
	struct message m;

	(void)state;
	parse_ok("junk line first\n"
	         "From: Foo Bar <foo@bar.com\n"
	         ">From a line mbox quoted\n"
	         "Subject: caf\xe9\n"
	         "\n"
	         "b\n",
	         &m);
	assert_string_equal(m.from_name, "Foo Bar");
	assert_string_equal(m.from_addr, "foo@bar.com");
	assert_string_equal(m.subject, "café");
	assert_string_equal(m.body, "b");
	assert_problems(&m, "malformed header lines skipped",
	                "bad address list in header \"From\": \"Foo Bar <foo@bar.com\"",
	                "8-bit header \"Subject\" is not UTF-8");
	message_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc2047_words),
	    cmocka_unit_test(test_header_fields),
	    cmocka_unit_test(test_size_and_hash),
	    cmocka_unit_test(test_qp_soft_breaks),
	    cmocka_unit_test(test_base64_body),
	    cmocka_unit_test(test_latin1_body),
	    cmocka_unit_test(test_sjis_body),
	    cmocka_unit_test(test_charset_aliases),
	    cmocka_unit_test(test_alternative_picks_plain),
	    cmocka_unit_test(test_html_to_text),
	    cmocka_unit_test(test_html_only_body),
	    cmocka_unit_test(test_attachments),
	    cmocka_unit_test(test_missing_end_boundary),
	    cmocka_unit_test(test_unknown_charset),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_bad_date_problem),
	    cmocka_unit_test(test_mbox_from_line),
	    cmocka_unit_test(test_crlf_and_nul),
	    cmocka_unit_test(test_forwarded_message),
	    cmocka_unit_test(test_nesting_depth),
	    cmocka_unit_test(test_not_a_message),
	    cmocka_unit_test(test_bad_headers_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
