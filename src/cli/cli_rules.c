/*
 * cli_rules: the rules from the command line.
 *
 *   va rules [list]                      rules, their state and match counts
 *   va rules check [FILE...]             validate (all loaded rules by default)
 *   va rules test [--since 30d] [--apply] [NAME]
 *   va rules run                         run pending rules now (as after a sync)
 *   va rules enable|disable NAME
 *   va rules export --sieve [-o FILE]
 *   va recommendations [--all]           pending recommendations
 *   va accept ID...   va reject ID...
 */
#include <cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_json.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/rules_run.h"
#include "va/store.h"
#include "va/util.h"

static void print_errors(const struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->nerrors; i++)
		fprintf(stderr, "%s\n", rs->errors[i]);
}

static cJSON *errors_json(const struct ruleset *rs)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < rs->nerrors; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(rs->errors[i]));
	return a;
}

struct counts {
	char   **name;
	int64_t *hits, *last;
	size_t   n, cap, cap2, cap3;
};

static void count_add(void *arg, const char *key, int64_t count, int64_t extra)
{
	struct counts *c = arg;

	xgrow((void **)&c->name, &c->cap, c->n + 1, sizeof(*c->name));
	xgrow((void **)&c->hits, &c->cap2, c->n + 1, sizeof(*c->hits));
	xgrow((void **)&c->last, &c->cap3, c->n + 1, sizeof(*c->last));
	c->name[c->n] = xstrdup(key);
	c->hits[c->n] = count;
	c->last[c->n++] = extra;
}

static int64_t hits_of(const struct counts *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return c->hits[i];
	return 0;
}

static int rules_list(struct cli_globals *g, struct app *app)
{
	struct ruleset rs;
	struct counts c;
	size_t i;
	cJSON *arr, *o, *top;

	memset(&rs, 0, sizeof rs);
	memset(&c, 0, sizeof c);
	rules_load(app, &rs);
	store_rule_counts(app->store, count_add, &c, NULL);
	if (g->json) {
		top = cJSON_CreateObject();
		arr = cJSON_AddArrayToObject(top, "rules");
		for (i = 0; i < rs.n; i++) {
			const struct rule *r = &rs.rules[i];
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "name", r->name);
			cJSON_AddBoolToObject(o, "enabled", r->enabled);
			cJSON_AddStringToObject(o, "mode", r->mode == RM_AUTO ? "auto" : "recommend");
			cJSON_AddStringToObject(o, "trigger", rule_trigger_name(r->trigger));
			cJSON_AddNumberToObject(o, "matches", (double)hits_of(&c, r->name));
			cJSON_AddStringToObject(o, "file", r->file);
			cJSON_AddNumberToObject(o, "line", r->line);
			cJSON_AddItemToArray(arr, o);
		}
		cJSON_AddItemToObject(top, "errors", errors_json(&rs));
		cli_json_print(top);
	} else {
		printf("%-28s %-3s %-9s %-10s %7s  %s\n", "RULE", "ON", "MODE", "TRIGGER", "MATCHES",
		       "FILE");
		for (i = 0; i < rs.n; i++) {
			const struct rule *r = &rs.rules[i];
			char *name = utf8_fit(r->name, 28, 1);
			printf("%s %-3s %-9s %-10s %7" PRId64 "  %s\n", name, r->enabled ? "yes" : "no",
			       r->mode == RM_AUTO ? "auto" : "recommend", rule_trigger_name(r->trigger),
			       hits_of(&c, r->name), r->file);
			free(name);
		}
		if (rs.n == 0)
			printf("(no rules)\n");
		print_errors(&rs);
	}
	for (i = 0; i < c.n; i++)
		free(c.name[i]);
	free(c.name);
	free(c.hits);
	free(c.last);
	i = rs.nerrors;
	ruleset_release(&rs);
	return i ? EXIT_ERROR : EXIT_OK;
}

static int rules_check(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	struct ruleset rs;
	int i, rc;

	memset(&rs, 0, sizeof rs);
	if (argc == 0)
		rules_load(app, &rs);
	for (i = 0; i < argc; i++)
		rules_load_file(&rs, argv[i]);
	if (g->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "rules", (double)rs.n);
		cJSON_AddItemToObject(o, "errors", errors_json(&rs));
		cli_json_print(o);
	} else {
		print_errors(&rs);
		if (!g->quiet)
			printf("%zu rule%s OK, %zu error%s\n", rs.n, rs.n == 1 ? "" : "s", rs.nerrors,
			       rs.nerrors == 1 ? "" : "s");
	}
	rc = rs.nerrors ? EXIT_ERROR : EXIT_OK;
	ruleset_release(&rs);
	return rc;
}

