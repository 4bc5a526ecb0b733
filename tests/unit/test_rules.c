/* test_rules: the rules engine (src/rules): matching (wildcard, regex, case
 * folding across scripts, headers, numbers, age, booleans, in, nesting), the
 * why of a decision, rules_eval_all (trigger, enabled, stop), every parse
 * error with its file:line and path, loading directories with overrides, the
 * shipped share/rules, and the Sieve export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "va/message.h"
#include "va/rules.h"
#include "va/util.h"

#define NOW 1790000000LL

static struct message M;
static struct rule_env ENV;

static int setup(void **state)
{
	(void)state;
	message_init(&M);
	M.from_name = xstrdup("Élodie Durand");
	M.from_addr = xstrdup("elodie@example.fr");
	M.to = xstrdup("Bob <bob@example.com>, \"Smith, Ann\" <ann@example.com>");
	M.cc = xstrdup("carol@example.org");
	M.subject = xstrdup("ÉTÉ 2026: Invoice #42 for Ωmega");
	M.body = xstrdup("Hello,\nplease find the ΑΘΗΝΑ report attached. Привет МИР.\n"
	                 "Signed, ΟΔΥΣΣΕΥΣ from ŁÓDŹ\n");
	M.headers = xstrdup("From: Élodie Durand <elodie@example.fr>\n"
	                    "List-Id: Team list <team.lists.example.org>\n"
	                    "X-Mailer: MailChimp Mailer 7\n"
	                    "Received: from a\nReceived: from b.example.net\n"
	                    "Precedence: bulk\n");
	M.category = xstrdup("promotional");
	M.confidence = 85;
	M.date = NOW - 4 * 86400 - 2 * 3600;
	M.flags = MSG_SEEN;
	M.attach_count = 1;
	M.size = 12345;
	ENV.now = NOW;
	ENV.known_sender = 1;
	ENV.replied = -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	message_release(&M);
	return 0;
}

/* Parse one rule around a condition (must be valid) and evaluate it on M. */
static int when_why(const char *cond, char **why)
{
	char *text =
	    xasprintf("{\"name\": \"t\", \"when\": %s, \"then\": [{\"action\": \"flag\"}]}", cond);
	struct ruleset rs = {0};
	int r;

	rules_parse(&rs, "t.json", text, strlen(text));
	if (rs.nerrors)
		fail_msg("%s: %s", cond, rs.errors[0]);
	assert_int_equal(rs.n, 1);
	r = rule_eval(&rs.rules[0], &M, &ENV, why);
	ruleset_release(&rs);
	free(text);
	return r;
}

static int when(const char *cond)
{
	return when_why(cond, NULL);
}

static char *why_of(const char *cond, int want)
{
	char *why = NULL;

	assert_int_equal(when_why(cond, &why), want);
	assert_non_null(why);
	return why;
}

#define TEST(f, op, v) "{\"field\": \"" f "\", \"op\": \"" op "\", \"value\": " v "}"
#define TESTS(f, op, v)                                                                            \
	"{\"field\": \"" f "\", \"op\": \"" op "\", \"value\": " v ", \"case\": \"sensitive\"}"

static void test_wildcard(void **state)
{
	(void)state;
	assert_true(when(TEST("subject", "wildcard", "\"été*\"")));
	assert_true(when(TEST("subject", "wildcard", "\"*invoice #4?*\"")));
	assert_true(
	    when(TEST("subject", "wildcard", "\"?té 2026*ωmega\""))); /* ? is one code point */
	assert_false(when(TEST("subject", "wildcard", "\"été\"")));   /* whole string */
	assert_false(when(TEST("subject", "wildcard", "\"*invoice #4\"")));
	assert_true(when(TEST("from", "wildcard", "\"*@example.fr\"")));
	assert_true(when(TEST("from", "wildcard", "\"élodie *\""))); /* the display name */
	assert_true(when(TEST("to", "wildcard", "\"ann@*\"")));      /* one recipient */
	assert_true(when(TEST("to", "wildcard", "\"smith, ann\"")));
	assert_true(when(TEST("to", "equals", "\"\\\"Smith, Ann\\\" <ann@example.com>\"")));
	assert_true(when(TESTS("subject", "wildcard", "\"ÉTÉ*\"")));
	assert_false(when(TESTS("subject", "wildcard", "\"été*\"")));
	assert_true(when(TEST("cc", "wildcard", "\"*\"")));
	assert_true(when(TEST("subject", "wildcard", "\"**2026**\"")));
}

static void test_regex(void **state)
{
	(void)state;
	assert_true(when(TEST("subject", "regex", "\"^été [0-9]{4}\"")));
	assert_true(when(TEST("subject", "regex", "\"invoice #[0-9]+ for\"")));
	assert_true(when(TESTS("subject", "regex", "\"^ÉTÉ\"")));
	assert_false(when(TESTS("subject", "regex", "\"^été\"")));
	assert_true(
	    when(TEST("subject", "regex", "\"ÉTÉ\\\\W2026\""))); /* \W is not folded to \w */
	assert_false(when(TEST("subject", "regex", "\"^invoice\"")));
	assert_true(when(TEST("body", "regex", "\"привет (мир|world)\"")));
	assert_true(when(TEST("from", "regex", "\"^elodie@example\\\\.(fr|de)$\"")));
	assert_true(
	    when(TEST("header:Received", "regex", "\"b\\\\.example\\\\.net$\""))); /* any of them */
}

