/*
 * cli_act: triage from the command line (`va act`, `va undo`, `va actions`),
 * the same app/actions.c services the TUI's keys call.
 *
 *   va act ID[,ID...] KIND [ARG] [--json]   one batch for all the ids
 *   va undo [ACTION_ID] [--batch N] [--json]
 *   va actions [--limit N] [--json]
 */
#include <cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_json.h"
#include "va/actions.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/rules_run.h"
#include "va/store.h"
#include "va/util.h"

/* "12" or "12,13,40" into ids; -1 on anything else. */
static int parse_ids(const char *s, int64_t **ids, size_t *n)
{
	const char *p = s;
	char *end;

	*ids = NULL;
	*n = 0;
	while (*p) {
		long long v = strtoll(p, &end, 10);
		if (end == p || v <= 0 || (*end && *end != ',')) {
			free(*ids);
			*ids = NULL;
			return -1;
		}
		*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
		(*ids)[(*n)++] = v;
		p = *end ? end + 1 : end;
	}
	return *n ? 0 : -1;
}

static cJSON *ids_json(const int64_t *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[i]));
	return a;
}

static void print_outcome(struct cli_globals *g, const char *verb, const char *arg,
                          const struct action_outcome *o)
{
	cJSON *j;

	if (!g->json && o->n == 0) {
		if (!g->quiet)
			printf("nothing changed: the message%s already so\n", o->unchanged == 1 ? " was" : "s were");
		return;
	}
	if (!g->json) {
		if (!g->quiet)
			printf("%s %zu message%s%s%s%s (batch %" PRId64 ")%s\n", verb, o->n,
			       o->n == 1 ? "" : "s", arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "",
			       o->batch, o->unchanged ? "; some were already so" : "");
		return;
	}
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "done", verb);
	if (arg)
		cJSON_AddStringToObject(j, "arg", arg);
	cJSON_AddNumberToObject(j, "batch", (double)o->batch);
	cJSON_AddItemToObject(j, "actions", ids_json(o->actions, o->n));
	cJSON_AddItemToObject(j, "messages", ids_json(o->messages, o->n));
	cJSON_AddNumberToObject(j, "unchanged", (double)o->unchanged);
	cli_json_print(j);
}

int cmd_act(struct cli_globals *g, int argc, char **argv)
{
	struct action_outcome o;
	struct app *app;
	enum action_kind k;
	int64_t *ids;
	size_t n;
	char *cause = NULL;
	const char *arg;
	int rc;

	if (argc < 3 || parse_ids(argv[1], &ids, &n) < 0) {
		cli_error(argc < 3 ? "act: missing ID or action" : "act: bad message id \"%s\"", argv[1]);
		return cli_usage("act");
	}
	k = action_find(argv[2]);
	arg = argc > 3 ? argv[3] : NULL;
	if (k == ACT_NONE || (action_table[k].arg != NULL) != (arg != NULL) || argc > 4) {
		cli_error(k == ACT_NONE ? "act: unknown action \"%s\""
		          : arg        ? "act: \"%s\" takes no argument"
		                       : "act: \"%s\" needs an argument",
		          argv[2]);
		free(ids);
		return cli_usage("act");
	}
	if (cli_open_app(g, &app, 1) < 0) {
		free(ids);
		return EXIT_ERROR;
	}
	rc = action_apply(app, ids, n, k, arg, &o, &cause);
	if (rc < 0)
		cli_error("cannot %s: %s", argv[2], cause ? cause : "?");
	else
		print_outcome(g, action_table[k].done, arg, &o);
	action_outcome_release(&o);
	free(cause);
	free(ids);
	app_close(app);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

int cmd_undo(struct cli_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {{"batch", required_argument, NULL, 'b'},
	                                     {"rule", required_argument, NULL, 'r'},
	                                     {NULL, 0, NULL, 0}};
	struct action_outcome o;
	struct app *app;
	long long id = 0, batch = 0;
	const char *rule = NULL;
	char *cause = NULL, *end;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "b:r:", opts, NULL)) != -1) {
		if (c == 'r')
			rule = optarg;
		else if (c != 'b' || (batch = strtoll(optarg, &end, 10)) <= 0 || *end)
			return cli_usage("undo");
	}
	if (rule && (batch || optind < argc))
		return cli_usage("undo");
	if (rule) {
		if (cli_open_app(g, &app, 0) < 0)
			return EXIT_ERROR;
		memset(&o, 0, sizeof o);
		rc = rules_undo_last(app, rule, &o, &cause);
		if (rc < 0)
			cli_error("cannot undo: %s", cause ? cause : "?");
		else if (rc == 1)
			cli_error("nothing to undo: rule \"%s\" has no live actions", rule);
		else
			print_outcome(g, "undid", NULL, &o);
		action_outcome_release(&o);
		free(cause);
		app_close(app);
		return rc == 0 ? EXIT_OK : EXIT_ERROR;
	}
	if (optind < argc && ((id = strtoll(argv[optind], &end, 10)) <= 0 || *end)) {
		cli_error("undo: bad action id \"%s\"", argv[optind]);
		return cli_usage("undo");
	}
	if (argc - optind > 1 || (id && batch))
		return cli_usage("undo");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	rc = action_undo(app, id, batch, &o, &cause);
	if (rc < 0)
		cli_error("cannot undo: %s", cause ? cause : "?");
	else if (rc == 1)
		cli_error("nothing to undo%s", id || batch ? ": no such live action or batch" : "");
	else
		print_outcome(g, "undid", NULL, &o);
	action_outcome_release(&o);
	free(cause);
	app_close(app);
	return rc == 0 ? EXIT_OK : EXIT_ERROR;
}