static void report_json_add(cJSON *o, const struct rules_report *r)
{
	cJSON_AddNumberToObject(o, "messages", (double)r->messages);
	cJSON_AddNumberToObject(o, "matches", (double)r->hits);
	cJSON_AddNumberToObject(o, "done", (double)r->done);
	cJSON_AddNumberToObject(o, "recommended", (double)r->recommended);
	cJSON_AddNumberToObject(o, "failed", (double)r->failed);
}

/* rules test: one line per message that a rule matched, then its steps. */
struct test_out {
	struct cli_globals *g;
	cJSON              *arr;
	int64_t             last;
};

static void test_step(void *arg, const struct rules_step *s)
{
	struct test_out *t = arg;
	cJSON *o;

	if (t->g->json) {
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "message", (double)s->message_id);
		cJSON_AddStringToObject(o, "subject", s->subject ? s->subject : "");
		cJSON_AddStringToObject(o, "rule", s->rule);
		cJSON_AddStringToObject(o, "why", s->why ? s->why : "");
		cJSON_AddStringToObject(o, "action", s->action ? s->action : "");
		if (s->arg)
			cJSON_AddStringToObject(o, "arg", s->arg);
		cJSON_AddStringToObject(o, "outcome", s->outcome);
		cJSON_AddItemToArray(t->arr, o);
		return;
	}
	if (s->message_id != t->last) {
		char *subj = utf8_fit(s->subject ? s->subject : "(no subject)", 60, 0);
		printf("#%" PRId64 " %s\n", s->message_id, subj);
		free(subj);
		t->last = s->message_id;
	}
	printf("  %s: %s\n    -> %s%s%s: %s\n", s->rule, s->why ? s->why : "", s->action,
	       s->arg ? " " : "", s->arg ? s->arg : "", s->outcome);
}

static int rules_test(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {{"since", required_argument, NULL, 's'},
	                                     {"apply", no_argument, NULL, 'a'},
	                                     {NULL, 0, NULL, 0}};
	struct test_out t = {g, NULL, 0};
	struct rules_report r;
	struct ruleset rs;
	const char *name = NULL;
	int64_t since = 30 * 86400, *ids = NULL;
	size_t n = 0, i;
	char *cause = NULL;
	int c, apply = 0, rc = EXIT_OK, found = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:a", opts, NULL)) != -1) {
		if (c == 's') {
			if ((since = str_casecmp_ascii(optarg, "all") ? duration_parse(optarg) : 0) < 0) {
				cli_error("rules test: bad --since \"%s\" (e.g. 30d, 12h, all)", optarg);
				return cli_usage("rules");
			}
		} else if (c == 'a')
			apply = 1;
		else
			return cli_usage("rules");
	}
	if (argc - optind > 1)
		return cli_usage("rules");
	name = optind < argc ? argv[optind] : NULL;
	if (g->json)
		t.arr = cJSON_CreateArray();
	memset(&rs, 0, sizeof rs);
	rules_load(app, &rs);
	print_errors(&rs);
	for (i = 0; name && i < rs.n; i++)
		found |= !strcmp(rs.rules[i].name, name);
	if (name && !found) {
		cli_error("rules test: no rule \"%s\" (see 'va rules list')", name);
		cJSON_Delete(t.arr);
		ruleset_release(&rs);
		return EXIT_ERROR;
	}
	if (store_rule_candidates(app->store, since ? "date_since" : "all",
	                          since ? time_now() - since : 0, &ids, &n, &cause) < 0 ||
	    rules_run(app, &rs, RT_RECEIVED, ids, n, name, RULES_ALL_TRIG | (apply ? 0 : RULES_DRY_RUN),
	              test_step, &t, &r, &cause) < 0) {
		cli_error("rules test: %s", cause ? cause : "?");
		rc = EXIT_ERROR;
	}
	if (g->json && rc == EXIT_OK) {
		cJSON *o = cJSON_CreateObject();
		report_json_add(o, &r);
		cJSON_AddBoolToObject(o, "applied", apply);
		cJSON_AddItemToObject(o, "steps", t.arr);
		t.arr = NULL;
		cli_json_print(o);
	}
	cJSON_Delete(t.arr);
	if (rc == EXIT_OK && !g->json && !g->quiet)
		printf("%zu message%s, %zu new match%s; %s\n", r.messages, r.messages == 1 ? "" : "s",
		       r.hits, r.hits == 1 ? "" : "es",
		       apply ? "the plan was run" : "nothing was changed (--apply runs this plan)");
	free(ids);
	free(cause);
	ruleset_release(&rs);
	return rc;
}