static void test_case(void **state)
{
	(void)state;
	assert_true(when(TEST("subject", "contains", "\"été\"")));
	assert_true(when(TEST("subject", "contains", "\"ΩMEGA\"")));
	assert_true(when(TEST("body", "contains", "\"αθηνα\"")));    /* Greek */
	assert_true(when(TEST("body", "contains", "\"οδυσσευς\""))); /* final sigma */
	assert_true(when(TEST("body", "contains", "\"мир\"")));      /* Cyrillic */
	assert_true(when(TEST("body", "contains", "\"łódź\"")));     /* Latin Extended-A */
	assert_true(when(TEST("category", "equals", "\"Promotional\"")));
	assert_false(when(TESTS("subject", "contains", "\"été\"")));
	assert_true(when(TESTS("body", "contains", "\"ΑΘΗΝΑ\"")));
	assert_false(when(TESTS("body", "contains", "\"αθηνα\"")));
	assert_true(when(TEST("from", "equals", "\"ELODIE@EXAMPLE.FR\"")));
	assert_true(when(TEST("from", "equals", "\"élodie durand\"")));
	assert_false(when(TEST("from", "equals", "\"élodie\"")));
	assert_true(when(TEST("from", "contains", "\"DURAND\"")));
}

static void test_headers(void **state)
{
	(void)state;
	assert_true(when(TEST("header:List-Id", "contains", "\"team.lists\"")));
	assert_true(when(TEST("header:list-id", "wildcard", "\"*<team.lists.example.org>\"")));
	assert_true(when(TEST("header:X-Mailer", "wildcard", "\"mailchimp*\"")));
	assert_false(when(TEST("header:X-Mailer", "equals", "\"mailchimp\"")));
	assert_false(when(TEST("header:X-Absent", "contains", "\"\"")));
	assert_true(when(TEST("header:Received", "equals", "\"from b.example.net\"")));
	assert_true(when(TEST("header:Precedence", "in", "[\"list\", \"BULK\"]")));
}

static void test_numbers(void **state)
{
	(void)state;
	assert_true(when(TEST("confidence", ">=", "80")));
	assert_true(when(TEST("confidence", ">=", "85")));
	assert_false(when(TEST("confidence", ">", "85")));
	assert_true(when(TEST("confidence", "equals", "85")));
	assert_true(when(TEST("confidence", "<", "90")));
	assert_false(when(TEST("confidence", "<=", "84")));
	assert_true(when(TEST("size", ">", "\"10k\"")));
	assert_false(when(TEST("size", ">", "12345")));
	M.confidence = -1; /* unclassified never satisfies a comparison */
	assert_false(when(TEST("confidence", "<", "50")));
	assert_false(when(TEST("confidence", ">=", "0")));
	M.confidence = 85;
}

static void test_age(void **state)
{
	int64_t date = M.date;

	(void)state;
	assert_true(when(TEST("age", ">=", "\"3d\"")));
	assert_false(when(TEST("age", ">", "\"5d\"")));
	assert_true(when(TEST("age", "<", "400000")));
	assert_true(when(TEST("age", "<=", "\"1w\"")));
	M.date = 0; /* no date: no age */
	assert_false(when(TEST("age", ">=", "0")));
	assert_false(when(TEST("age", "<", "\"100w\"")));
	M.date = date;
}

static void test_booleans(void **state)
{
	(void)state;
	assert_true(when(TEST("unread", "equals", "false")));
	assert_false(when(TEST("unread", "equals", "true")));
	assert_true(when(TEST("flagged", "equals", "false")));
	assert_true(when(TEST("replied", "equals", "false")));
	M.flags |= MSG_ANSWERED | MSG_FLAGGED;
	assert_true(when(TEST("replied", "equals", "true")));
	assert_true(when(TEST("flagged", "equals", "true")));
	ENV.replied = 0; /* the thread says otherwise */
	assert_true(when(TEST("replied", "equals", "false")));
	ENV.replied = -1;
	M.flags = MSG_SEEN;
	assert_true(when(TEST("attachment", "equals", "true")));
	M.attach_count = 0;
	assert_false(when(TEST("attachment", "equals", "true")));
	M.attach_count = 1;
	assert_true(when(TEST("known_sender", "equals", "true")));
	ENV.known_sender = 0;
	assert_false(when(TEST("known_sender", "equals", "true")));
	ENV.known_sender = 1;
}

static void test_in(void **state)
{
	(void)state;
	assert_true(when(TEST("category", "in", "[\"spam\", \"promotional\"]")));
	assert_false(when(TEST("category", "in", "[\"spam\", \"important\"]")));
	assert_true(when(TEST("from", "in", "[\"x@y.org\", \"ELODIE@example.fr\"]")));
	assert_false(when(TESTS("from", "in", "[\"ELODIE@example.fr\"]")));
	assert_true(when(TEST("to", "in", "[\"bob@example.com\"]")));
	assert_true(when(TEST("subject", "in", "[\"été 2026: invoice #42 for ωmega\"]")));
}

static void test_nesting(void **state)
{
	(void)state;
	assert_true(
	    when("{\"all\": [" TEST("category", "equals", "\"promotional\"") ", {\"any\": [" TEST(
	        "subject", "contains",
	        "\"nothing\"") ", " TEST("confidence", ">",
	                                 "50") "]}, {\"not\": " TEST("from", "contains",
	                                                             "\"spammer\"") "}]}"));
	assert_false(when("{\"not\": {\"all\": [" TEST(
	    "category", "equals", "\"promotional\"") ", " TEST("confidence", ">", "50") "]}}"));
	assert_true(when("{\"not\": {\"not\": " TEST("subject", "contains", "\"2026\"") "}}"));
	assert_false(when("{\"any\": [" TEST("subject", "contains", "\"x1x\"") ", " TEST(
	    "subject", "contains", "\"x2x\"") "]}"));
	assert_true(
	    when("{\"any\": [{\"all\": [" TEST("unread", "equals", "true") "]}, {\"all\": [" TEST(
	        "unread", "equals", "false") ", " TEST("size", "<", "\"1M\"") "]}]}"));
}

