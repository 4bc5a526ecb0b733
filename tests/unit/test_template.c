/* test_template: parsing NAME.tmpl files (header keys, placeholders checked
 * with file:line errors) and rendering them against a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "va/message.h"
#include "va/template.h"
#include "va/util.h"

static int parse(struct template *t, const char *text, char **cause)
{
	return template_parse(t, "t", "t.tmpl", text, strlen(text), cause);
}

/* The error of parsing text (caller frees). */
static char *error_of(const char *text)
{
	struct template t;
	char *cause = NULL;

	assert_int_equal(parse(&t, text, &cause), -1);
	assert_non_null(cause);
	return cause;
}

static void test_parse_keys(void **state)
{
	struct template t;
	const char *text =
	    "# a comment\nsubject: Hi {{sender.name}}\nauto: true\n"
	    "min_confidence: 80\ndaily_limit: 5\nper_sender_days: 3\n\nBody {{me.name}}\n";

	(void)state;
	assert_int_equal(parse(&t, text, NULL), 0);
	assert_string_equal(t.subject, "Hi {{sender.name}}");
	assert_int_equal(t.auto_send, 1);
	assert_int_equal(t.min_confidence, 80);
	assert_int_equal(t.daily_limit, 5);
	assert_int_equal(t.per_sender_days, 3);
	assert_string_equal(t.body, "Body {{me.name}}\n");
	template_release(&t);
}

static void test_defaults_and_crlf(void **state)
{
	struct template t;

	(void)state;
	assert_int_equal(parse(&t, "auto: no\r\n\r\nline one\r\nline two\r\n", NULL), 0);
	assert_int_equal(t.auto_send, 0);
	assert_string_equal(t.subject, "Re: {{subject}}");
	assert_string_equal(t.body, "line one\nline two\n");
	template_release(&t);
}

static void test_errors_have_file_line(void **state)
{
	char *e;

	(void)state;
	e = error_of("subject: x\n\nHello {{sender.nmae}}\n");
	assert_string_equal(e, "t.tmpl:3: unknown placeholder \"{{sender.nmae}}\" (did you mean "
	                       "{{sender.name}})");
	free(e);
	e = error_of("subject: x\nauto: true\n\nline\n\nsee {{bogus}}\n");
	assert_non_null(strstr(e, "t.tmpl:6: unknown placeholder \"{{bogus}}\""));
	free(e);
	e = error_of("subjet: x\n\nbody\n");
	assert_string_equal(e, "t.tmpl:1: unknown key \"subjet\" (did you mean \"subject\"?)");
	free(e);
	e = error_of("subject: x\nauto: maybe\n\nbody\n");
	assert_string_equal(e, "t.tmpl:2: bad value \"maybe\" for auto (want true or false)");
	free(e);
	e = error_of("min_confidence: 101\n\nbody\n");
	assert_non_null(strstr(e, "t.tmpl:1: bad value \"101\" for min_confidence"));
	free(e);
	e = error_of("subject: {{subjec}}\n\nbody\n");
	assert_non_null(strstr(e, "t.tmpl:1: unknown placeholder \"{{subjec}}\""));
	free(e);
	e = error_of("subject: x\n\nbody {{subject\n");
	assert_string_equal(e, "t.tmpl:3: unclosed \"{{\" (write {{name}})");
	free(e);
	e = error_of("subject: x\nno colon here\n\nbody\n");
	assert_non_null(strstr(e, "t.tmpl:2: want \"key: value\""));
	free(e);
	e = error_of("subject: x\n");
	assert_non_null(strstr(e, "no blank line"));
	free(e);
	e = error_of("subject: x\n\n   \n");
	assert_string_equal(e, "t.tmpl:3: the body is empty");
	free(e);
}

static void test_render(void **state)
{
	struct template t;
	struct template_vars v;
	struct message m;
	char *subject, *body;

	(void)state;
	message_init(&m);
	m.from_name = xstrdup("Ann Lee");
	m.from_addr = xstrdup("ann@example.com");
	m.subject = xstrdup("Re: RE: Lunch");
	m.date = 1795000000;
	assert_int_equal(parse(&t,
	                       "\nHi {{sender.first_name}} ({{ sender.email }}), re {{subject}}."
	                       " {{sender.name}} / {{me.name}} <{{me.email}}> {{date}}\n",
	                       NULL),
	                 0);
	template_vars_of(&v, &m, "Sam", "sam@example.com", 1795000000);
	template_render(&t, &v, &subject, &body);
	assert_string_equal(subject, "Re: Lunch");
	assert_non_null(strstr(body, "Hi Ann (ann@example.com), re Re: RE: Lunch. Ann Lee / Sam "
	                             "<sam@example.com> "));
	assert_null(strstr(body, "{{"));
	free(subject);
	free(body);
	/* no display name: the address stands in; no "me" name: the address */
	free(m.from_name);
	m.from_name = NULL;
	template_vars_of(&v, &m, NULL, "sam@example.com", 0);
	template_render(&t, &v, &subject, &body);
	assert_non_null(strstr(body, "Hi ann (ann@example.com)"));
	assert_non_null(strstr(body, "ann@example.com / sam@example.com"));
	free(subject);
	free(body);
	template_release(&t);
	message_release(&m);
}

static void test_reply_subject(void **state)
{
	static const char *const cases[][2] = {
	    {"Lunch", "Re: Lunch"},
	    {"Re: Lunch", "Re: Lunch"},
	    {"RE: Re: Lunch", "Re: Lunch"},
	    {"Aw: Sv: re[2]: Lunch", "Re: Lunch"},
	    {"", "Re: "},
	    {"Regarding lunch", "Re: Regarding lunch"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = template_reply_subject(cases[i][0]);

		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

static void test_shipped_templates_parse(void **state)
{
	static const char *const names[] = {"ack", "out-of-office", "meeting-received", "thanks"};
	const char *share = getenv("VA_SHARE_DIR");
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *path = xasprintf("%s/templates/%s.tmpl", share ? share : "share", names[i]);
		char *text = file_read(path, &len, NULL), *cause = NULL;
		struct template t;

		assert_non_null(text);
		if (template_parse(&t, names[i], path, text, len, &cause) < 0)
			fail_msg("%s", cause);
		template_release(&t);
		free(text);
		free(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_keys),
	    cmocka_unit_test(test_defaults_and_crlf),
	    cmocka_unit_test(test_errors_have_file_line),
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_reply_subject),
	    cmocka_unit_test(test_shipped_templates_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