static int rules_export(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	struct ruleset rs;
	char *script = NULL, *skipped = NULL, *cause = NULL;
	const char *out = NULL;
	int i, sieve = 0, rc = EXIT_OK;

	(void)g;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--sieve"))
			sieve = 1;
		else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc)
			out = argv[++i];
		else
			return cli_usage("rules");
	}
	if (!sieve) {
		cli_error("rules export: say the format (--sieve)");
		return cli_usage("rules");
	}
	memset(&rs, 0, sizeof rs);
	rules_load(app, &rs);
	print_errors(&rs);
	rules_export_sieve(&rs, &script, &skipped);
	if (out) {
		if (file_exists(out)) {
			cli_error("rules export: \"%s\" already exists", out);
			rc = EXIT_ERROR;
		} else if (file_write_atomic(out, script, strlen(script), 0644, &cause) < 0) {
			cli_error("rules export: %s", cause ? cause : "?");
			rc = EXIT_ERROR;
		}
	} else
		fputs(script, stdout);
	if (skipped && *skipped)
		fprintf(stderr, "not exported (Sieve cannot express them):\n%s", skipped);
	free(script);
	free(skipped);
	free(cause);
	ruleset_release(&rs);
	return rc;
}

static int rules_toggle(struct cli_globals *g, struct app *app, const char *name, int on)
{
	char *path = NULL, *cause = NULL;
	int rc = rules_set_enabled(app, name, on, &path, &cause);

	if (rc < 0)
		cli_error("cannot %s \"%s\": %s", on ? "enable" : "disable", name, cause ? cause : "?");
	else if (rc == 1)
		cli_error("no rule \"%s\" (see 'va rules list')", name);
	else if (g->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "rule", name);
		cJSON_AddBoolToObject(o, "enabled", on);
		cJSON_AddStringToObject(o, "file", path);
		cli_json_print(o);
	} else if (!g->quiet)
		printf("%s \"%s\" (%s)\n", on ? "enabled" : "disabled", name, path);
	free(path);
	free(cause);
	return rc == 0 ? EXIT_OK : EXIT_ERROR;
}

static int rules_run_now(struct cli_globals *g, struct app *app)
{
	struct rules_report r;
	size_t errors = 0;
	char *cause = NULL;
	int rc = rules_run_pending(app, &r, &errors, &cause);

	if (rc < 0) {
		cli_error("rules: %s", cause ? cause : "?");
		free(cause);
		return EXIT_ERROR;
	}
	if (g->json) {
		cJSON *o = cJSON_CreateObject();
		report_json_add(o, &r);
		cJSON_AddNumberToObject(o, "rule_errors", (double)errors);
		cli_json_print(o);
	} else if (!g->quiet)
		printf("rules: %zu message%s, %zu match%s, %zu done, %zu recommended, %zu failed%s\n",
		       r.messages, r.messages == 1 ? "" : "s", r.hits, r.hits == 1 ? "" : "es", r.done,
		       r.recommended, r.failed, errors ? " (rule files have errors: 'va rules check')" : "");
	return r.failed ? EXIT_ERROR : EXIT_OK;
}

int cmd_rules(struct cli_globals *g, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	struct app *app;
	int rc;

	if (strcmp(sub, "list") && strcmp(sub, "check") && strcmp(sub, "test") && strcmp(sub, "run") &&
	    strcmp(sub, "enable") && strcmp(sub, "disable") && strcmp(sub, "export")) {
		cli_error("rules: unknown subcommand \"%s\"", sub);
		return cli_usage("rules");
	}
	if ((!strcmp(sub, "enable") || !strcmp(sub, "disable")) && argc != 3)
		return cli_usage("rules");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	if (!strcmp(sub, "list"))
		rc = rules_list(g, app);
	else if (!strcmp(sub, "check"))
		rc = rules_check(g, app, argc - 2, argv + 2);
	else if (!strcmp(sub, "test"))
		rc = rules_test(g, app, argc - 1, argv + 1);
	else if (!strcmp(sub, "run"))
		rc = rules_run_now(g, app);
	else if (!strcmp(sub, "export"))
		rc = rules_export(g, app, argc - 2, argv + 2);
	else
		rc = rules_toggle(g, app, argv[2], !strcmp(sub, "enable"));
	app_close(app);
	return rc;
}