static void test_why(void **state)
{
	char *why;
	const char *promo = "{\"all\": [" TEST("category", "equals", "\"promotional\"") ", " TEST(
	    "confidence", ">=", "80") "]}";
	const char *spam = "{\"all\": [" TEST("category", "equals",
	                                      "\"spam\"") ", " TEST("confidence", ">=", "80") "]}";

	(void)state;
	why = why_of(promo, 1);
	assert_string_equal(why, "when.all[1]: confidence 85 >= 80");
	free(why);
	why = why_of(spam, 0);
	assert_string_equal(why, "when.all[0]: category \"promotional\" is not equal to \"spam\"");
	free(why);
	why = why_of(TEST("age", ">=", "\"3d\""), 1);
	assert_string_equal(why, "when: age 4d2h >= 3d");
	free(why);
	why = why_of(TEST("unread", "equals", "true"), 0);
	assert_string_equal(why, "when: unread is false, not true");
	free(why);
	why = why_of("{\"not\": " TEST("header:X-Mailer", "wildcard", "\"mailchimp*\"") "}", 0);
	assert_string_equal(
	    why, "when.not: header:X-Mailer \"MailChimp Mailer 7\" matches \"mailchimp*\"");
	free(why);
	why = why_of(TEST("header:X-Absent", "contains", "\"a\""), 0);
	assert_string_equal(why, "when: header:X-Absent (absent) does not contain \"a\"");
	free(why);
	why = why_of(TESTS("subject", "regex", "\"^été\""), 0);
	assert_string_equal(why, "when: subject \"ÉTÉ 2026: Invoice #42 for Ωmega\" does not match "
	                         "(case-sensitive) /^été/");
	free(why);
	why = why_of(TEST("from", "in", "[\"A@b.c\", \"x@y.z\"]"), 0);
	assert_string_equal(why, "when: from \"Élodie Durand <elodie@example.fr>\" is not in "
	                         "[\"a@b.c\", \"x@y.z\"]");
	free(why);
	/* long text is cut to 60 columns, UTF-8 safe */
	free(M.subject);
	M.subject =
	    xstrdup("Ωmega ünïcödé subject that goes on and on and on well past sixty columns ÉÉÉ");
	why = why_of(TEST("subject", "contains", "\"zzz\""), 0);
	assert_true(utf8_valid(why, strlen(why)));
	assert_non_null(
	    strstr(why, "\"Ωmega ünïcödé subject that goes on and on and on well past …\""));
	free(why);
	free(M.subject);
	M.subject = xstrdup("ÉTÉ 2026: Invoice #42 for Ωmega");
}

/* --- rules_eval_all ------------------------------------------------------------ */

static const char *const SET = "[{\"name\": \"r1\", \"when\": " TEST(
    "subject", "contains",
    "\"2026\"") ", \"then\": [{\"action\": \"flag\"}]},\n"
                " {\"name\": \"r2-off\", \"enabled\": false, \"then\": [{\"action\": "
                "\"trash\"}]},\n"
                " {\"name\": \"r3-cls\", \"trigger\": \"classified\", \"then\": [{\"action\": "
                "\"archive\"}]},\n"
                " {\"name\": \"r4-stop\", \"stop\": true, \"when\": " TEST(
                    "from", "contains",
                    "\"elodie\"") ", \"then\": [{\"action\": \"read\"}]},\n"
                                  " {\"name\": \"r5-after\", \"then\": [{\"action\": \"label\", "
                                  "\"value\": \"late\"}]},\n"
                                  " {\"name\": \"r6-cls\", \"trigger\": \"classified\", "
                                  "\"when\": " TEST("confidence", "<",
                                                    "50") ", \"then\": [{\"action\": \"flag\"}]}]";

static void test_eval_all(void **state)
{
	struct ruleset rs = {0};
	struct rule_plan plan = {0};
	struct rule_msg *rm;
	char *why = NULL;

	(void)state;
	assert_int_equal(rules_parse(&rs, "set.json", SET, strlen(SET)), 0);
	assert_int_equal(rs.n, 6);
	assert_int_equal(rules_eval_all(&rs, RT_RECEIVED, &M, &ENV, &plan), 2);
	assert_string_equal(plan.hits[0].rule->name, "r1");
	assert_string_equal(plan.hits[0].why,
	                    "when: subject \"ÉTÉ 2026: Invoice #42 for Ωmega\" contains \"2026\"");
	assert_string_equal(plan.hits[1].rule->name, "r4-stop"); /* r2 disabled, r5 after stop */
	rule_plan_release(&plan);
	assert_int_equal(rules_eval_all(&rs, RT_CLASSIFIED, &M, &ENV, &plan), 1);
	assert_string_equal(plan.hits[0].rule->name, "r3-cls");
	assert_string_equal(plan.hits[0].why, "no conditions: matches every message");
	rule_plan_release(&plan);
	assert_int_equal(rules_eval_all(&rs, RT_AGE, &M, &ENV, &plan), 0);
	assert_int_equal(rule_eval(&rs.rules[1], &M, &ENV, &why), 0);
	assert_string_equal(why, "rule disabled");
	free(why);
	/* a prepared message gives the same answers, message after message */
	rm = rule_msg_new();
	rule_msg_set(rm, &M);
	assert_int_equal(rules_eval_all_msg(&rs, RT_RECEIVED, rm, &ENV, &plan), 2);
	rule_plan_release(&plan);
	rule_msg_set(rm, &M);
	assert_int_equal(rule_eval_msg(&rs.rules[0], rm, NULL, NULL), 1);
	rule_msg_free(rm);
	ruleset_release(&rs);
}

