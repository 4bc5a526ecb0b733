/* test_reply_gate: each message gate before an automatic reply blocks its
 * case with its stable reason code, and a plain personal message passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "va/message.h"
#include "va/reply_gate.h"
#include "va/util.h"

#define SENSITIVE "wire transfer|password|lawsuit|diagnos"

static const char *const me[] = {"sam@example.com", "sam@work.example"};

/* A plain personal message from Ann; `extra` header lines are added. */
static void make(struct message *m, const char *extra)
{
	message_init(m);
	m->from_name = xstrdup("Ann");
	m->from_addr = xstrdup("ann@example.com");
	m->subject = xstrdup("Lunch on Friday?");
	m->body = xstrdup("Shall we have lunch on Friday?\n");
	m->confidence = 90;
	m->headers = xasprintf("Return-Path: <ann@example.com>\nFrom: Ann <ann@example.com>\n"
	                       "Subject: Lunch on Friday?\n%s",
	                       extra ? extra : "");
}

/* The code the gates give m (NULL: passed). */
static const char *verdict(struct message *m, int min_confidence, char **why)
{
	struct reply_gate_in in = {m, me, 2, SENSITIVE, min_confidence};
	struct reply_block b;
	int rc = reply_gates_check(&in, GATES_ALL, &b);
	const char *code = b.code;

	assert_int_equal(rc, code ? 1 : 0);
	if (why)
		*why = b.why ? xstrdup(b.why) : NULL;
	reply_block_release(&b);
	return code;
}

static void expect_header(const char *header, const char *code)
{
	struct message m;

	make(&m, header);
	assert_string_equal(verdict(&m, 0, NULL), code);
	message_release(&m);
}

static void test_personal_passes(void **state)
{
	struct message m;

	(void)state;
	make(&m, "Auto-Submitted: no\nPrecedence: first-class\n");
	assert_null(verdict(&m, 80, NULL));
	message_release(&m);
}

static void test_rfc3834_headers(void **state)
{
	(void)state;
	expect_header("Auto-Submitted: auto-replied\n", GATE_AUTO_SUBMITTED);
	expect_header("Auto-Submitted: auto-generated; owner-email=x@y\n", GATE_AUTO_SUBMITTED);
	expect_header("auto-submitted: No-thanks\n", GATE_AUTO_SUBMITTED);
	expect_header("List-Id: Friends <friends.lists.example>\n", GATE_LIST);
	expect_header("List-Unsubscribe: <mailto:leave@lists.example>\n", GATE_LIST);
	expect_header("Precedence: bulk\n", GATE_PRECEDENCE);
	expect_header("Precedence: LIST\n", GATE_PRECEDENCE);
	expect_header("Precedence: junk\n", GATE_PRECEDENCE);
}

static void test_parsed_fields_count_too(void **state)
{
	struct message m;

	(void)state;
	make(&m, NULL);
	m.list_id = xstrdup("x.lists.example");
	assert_string_equal(verdict(&m, 0, NULL), GATE_LIST);
	message_release(&m);
}

static void test_null_return_path(void **state)
{
	struct message m;

	(void)state;
	make(&m, NULL);
	free(m.headers);
	m.headers = xstrdup("Return-Path: <>\nFrom: Ann <ann@example.com>\n");
	assert_string_equal(verdict(&m, 0, NULL), GATE_NULL_RETURN_PATH);
	message_release(&m);
}

static void test_senders(void **state)
{
	static const char *const noreply[] = {"no-reply@x.example",      "noreply@x.example",
	                                      "MAILER-DAEMON@x.example", "postmaster@x.example",
	                                      "do-not-reply@x.example",  "bounces+123@x.example"};
	struct message m;
	char *why;
	size_t i;

	(void)state;
	for (i = 0; i < VA_ARRAY_LEN(noreply); i++) {
		make(&m, NULL);
		free(m.from_addr);
		m.from_addr = xstrdup(noreply[i]);
		assert_string_equal(verdict(&m, 0, NULL), GATE_NO_REPLY);
		message_release(&m);
	}
	assert_int_equal(reply_is_noreply("norma@x.example"), 0);
	assert_int_equal(reply_is_noreply("postmaster-general@x.example"), 0);
	/* a no-reply Reply-To is caught too */
	make(&m, NULL);
	m.reply_to = xstrdup("Robot <noreply@x.example>");
	assert_string_equal(verdict(&m, 0, &why), GATE_NO_REPLY);
	assert_string_equal(why,
	                    "the sender \"noreply@x.example\" is a no-reply or system address");
	free(why);
	message_release(&m);
	/* oneself, in any case */
	make(&m, NULL);
	free(m.from_addr);
	m.from_addr = xstrdup("Sam@Work.Example");
	assert_string_equal(verdict(&m, 0, NULL), GATE_SELF);
	message_release(&m);
	/* nobody to answer */
	make(&m, NULL);
	x_free(&m.from_addr);
	assert_string_equal(verdict(&m, 0, NULL), GATE_NO_RECIPIENT);
	message_release(&m);
}