/* ---- recommendations ---- */

int cmd_recommendations(struct cli_globals *g, int argc, char **argv)
{
	struct store_reco *v;
	struct app *app;
	size_t n, i;
	char *cause = NULL, when[32];
	int all = argc > 1 && !strcmp(argv[1], "--all");

	if (argc > 2 || (argc == 2 && !all))
		return cli_usage("recommendations");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	if (store_reco_list(app->store, all ? NULL : "pending", 0, 0, &v, &n, &cause) < 0) {
		cli_error("recommendations: %s", cause ? cause : "?");
		free(cause);
		app_close(app);
		return EXIT_ERROR;
	}
	if (g->json) {
		cJSON *arr = cJSON_CreateArray(), *o;
		for (i = 0; i < n; i++) {
			o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "id", (double)v[i].id);
			cJSON_AddNumberToObject(o, "message", (double)v[i].message_id);
			cJSON_AddStringToObject(o, "rule", v[i].rule ? v[i].rule : "");
			cJSON_AddStringToObject(o, "action", v[i].action);
			if (v[i].args)
				cJSON_AddItemToObject(o, "args", cJSON_Parse(v[i].args));
			cJSON_AddStringToObject(o, "why", v[i].reason ? v[i].reason : "");
			cJSON_AddStringToObject(o, "state", v[i].state);
			cli_iso_time(v[i].created_at, when, sizeof when);
			cJSON_AddStringToObject(o, "created_at", when);
			if (v[i].subject)
				cJSON_AddStringToObject(o, "subject", v[i].subject);
			cJSON_AddItemToArray(arr, o);
		}
		cli_json_print(arr);
	} else {
		for (i = 0; i < n; i++) {
			cJSON *args = v[i].args ? cJSON_Parse(v[i].args) : NULL;
			const char *arg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(args, "arg"));
			char *subj = utf8_fit(v[i].subject ? v[i].subject : "(message gone)", 40, 1);
			printf("%5" PRId64 "  #%-6" PRId64 " %s  %s%s%s  [%s]%s%s\n", v[i].id, v[i].message_id,
			       subj, v[i].action, arg ? " " : "", arg ? arg : "", v[i].rule ? v[i].rule : "",
			       all ? " " : "", all ? v[i].state : "");
			free(subj);
			cJSON_Delete(args);
		}
		if (n == 0 && !g->quiet)
			printf("no %srecommendations\n", all ? "" : "pending ");
	}
	store_recos_free(v, n);
	app_close(app);
	return EXIT_OK;
}

static int decide(struct cli_globals *g, int argc, char **argv, int accept)
{
	struct app *app;
	cJSON *arr = g->json ? cJSON_CreateArray() : NULL;
	int i, rc = EXIT_OK;

	if (argc < 2) {
		cJSON_Delete(arr);
		return cli_usage(argv[0]);
	}
	if (cli_open_app(g, &app, 0) < 0) {
		cJSON_Delete(arr);
		return EXIT_ERROR;
	}
	for (i = 1; i < argc; i++) {
		char *end, *cause = NULL;
		long long id = strtoll(argv[i], &end, 10);
		int r;

		if (id <= 0 || *end) {
			cli_error("%s: bad recommendation id \"%s\"", argv[0], argv[i]);
			rc = EXIT_USAGE;
			continue;
		}
		r = accept ? rules_accept(app, id, &cause) : rules_reject(app, id, &cause);
		if (r == 1 && !cause)
			set_cause(&cause, "no pending recommendation %lld", id);
		if (r != 0) {
			cli_error("cannot %s %lld: %s", argv[0], id, cause ? cause : "?");
			rc = EXIT_ERROR;
		} else if (arr)
			cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)id));
		else if (!g->quiet)
			printf("%s recommendation %lld\n", accept ? "accepted" : "rejected", id);
		free(cause);
	}
	if (arr) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, accept ? "accepted" : "rejected", arr);
		cli_json_print(o);
	}
	app_close(app);
	return rc;
}

int cmd_accept(struct cli_globals *g, int argc, char **argv)
{
	return decide(g, argc, argv, 1);
}

int cmd_reject(struct cli_globals *g, int argc, char **argv)
{
	return decide(g, argc, argv, 0);
}