/* --- parse errors ------------------------------------------------------------- */

/* The end of expect_errors' list. */
static const char END[] = "";

/* Parse text as `file` and compare every error, in order, with the list ending in END. */
static void expect_errors(const char *file, const char *text, size_t want_rules, ...)
{
	struct ruleset rs = {0};
	va_list ap;
	const char *want;
	size_t i = 0;

	rules_parse(&rs, file, text, strlen(text));
	va_start(ap, want_rules);
	while ((want = va_arg(ap, const char *)) != END) {
		if (i >= rs.nerrors)
			fail_msg("missing error: %s", want);
		assert_string_equal(rs.errors[i], want);
		i++;
	}
	va_end(ap);
	if (i < rs.nerrors)
		fail_msg("unexpected error: %s", rs.errors[i]);
	assert_int_equal(rs.n, want_rules);
	ruleset_release(&rs);
}

static void test_err_syntax(void **state)
{
	(void)state;
	expect_errors("t.json", "{\n  \"name\": \"x\",\n  \"then\": [}\n", 0,
	              "t.json:3: invalid JSON near '}'", END);
	expect_errors("t.json", "{\"name\": \"x\",\n\"then\": [{\"action\": \"flag\"}]\n", 0,
	              "t.json:2: invalid JSON: unexpected end of file", END);
	expect_errors("t.json", "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}]}\n\nxyz", 0,
	              "t.json:3: invalid JSON near 'xyz'", END);
	expect_errors("t.json", "", 0,
	              "t.json:1: empty file (want a rule object or an array of rules)", END);
	expect_errors("t.json", " \n\t\n", 0,
	              "t.json:1: empty file (want a rule object or an array of rules)", END);
	expect_errors("t.json", "[]", 0, "t.json:1: empty array (want rule objects)", END);
	expect_errors("t.json", "\n\"x\"", 0,
	              "t.json:2: want a rule object or an array of rules, got a string", END);
	expect_errors("t.json", "[{\"name\": \"a\", \"then\": [{\"action\": \"flag\"}]},\n 7]", 1,
	              "t.json:2: [1]: want a rule object, got a number", END);
}

/* The two examples of the issue, to the letter. */
static void test_err_issue_examples(void **state)
{
	(void)state;
	expect_errors(
	    "rules/promo.json",
	    "{\n"
	    "  \"name\": \"archive-promos\",\n"
	    "  \"trigger\": \"classified\",\n"
	    "  \"when\": {\n"
	    "    \"all\": [\n"
	    "      {\"field\": \"category\", \"op\": \"equals\",\n"
	    "       \"value\": \"promotional\"},\n"
	    "      {\n"
	    "        \"field\": \"confidence\",\n"
	    "        \"value\": 80,\n"
	    "        \"case\": \"insensitive\",\n"
	    "        \"op\": \"equal\"\n"
	    "      }\n"
	    "    ]\n"
	    "  },\n"
	    "  \"then\": [{\"action\": \"archive\"}]\n"
	    "}\n",
	    0,
	    "rules/promo.json:12: when.all[1].op: unknown op \"equal\" (did you mean \"equals\"?)",
	    END);
	expect_errors(
	    "rules/x.json",
	    "{\"name\": \"x\",\n"
	    " \"when\": {\"field\": \"subject\", \"op\": \"contains\", \"value\": \"x\"},\n"
	    " \"then\": [{\"action\": \"move\"}]}\n",
	    0, "rules/x.json:3: then[0]: \"move\" needs \"folder\"", END);
}

static void test_err_fields(void **state)
{
	(void)state;
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\",\n \"when\": {\"field\": \"subjet\", \"op\": \"contains\", "
	    "\"value\": \"x\"},\n"
	    " \"then\": [{\"action\": \"flag\"}]}",
	    0, "t.json:2: when.field: unknown field \"subjet\" (did you mean \"subject\"?)", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"when\": {\"field\": \"header:\", \"op\": \"contains\", "
	              "\"value\": \"x\"},\n"
	              " \"then\": [{\"action\": \"flag\"}]}",
	              0, "t.json:1: when.field: \"header:\": want header:NAME, e.g. header:List-Id",
	              END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n"
	    " \"when\": {\"field\": \"confidence\",\n \"op\": \"contains\", \"value\": 3}}",
	    0,
	    "t.json:3: when.op: \"contains\" does not apply to confidence (use equals, <, <=, >, "
	    ">=)",
	    END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n"
	              " \"when\": {\"field\": \"unread\", \"op\": \">\", \"value\": true}}",
	              0, "t.json:2: when.op: \">\" does not apply to unread (use equals)", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n"
	              " \"when\": {\"field\": \"subject\", \"op\": \"<\", \"value\": 3}}",
	              0,
	              "t.json:2: when.op: \"<\" does not apply to subject (use equals, contains, "
	              "wildcard, regex, in)",
	              END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n"
	    " \"when\": {\"field\": \"subject\", \"op\": \"contains\", \"value\": \"x\", \"case\": "
	    "\"insensitve\"}}",
	    0, "t.json:2: when.case: unknown case \"insensitve\" (did you mean \"insensitive\"?)",
	    END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"when\": "
	              "{\"field\": \"subject\"}}",
	              0, "t.json:2: when: missing \"op\"", "t.json:2: when: missing \"value\"",
	              END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"when\": {\"op\": "
	              "\"equals\", \"value\": 1}}",
	              0, "t.json:2: when: missing \"field\"", END);
}