static void test_sensitive(void **state)
{
	struct message m;
	char *why;

	(void)state;
	make(&m, NULL);
	free(m.body);
	m.body = xstrdup("Please send the WIRE TRANSFER today.\n");
	assert_string_equal(verdict(&m, 0, &why), GATE_SENSITIVE);
	assert_string_equal(why, "the message mentions a sensitive topic (\"WIRE TRANSFER\"): left "
	                         "for you to answer");
	free(why);
	message_release(&m);
	make(&m, NULL);
	free(m.subject);
	m.subject = xstrdup("Your new password");
	assert_string_equal(verdict(&m, 0, NULL), GATE_SENSITIVE);
	message_release(&m);
}

static void test_bad_pattern_blocks(void **state)
{
	struct message m;
	struct reply_gate_in in = {NULL, me, 2, "(unclosed", 0};
	struct reply_block b;

	(void)state;
	make(&m, NULL);
	in.msg = &m;
	assert_int_equal(reply_gates_check(&in, GATES_ALL, &b), -1);
	assert_string_equal(b.code, GATE_SENSITIVE);
	assert_non_null(strstr(b.why, "does not compile"));
	reply_block_release(&b);
	message_release(&m);
}

static void test_confidence(void **state)
{
	struct message m;
	char *why;

	(void)state;
	make(&m, NULL);
	m.confidence = 60;
	assert_string_equal(verdict(&m, 70, &why), GATE_CONFIDENCE);
	assert_string_equal(why,
	                    "the classifier is 60% sure, below the template's min_confidence 70");
	free(why);
	assert_null(verdict(&m, 60, NULL));
	assert_null(verdict(&m, 0, NULL));
	m.confidence = -1;
	assert_string_equal(verdict(&m, 10, NULL), GATE_CONFIDENCE);
	message_release(&m);
}

static void test_warnings_list_every_problem(void **state)
{
	struct message m;
	struct reply_gate_in in = {NULL, me, 2, SENSITIVE, 0};
	struct reply_block b[8];
	size_t n, i;

	(void)state;
	make(&m, "Precedence: bulk\nList-Id: <l.example>\n");
	in.msg = &m;
	n = reply_gates_warnings(&in, b, 8);
	assert_int_equal(n, 2);
	assert_string_equal(b[0].code, GATE_LIST);
	assert_string_equal(b[1].code, GATE_PRECEDENCE);
	for (i = 0; i < n; i++)
		reply_block_release(&b[i]);
	message_release(&m);
}

static void test_helpers(void **state)
{
	char *a;

	(void)state;
	a = reply_address("Ann Lee <Ann@Example.COM>, bob@x.example");
	assert_string_equal(a, "ann@example.com");
	free(a);
	a = reply_address("bob@x.example, c@d.example");
	assert_string_equal(a, "bob@x.example");
	free(a);
	assert_null(reply_address("undisclosed-recipients:;"));
	a = reply_header("A: 1\nreturn-path:  <>  \n", "Return-Path");
	assert_string_equal(a, "<>");
	free(a);
	assert_null(reply_header("A: 1\n", "B"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_personal_passes),
	    cmocka_unit_test(test_rfc3834_headers),
	    cmocka_unit_test(test_parsed_fields_count_too),
	    cmocka_unit_test(test_null_return_path),
	    cmocka_unit_test(test_senders),
	    cmocka_unit_test(test_sensitive),
	    cmocka_unit_test(test_bad_pattern_blocks),
	    cmocka_unit_test(test_confidence),
	    cmocka_unit_test(test_warnings_list_every_problem),
	    cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
