/* test_conf: the va.conf reader: values, defaults, and every kind of error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "va/conf.h"
#include "va/util.h"

static struct conf *parse(const char *text)
{
	struct conf *c = conf_new();
	conf_load_string(c, "va.conf", text);
	return c;
}

static void test_values_and_defaults(void **state)
{
	struct conf *c = parse("[general]\nlog_level = debug\n\n[scheduler]\nworkers = 4\n"
	                       "sync_every = 10m # comment\n[analysis]\nmemory = 1G\n"
	                       "[ui]\npreview = off\ntheme = \"my theme # not a comment\"\n");
	(void)state;
	assert_int_equal(conf_nerrors(c), 0);
	assert_string_equal(conf_get(c, "general", "log_level"), "debug");
	assert_int_equal(conf_get_int(c, "scheduler", "workers"), 4);
	assert_int_equal(conf_get_duration(c, "scheduler", "sync_every"), 600);
	assert_int_equal(conf_get_size(c, "analysis", "memory"), 1024LL * 1024 * 1024);
	assert_int_equal(conf_get_bool(c, "ui", "preview"), 0);
	assert_string_equal(conf_get(c, "ui", "theme"), "my theme # not a comment");
	/* defaults come from the table */
	assert_string_equal(conf_get(c, "ui", "keymap"), "vi");
	assert_int_equal(conf_get_duration(c, "llm", "timeout"), 30);
	assert_null(conf_get(c, "llm", "base_url"));
	conf_free(c);
}

static void test_accounts(void **state)
{
	struct conf *c = parse("[account work]\ntype = imap\nimap_host = mail.example.com\n"
	                       "imap_port = 143\n[account home]\ntype = maildir\npath = ~/Mail\n");
	char *p;
	(void)state;
	assert_int_equal(conf_nerrors(c), 0);
	assert_int_equal(conf_naccounts(c), 2);
	assert_string_equal(conf_account(c, 0), "work");
	assert_string_equal(conf_account(c, 1), "home");
	assert_int_equal(conf_get_int(c, "account work", "imap_port"), 143);
	assert_string_equal(conf_get(c, "account work", "imap_tls"), "implicit");
	setenv("HOME", "/home/sam", 1);
	p = conf_get_path(c, "account home", "path");
	assert_string_equal(p, "/home/sam/Mail");
	free(p);
	conf_free(c);
}

static void test_errors_have_file_line_and_hint(void **state)
{
	struct conf *c = parse("[general]\nlog_levl = info\n[scheduller]\nworkers = 3\n"
	                       "[scheduler]\nworkers = many\nsync_every = soon\nno equals sign\n"
	                       "[ui]\nkeymap = emacs\nkeymap = vi\n");
	(void)state;
	assert_int_equal(conf_nerrors(c), 6);
	assert_string_equal(conf_error(c, 0),
	                    "va.conf:2: unknown key \"log_levl\" in [general] (did you mean \"log_level\"?)");
	assert_string_equal(conf_error(c, 1),
	                    "va.conf:3: unknown section [scheduller] (did you mean [scheduler]?)");
	assert_string_equal(conf_error(c, 2),
	                    "va.conf:6: scheduler.workers: \"many\" is not a valid number; using the default");
	assert_non_null(strstr(conf_error(c, 3), "va.conf:7: scheduler.sync_every: \"soon\" is not a duration"));
	assert_non_null(strstr(conf_error(c, 4), "va.conf:8: expected \"key = value\""));
	assert_non_null(strstr(conf_error(c, 5), "va.conf:11: \"keymap\" set twice in [ui]"));
	/* the line under the misspelt section was skipped, the good value kept */
	assert_int_equal(conf_get_int(c, "scheduler", "workers"), 2);
	assert_string_equal(conf_get(c, "ui", "keymap"), "vi");
	conf_free(c);
}

static void test_secret_refused(void **state)
{
	struct conf *c = parse("[account work]\ntype = imap\npassword = hunter2\n");
	(void)state;
	assert_int_equal(conf_nerrors(c), 1);
	assert_non_null(strstr(conf_error(c, 0), "va.conf:3: \"password\" is a secret"));
	assert_null(strstr(conf_error(c, 0), "hunter2"));
	assert_null(conf_get(c, "account work", "password"));
	conf_free(c);
}

static void test_enum_and_port(void **state)
{
	struct conf *c = parse("[account a]\ntype = pop3\nimap_port = 70000\nimap_tls = ssl\n"
	                       "[account]\n[account two words]\n");
	(void)state;
	assert_int_equal(conf_nerrors(c), 5);
	assert_non_null(strstr(conf_error(c, 0), "\"pop3\" is not one of maildir|imap"));
	assert_non_null(strstr(conf_error(c, 1), "not a valid port"));
	assert_non_null(strstr(conf_error(c, 2), "\"ssl\" is not one of implicit|starttls|none"));
	assert_non_null(strstr(conf_error(c, 3), "va.conf:5: [account] needs a name"));
	assert_non_null(strstr(conf_error(c, 4), "va.conf:6: account name"));
	conf_free(c);
}

static void test_outside_section_and_binary(void **state)
{
	struct conf *c = parse("workers = 3\n[general]\nlog = file\n");
	(void)state;
	assert_int_equal(conf_nerrors(c), 1);
	assert_non_null(strstr(conf_error(c, 0), "va.conf:1: \"workers\" is outside any section"));
	conf_free(c);
	c = parse("[general]\nlog = \xff\xfe\n");
	assert_true(conf_nerrors(c) >= 1);
	assert_non_null(strstr(conf_error(c, 0), "not valid UTF-8"));
	conf_free(c);
}

static void test_example_parses_clean(void **state)
{
	char *ex = conf_example();
	struct conf *c = parse(ex);
	size_t i;
	(void)state;
	assert_int_equal(conf_nerrors(c), 0);
	for (i = 0; i < conf_nkeys; i++) {
		char *line = xasprintf("# %s = ", conf_keys[i].key);
		assert_non_null(strstr(ex, line));
		free(line);
	}
	free(ex);
	conf_free(c);
}

static void test_missing_file(void **state)
{
	struct conf *c = conf_new();
	char *cause = NULL;
	(void)state;
	assert_int_equal(conf_load(c, "/nonexistent/va.conf", 0, &cause), 0);
	assert_int_equal(conf_load(c, "/nonexistent/va.conf", 1, &cause), -1);
	assert_non_null(strstr(cause, "cannot open \"/nonexistent/va.conf\""));
	free(cause);
	conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_values_and_defaults),
	    cmocka_unit_test(test_accounts),
	    cmocka_unit_test(test_errors_have_file_line_and_hint),
	    cmocka_unit_test(test_secret_refused),
	    cmocka_unit_test(test_enum_and_port),
	    cmocka_unit_test(test_outside_section_and_binary),
	    cmocka_unit_test(test_example_parses_clean),
	    cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