static void test_err_values(void **state)
{
	(void)state;
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	              " {\"field\": \"subject\", \"op\": \"regex\",\n  \"value\": \"(ab\"}}",
	              0, "t.json:3: when.value: bad regex \"(ab\": Unmatched ( or \\(", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	              " {\"field\": \"subject\", \"op\": \"contains\", \"value\": 5}}",
	              0, "t.json:2: when.value: want a string, got a number", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	              " {\"field\": \"confidence\", \"op\": \">=\", \"value\": \"80\"}}",
	              0, "t.json:2: when.value: want a number, got a string", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	              " {\"field\": \"unread\", \"op\": \"equals\", \"value\": \"yes\"}}",
	              0, "t.json:2: when.value: want true or false, got a string", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	              " {\"field\": \"subject\", \"op\": \"in\", \"value\": \"a\"}}",
	              0, "t.json:2: when.value: want an array of strings, got a string", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	              " {\"field\": \"subject\", \"op\": \"in\", \"value\": [\"a\",\n 2]}}",
	              0, "t.json:3: when.value[1]: want a string, got a number", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	              " {\"field\": \"category\", \"op\": \"equals\", \"value\": \"promo\"}}",
	              0, "t.json:2: when.value: unknown category \"promo\"", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	    " {\"field\": \"category\", \"op\": \"in\", \"value\": [\"spam\", \"spma\"]}}",
	    0, "t.json:2: when.value[1]: unknown category \"spma\" (did you mean \"spam\"?)", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	              " {\"field\": \"age\", \"op\": \">\", \"value\": \"3x\"}}",
	              0, "t.json:2: when.value: \"3x\" is not a duration (e.g. 30s, 15m, 2h, 3d)",
	              END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	              " {\"field\": \"size\", \"op\": \">\", \"value\": \"big\"}}",
	              0, "t.json:2: when.value: \"big\" is not a size (e.g. 64k, 256M, 1G)", END);
}

/* Regexes that would blow up glibc's regcomp or regexec are refused. */
static void test_err_regex_cost(void **state)
{
	(void)state;
	assert_true(when(TEST("subject", "regex", "\"^(été|fwd?):? ([^ ]+ )+for [^ ]{2,8}$\"")));
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	    " {\"field\": \"subject\", \"op\": \"regex\", \"value\": \"((a{100}){100}){100}\"}}",
	    0,
	    "t.json:2: when.value: bad regex \"((a{100}){100}){100}\": too complex (too long, "
	    "nested "
	    "too deep, stacked quantifiers or too much repetition)",
	    END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	    " {\"field\": \"subject\", \"op\": \"regex\", \"value\": \"x+++++++++++++++++++\"}}",
	    0,
	    "t.json:2: when.value: bad regex \"x+++++++++++++++++++\": too complex (too long, "
	    "nested "
	    "too deep, stacked quantifiers or too much repetition)",
	    END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\":\n"
	    " {\"field\": \"subject\", \"op\": \"regex\", \"value\": \"(a)\\\\1\"}}",
	    0, "t.json:2: when.value: bad regex \"(a)\\1\": back-references are not supported",
	    END);
}

static void test_err_conditions(void **state)
{
	(void)state;
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"when\": {\"all\": []}}", 0,
	    "t.json:2: when.all: empty (want at least one condition)", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"when\": {\"any\": {}}}", 0,
	    "t.json:2: when.any: want an array of conditions, got an object", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"when\": {\"all\": "
	              "[1], \"not\": {}}}",
	              0, "t.json:2: when: want one of \"all\", \"any\", \"not\" per object, got 2",
	              END);
	expect_errors(
	    "t.json", "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"when\": [1]}", 0,
	    "t.json:2: when: want a test or {\"all\"|\"any\"|\"not\": ...}, got an array", END);
	/* errors deep in a tree, several at once */
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"when\": {\"any\": [\n"
	    "  {\"not\": {\"field\": \"from\", \"op\": \"regex\", \"value\": \"[\"}},\n"
	    "  {\"all\": [{\"field\": \"to\", \"op\": \"contains\", \"value\": \"a\"},\n"
	    "           {\"field\": \"cc\", \"op\": \"containz\", \"value\": \"a\"}]}]}}",
	    0, "t.json:2: when.any[0].not.value: bad regex \"[\": Invalid regular expression",
	    "t.json:4: when.any[1].all[1].op: unknown op \"containz\" (did you mean \"contains\"?)",
	    END);
}

