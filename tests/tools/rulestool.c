/*
 * rulestool: drive the rules engine from the test scripts.
 *
 *   rulestool check PATH...            parse rule files or directories; one
 *                                      line per error, then "N rules, N errors"
 *   rulestool sieve PATH...            load them into one ruleset (later ones
 *                                      override by name) and print the Sieve
 *                                      export; skipped rules go to stderr
 *   rulestool eval TRIGGER MSG PATH... evaluate the rules with that trigger
 *                                      over the message file MSG; one line per
 *                                      hit: "name<TAB>actions<TAB>why"
 *
 * Environment for eval: RULES_NOW (epoch seconds), RULES_KNOWN (1/0),
 * RULES_CATEGORY and RULES_CONFIDENCE (a classification to assume).
 * Exit 0 when there were no rule errors, 1 when there were, 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "va/message.h"
#include "va/mime.h"
#include "va/rules.h"
#include "va/util.h"

static size_t load(struct ruleset *rs, int argc, char **argv)
{
	size_t nerr = 0;
	int i;

	for (i = 0; i < argc; i++)
		nerr += dir_exists(argv[i]) ? rules_load_dir(rs, argv[i])
		                            : rules_load_file(rs, argv[i]);
	return nerr;
}

static void print_errors(const struct ruleset *rs, FILE *f)
{
	size_t i;

	for (i = 0; i < rs->nerrors; i++)
		fprintf(f, "%s\n", rs->errors[i]);
}

static int cmd_check(int argc, char **argv)
{
	struct ruleset rs = {0};
	int rc;

	load(&rs, argc, argv);
	print_errors(&rs, stdout);
	rc = rs.nerrors ? 1 : 0;
	printf("%zu rules, %zu errors\n", rs.n, rs.nerrors);
	ruleset_release(&rs);
	return rc;
}

static int cmd_sieve(int argc, char **argv)
{
	struct ruleset rs = {0};
	char *script, *skipped;
	int rc;

	load(&rs, argc, argv);
	print_errors(&rs, stderr);
	rules_export_sieve(&rs, &script, &skipped);
	fputs(script, stdout);
	if (*skipped)
		fprintf(stderr, "skipped:\n%s", skipped);
	rc = rs.nerrors ? 1 : 0;
	free(script);
	free(skipped);
	ruleset_release(&rs);
	return rc;
}

static int trigger_of(const char *s)
{
	int t;

	for (t = 0; t < RT_COUNT; t++)
		if (!strcmp(rule_trigger_name((enum rule_trigger)t), s))
			return t;
	return -1;
}

static void print_hit(const struct rule_hit *h)
{
	size_t i;

	printf("%s\t", h->rule->name);
	for (i = 0; i < h->rule->nthen; i++)
		printf("%s%s%s%s", i ? "," : "", h->rule->then[i].name,
		       h->rule->then[i].arg ? " " : "",
		       h->rule->then[i].arg ? h->rule->then[i].arg : "");
	printf("\t%s\n", h->why);
}

static int cmd_eval(int argc, char **argv)
{
	struct ruleset rs = {0};
	struct message m;
	struct rule_plan plan = {0};
	struct rule_env env = {time_now(), 0, -1};
	char *raw, *cause = NULL;
	size_t len, i;
	int t = argc >= 3 ? trigger_of(argv[0]) : -1;

	if (t < 0) {
		fprintf(stderr,
		        "usage: rulestool eval received|classified|schedule|age MSG PATH...\n");
		return 2;
	}
	if (!(raw = file_read(argv[1], &len, &cause))) {
		fprintf(stderr, "rulestool: %s\n", cause);
		free(cause);
		return 2;
	}
	message_init(&m);
	if (mime_parse(raw, len, &m, &cause) < 0) {
		fprintf(stderr, "rulestool: %s: %s\n", argv[1], cause);
		free(cause);
		free(raw);
		return 2;
	}
	free(raw);
	if (getenv("RULES_NOW"))
		env.now = strtoll(getenv("RULES_NOW"), NULL, 10);
	if (getenv("RULES_KNOWN"))
		env.known_sender = atoi(getenv("RULES_KNOWN"));
	if (getenv("RULES_CATEGORY"))
		m.category = xstrdup(getenv("RULES_CATEGORY"));
	if (getenv("RULES_CONFIDENCE"))
		m.confidence = atoi(getenv("RULES_CONFIDENCE"));
	load(&rs, argc - 2, argv + 2);
	print_errors(&rs, stderr);
	rules_eval_all(&rs, (enum rule_trigger)t, &m, &env, &plan);
	for (i = 0; i < plan.n; i++)
		print_hit(&plan.hits[i]);
	rule_plan_release(&plan);
	message_release(&m);
	i = rs.nerrors;
	ruleset_release(&rs);
	return i ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (argc >= 3 && !strcmp(argv[1], "sieve"))
		return cmd_sieve(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "eval"))
		return cmd_eval(argc - 2, argv + 2);
	fprintf(stderr,
	        "usage: rulestool check PATH... | sieve PATH... | eval TRIGGER MSG PATH...\n");
	return 2;
}