static cJSON *action_json(const struct store_action *a)
{
	cJSON *j = cJSON_CreateObject();
	char when[32];

	cJSON_AddNumberToObject(j, "id", (double)a->id);
	cJSON_AddNumberToObject(j, "batch", (double)a->batch);
	cJSON_AddNumberToObject(j, "message", (double)a->message_id);
	cJSON_AddStringToObject(j, "kind", a->kind ? a->kind : "");
	if (a->args)
		cJSON_AddStringToObject(j, "arg", a->args);
	else
		cJSON_AddNullToObject(j, "arg");
	cJSON_AddStringToObject(j, "origin", a->origin ? a->origin : "");
	if (a->rule)
		cJSON_AddStringToObject(j, "rule", a->rule);
	cJSON_AddStringToObject(j, "server_state", a->server_state ? a->server_state : "");
	cli_iso_time(a->created_at, when, sizeof when);
	cJSON_AddStringToObject(j, "created_at", when);
	cJSON_AddBoolToObject(j, "undone", a->undone_at != 0);
	if (a->subject)
		cJSON_AddStringToObject(j, "subject", a->subject);
	else
		cJSON_AddNullToObject(j, "subject");
	return j;
}

static void print_actions(struct cli_globals *g, const struct store_action *v, size_t n)
{
	cJSON *arr;
	char *subj;
	size_t i;

	if (g->json) {
		arr = cJSON_CreateArray();
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, action_json(&v[i]));
		cli_json_print(arr);
		return;
	}
	for (i = 0; i < n; i++) {
		subj = utf8_fit(v[i].subject ? v[i].subject : "(message gone)", 40, 0);
		printf("%6" PRId64 " %5" PRId64 " %-9s %-14s %-6s %s%s\n", v[i].id, v[i].batch,
		       v[i].kind ? v[i].kind : "", v[i].args ? v[i].args : "-",
		       v[i].undone_at ? "undone" : "live", subj, "");
		free(subj);
	}
}

int cmd_actions(struct cli_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'n'},
	                                     {NULL, 0, NULL, 0}};
	struct store_action *v;
	struct app *app;
	long long limit = 20;
	size_t n;
	char *cause = NULL, *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1)
		if (c != 'n' || (limit = strtoll(optarg, &end, 10)) < 0 || *end)
			return cli_usage("actions");
	if (optind < argc)
		return cli_usage("actions");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	if (action_list(app, (size_t)limit, &v, &n, &cause) < 0) {
		cli_error("cannot list actions: %s", cause ? cause : "?");
		free(cause);
		app_close(app);
		return EXIT_ERROR;
	}
	print_actions(g, v, n);
	store_actions_free(v, n);
	app_close(app);
	return EXIT_OK;
}