static void test_err_rule_keys(void **state)
{
	(void)state;
	expect_errors("t.json", "{\n \"then\": [{\"action\": \"flag\"}]}", 0,
	              "t.json:1: missing \"name\"", END);
	expect_errors("t.json", "{\"name\": 5,\n \"then\": [{\"action\": \"flag\"}]}", 0,
	              "t.json:1: name: want a string, got a number", END);
	expect_errors("t.json", "{\"name\": \"\",\n \"then\": [{\"action\": \"flag\"}]}", 0,
	              "t.json:1: name: empty", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\",\n \"enabled\": \"yes\", \"then\": [{\"action\": \"flag\"}]}", 0,
	    "t.json:2: enabled: want true or false, got a string", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"thne\": []}", 0,
	              "t.json:2: unknown key \"thne\" (did you mean \"then\"?)", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"name\": \"y\"}", 0,
	              "t.json:2: duplicate key \"name\"", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"trigger\": \"recieved\"}", 0,
	    "t.json:2: trigger: unknown trigger \"recieved\" (did you mean \"received\"?)", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"mode\": \"automatic\"}", 0,
	    "t.json:2: mode: unknown mode \"automatic\" (want \"recommend\" or \"auto\")", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"trigger\": \"schedule\",\n"
	    " \"schedule\": \"0 9 * *\"}",
	    0,
	    "t.json:3: schedule: \"0 9 * *\" has 4 fields, want 5 (minute hour day month weekday)",
	    END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}], \"trigger\": \"schedule\"}", 0,
	    "t.json:1: missing \"schedule\" (\"trigger\": \"schedule\" needs a cron expression)",
	    END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"}],\n \"schedule\": \"* * * * *\"}",
	    0, "t.json:2: schedule: only for \"trigger\": \"schedule\"", END);
	expect_errors("t.json", "{\"name\": \"x\"}", 0,
	              "t.json:1: missing \"then\" (a rule needs at least one action)", END);
	expect_errors("t.json", "{\"name\": \"x\",\n \"then\": []}", 0,
	              "t.json:2: then: empty (a rule needs at least one action)", END);
}

static void test_err_actions(void **state)
{
	(void)state;
	expect_errors(
	    "t.json", "{\"name\": \"x\", \"then\": [\n {\"action\": \"archiv\"}]}", 0,
	    "t.json:2: then[0].action: unknown action \"archiv\" (did you mean \"archive\"?)", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"},\n {\"folder\": \"x\"}]}", 0,
	    "t.json:2: then[1]: missing \"action\"", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [{\"action\": \"flag\"},\n {\"action\": \"label\"}]}", 0,
	    "t.json:2: then[1]: \"label\" needs \"value\"", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [\n {\"action\": \"move\", \"foldr\": \"Junk\"}]}", 0,
	    "t.json:2: then[0]: unknown key \"foldr\" (did you mean \"folder\"?)",
	    "t.json:2: then[0]: \"move\" needs \"folder\"", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [\n {\"action\": \"move\", \"folder\": 3}]}", 0,
	              "t.json:2: then[0].folder: want a string, got a number", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [\n {\"action\": \"set_category\", \"value\": "
	              "\"urgent\"}]}",
	              0, "t.json:2: then[0].value: unknown category \"urgent\"", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [\n {\"action\": \"followup\", \"after\": \"soon\"}]}", 0,
	    "t.json:2: then[0].after: \"soon\" is not a duration (e.g. 30s, 15m, 2h, 3d)", END);
	expect_errors("t.json",
	              "{\"name\": \"x\", \"then\": [\n {\"action\": \"flag\", \"value\": \"x\"}]}",
	              0, "t.json:2: then[0]: unknown key \"value\"", END);
	expect_errors(
	    "t.json",
	    "{\"name\": \"x\", \"then\": [\n {\"action\": \"move\", \"folder\": \"../etc\"}]}", 0,
	    "t.json:2: then[0].folder: folder \"../etc\" must not hold a slash", END);
	expect_errors("t.json", "{\"name\": \"x\", \"then\": {\"action\": \"flag\"}}", 0,
	              "t.json:1: then: want an array of actions, got an object", END);
	expect_errors("t.json", "{\"name\": \"x\", \"then\": [\"flag\"]}", 0,
	              "t.json:1: then[0]: want an action object, got a string", END);
}

/* One bad rule among good ones: only it is dropped; a name repeated in a file is an error. */
static void test_err_partial(void **state)
{
	struct ruleset rs = {0};
	const char *text = "[\n"
	                   "{\"name\": \"a\", \"then\": [{\"action\": \"flag\"}]},\n"
	                   "{\"name\": \"b\", \"then\": [{\"action\": \"move\"}]},\n"
	                   "{\"name\": \"c\", \"then\": [{\"action\": \"notify\"}]},\n"
	                   "{\"name\": \"a\", \"then\": [{\"action\": \"trash\"}]}\n"
	                   "]";

	(void)state;
	assert_int_equal(rules_parse(&rs, "p.json", text, strlen(text)), 2);
	assert_string_equal(rs.errors[0], "p.json:3: then[0]: \"move\" needs \"folder\"");
	assert_string_equal(rs.errors[1],
	                    "p.json:5: name: duplicate rule name \"a\" (first at line 2)");
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.rules[0].name, "a");
	assert_int_equal(rs.rules[0].line, 2);
	assert_string_equal(rs.rules[0].file, "p.json");
	assert_string_equal(rs.rules[1].name, "c");
	assert_string_equal(rs.rules[1].then[0].name, "notify");
	assert_null(rs.rules[1].then[0].arg);
	ruleset_release(&rs);
}

/* A file with many errors keeps the first 100 and says so. */
static void test_err_many(void **state)
{
	struct ruleset rs = {0};
	struct strbuf sb;
	int i;

	(void)state;
	sb_init(&sb);
	sb_adds(&sb, "[");
	for (i = 0; i < 150; i++)
		sb_addf(&sb, "%s\n{\"name\": \"r%d\", \"then\": []}", i ? "," : "", i);
	sb_adds(&sb, ",\n{\"name\": \"ok\", \"then\": [{\"action\": \"flag\"}]}]");
	assert_int_equal(rules_parse(&rs, "m.json", sb.buf, sb.len), 101);
	assert_string_equal(rs.errors[0],
	                    "m.json:2: then: empty (a rule needs at least one action)");
	assert_string_equal(rs.errors[99],
	                    "m.json:101: then: empty (a rule needs at least one action)");
	assert_string_equal(rs.errors[100], "m.json: more than 100 errors; the rest are not shown");
	assert_int_equal(rs.n, 1);
	ruleset_release(&rs);
	sb_release(&sb);
}

/* Lines stay right past strings holding quotes, brackets, escapes and non-ASCII. */
static void test_err_locator(void **state)
{
	(void)state;
	expect_errors("t.json",
	              "[{\"name\": \"tricky \\\" { [ \\\\\", \"then\": [{\"action\": \"flag\"}],\n"
	              " \"when\": {\"field\": \"subject\", \"op\": \"contains\", \"value\": "
	              "\"}]\\n\\u00e9\\ud83d\\ude00\"}},\n"
	              " {\"name\": \"\\u00e9t\\u00e9\", \"then\": [{\"action\": \"flag\"}],\n"
	              "  \"when\": {\"\\u0066ield\": \"subject\", \"op\": \"contains\",\n"
	              "   \"value\": 1}}]",
	              1, "t.json:5: when.value: want a string, got a number", END);
}

/* --- files, directories, shipped defaults ------------------------------------------ */

static void write_file(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);

	assert_int_equal(file_write_atomic(p, text, strlen(text), 0600, NULL), 0);
	free(p);
}

static void test_load_dir(void **state)
{
	char shipped[] = "/tmp/va-rules-XXXXXX", user[] = "/tmp/va-rules-XXXXXX";
	struct ruleset rs = {0};
	char *cmd;

	(void)state;
	assert_non_null(mkdtemp(shipped));
	assert_non_null(mkdtemp(user));
	write_file(shipped, "10-a.json", "{\"name\": \"a\", \"then\": [{\"action\": \"flag\"}]}");
	write_file(shipped, "20-b.json",
	           "{\"name\": \"b\", \"then\": [{\"action\": \"archive\"}]}");
	write_file(shipped, "notes.txt", "not json");
	write_file(user, "b.json",
	           "{\"name\": \"b\", \"enabled\": false, \"then\": [{\"action\": \"trash\"}]}");
	write_file(user, "c.json", "{\"name\": \"c\", \"then\": [{\"action\": \"read\"}]}");
	write_file(user, "d.json", "{\"name\": \"d\", \"then\": [{\"action\": \"reed\"}]}");
	assert_int_equal(rules_load_dir(&rs, shipped), 0);
	assert_int_equal(rules_load_dir(&rs, user), 1);
	assert_int_equal(rules_load_dir(&rs, "/nonexistent/rules"), 0);
	assert_int_equal(rs.n, 3);
	assert_string_equal(rs.rules[0].name, "a");
	assert_string_equal(rs.rules[1].name, "b"); /* replaced in place */
	assert_string_equal(rs.rules[1].then[0].name, "trash");
	assert_false(rs.rules[1].enabled);
	assert_string_equal(rs.rules[2].name, "c");
	assert_non_null(
	    strstr(rs.errors[0],
	           "/d.json:1: then[0].action: unknown action \"reed\" (did you mean \"read\"?)"));
	assert_int_equal(rules_load_file(&rs, "/nonexistent/x.json"), 1);
	assert_non_null(strstr(rs.errors[1], "/nonexistent/x.json: cannot read rule file"));
	ruleset_release(&rs);
	cmd = xasprintf("%s/10-a.json", shipped);
	unlink(cmd), free(cmd);
	cmd = xasprintf("%s/20-b.json", shipped);
	unlink(cmd), free(cmd);
	cmd = xasprintf("%s/notes.txt", shipped);
	unlink(cmd), free(cmd);
	rmdir(shipped);
	cmd = xasprintf("%s/b.json", user);
	unlink(cmd), free(cmd);
	cmd = xasprintf("%s/c.json", user);
	unlink(cmd), free(cmd);
	cmd = xasprintf("%s/d.json", user);
	unlink(cmd), free(cmd);
	rmdir(user);
}

static void test_shipped(void **state)
{
	const char *share = getenv("VA_SHARE_DIR");
	char *dir = xasprintf("%s/rules", share ? share : "share");
	struct ruleset rs = {0};
	struct rule_plan plan = {0};
	size_t i;

	(void)state;
	assert_int_equal(rules_load_dir(&rs, dir), 0);
	for (i = 0; i < rs.nerrors; i++)
		print_error("%s\n", rs.errors[i]);
	assert_int_equal(rs.n, 5);
	for (i = 0; i < rs.n; i++) {
		assert_int_equal(rs.rules[i].mode, RM_RECOMMEND);
		assert_int_equal(strlen(rs.rules[i].hash), 16);
	}
	/* promotional at 85: archived, and nothing else fires */
	assert_int_equal(rules_eval_all(&rs, RT_CLASSIFIED, &M, &ENV, &plan), 1);
	assert_string_equal(plan.hits[0].rule->name, "archive-promotional");
	rule_plan_release(&plan);
	free(M.category);
	M.category = xstrdup("important");
	assert_int_equal(rules_eval_all(&rs, RT_CLASSIFIED, &M, &ENV, &plan), 1);
	assert_string_equal(plan.hits[0].rule->then[0].name, "flag");
	rule_plan_release(&plan);
	free(M.category);
	M.category = xstrdup("followup");
	assert_int_equal(rules_eval_all(&rs, RT_AGE, &M, &ENV, &plan), 1);
	assert_string_equal(plan.hits[0].why, "when.all[2]: age 4d2h >= 3d");
	rule_plan_release(&plan);
	free(M.category);
	M.category = xstrdup("promotional");
	ruleset_release(&rs);
	free(dir);
}

static void test_hash(void **state)
{
	struct ruleset rs = {0};
	const char *a = "{\"name\": \"a\", \"then\": [{\"action\": \"flag\"}]}";
	const char *b = "{\"name\": \"a\", \"then\": [{\"action\": \"read\"}]}";

	(void)state;
	rules_parse(&rs, "a", a, strlen(a));
	rules_parse(&rs, "b", b, strlen(b));
	rules_parse(&rs, "c", a, strlen(a));
	assert_int_equal(rs.n, 3);
	assert_string_not_equal(rs.rules[0].hash, rs.rules[1].hash);
	assert_string_equal(rs.rules[0].hash, rs.rules[2].hash);
	ruleset_release(&rs);
}

static void test_sieve(void **state)
{
	struct ruleset rs = {0};
	char *script, *skipped;
	const char *text = "[{\"name\": \"junk\", \"stop\": true, \"when\": {\"any\": [" TEST(
	    "from", "wildcard",
	    "\"*@spam.example\"") ", " TEST("subject", "regex",
	                                    "\"v\\\\.i\\\\.a\"") "]}, \"then\": [{\"action\": "
	                                                         "\"move\", \"folder\": \"Junk\"}, "
	                                                         "{\"action\": \"read\"}]},\n"
	                                                         " {\"name\": \"body\", "
	                                                         "\"when\": " TEST(
	                                                             "body", "contains",
	                                                             "\"x\"") ", \"then\": "
	                                                                      "[{\"action\": "
	                                                                      "\"flag\"}]},\n"
	                                                                      " {\"name\": "
	                                                                      "\"reply\", "
	                                                                      "\"then\": "
	                                                                      "[{\"action\": "
	                                                                      "\"reply\", "
	                                                                      "\"template\": "
	                                                                      "\"ack\"}]},\n"
	                                                                      " {\"name\": "
	                                                                      "\"big\", \"when\": "
	                                                                      "{\"not\": " TESTS(
	                                                                          "header:X-Q",
	                                                                          "equals",
	                                                                          "\"a\\\"b\"") "},"
	                                                                                        " "
	                                                                                        "\""
	                                                                                        "th"
	                                                                                        "en"
	                                                                                        "\""
	                                                                                        ": "
	                                                                                        "[{"
	                                                                                        "\""
	                                                                                        "ac"
	                                                                                        "ti"
	                                                                                        "on"
	                                                                                        "\""
	                                                                                        ": "
	                                                                                        "\""
	                                                                                        "fl"
	                                                                                        "ag"
	                                                                                        "\""
	                                                                                        "}]"
	                                                                                        "}"
	                                                                                        "]";

	(void)state;
	assert_int_equal(rules_parse(&rs, "s.json", text, strlen(text)), 0);
	rules_export_sieve(&rs, &script, &skipped);
	assert_non_null(strstr(script, "require [\"fileinto\", \"imap4flags\", \"regex\"];\n"));
	assert_non_null(strstr(script,
	                       "if anyof(address :all :matches \"from\" \"*@spam.example\", "
	                       "header :regex \"subject\" \"v\\\\.i\\\\.a\") {\n"
	                       "  addflag \"\\\\Seen\";\n  fileinto \"Junk\";\n  stop;\n}\n"));
	assert_non_null(
	    strstr(script, "if not header :is :comparator \"i;octet\" \"X-Q\" \"a\\\"b\" {\n"));
	assert_string_equal(skipped, "body: a body test has no Sieve equivalent\n"
	                             "reply: action \"reply\" has no Sieve equivalent\n");
	free(script);
	free(skipped);
	ruleset_release(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wildcard),
	    cmocka_unit_test(test_regex),
	    cmocka_unit_test(test_case),
	    cmocka_unit_test(test_headers),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_age),
	    cmocka_unit_test(test_booleans),
	    cmocka_unit_test(test_in),
	    cmocka_unit_test(test_nesting),
	    cmocka_unit_test(test_why),
	    cmocka_unit_test(test_eval_all),
	    cmocka_unit_test(test_err_syntax),
	    cmocka_unit_test(test_err_issue_examples),
	    cmocka_unit_test(test_err_fields),
	    cmocka_unit_test(test_err_values),
	    cmocka_unit_test(test_err_regex_cost),
	    cmocka_unit_test(test_err_conditions),
	    cmocka_unit_test(test_err_rule_keys),
	    cmocka_unit_test(test_err_actions),
	    cmocka_unit_test(test_err_partial),
	    cmocka_unit_test(test_err_many),
	    cmocka_unit_test(test_err_locator),
	    cmocka_unit_test(test_load_dir),
	    cmocka_unit_test(test_shipped),
	    cmocka_unit_test(test_hash),
	    cmocka_unit_test(test_sieve),
	};
	return cmocka_run_group_tests_name("rules", tests, setup, teardown);
}
