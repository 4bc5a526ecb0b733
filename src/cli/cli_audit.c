/*
 * cli_audit: `va audit` (the encrypted, hash-chained log; app/audit.c).
 *
 *   va audit list [--limit N] [--json]   decrypted, newest first
 *   va audit verify [--json]             exit 1 naming the first bad entry
 *   va audit export FILE                 JSON lines, mode 0600, never replaces
 *   va audit init                        make the key available (asks once)
 */
#include <cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_json.h"
#include "va/accounts.h"
#include "va/app.h"
#include "va/audit.h"
#include "va/cli.h"
#include "va/util.h"

/* The entry's JSON with id, time and actor kind added (caller frees). */
static cJSON *entry_json(const struct audit_entry *e)
{
	cJSON *j = e->json ? cJSON_Parse(e->json) : NULL;
	char when[32];

	if (!j)
		j = cJSON_CreateObject();
	cJSON_DeleteItemFromObject(j, "id");
	cJSON_AddNumberToObject(j, "id", (double)e->id);
	cli_iso_time(e->ts, when, sizeof when);
	cJSON_DeleteItemFromObject(j, "time");
	cJSON_AddStringToObject(j, "time", when);
	cJSON_AddStringToObject(j, "actor_kind", e->actor_kind ? e->actor_kind : "");
	if (!cJSON_GetObjectItemCaseSensitive(j, "kind"))
		cJSON_AddStringToObject(j, "kind", e->kind ? e->kind : "");
	if (e->problem)
		cJSON_AddStringToObject(j, "problem", e->problem);
	return j;
}

static void print_entry(const struct audit_entry *e)
{
	char when[32], *line = audit_entry_summary(e);

	cli_iso_time(e->ts, when, sizeof when);
	printf("%5" PRId64 "  %s  %s\n", e->id, when, line);
	if (e->problem)
		printf("       %s\n", e->problem);
	free(line);
}

static int audit_list_cmd(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'n'},
	                                     {NULL, 0, NULL, 0}};
	struct accounts_io io;
	struct audit_entry *v;
	long long limit = 20;
	size_t n, i;
	char *cause = NULL, *end;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1)
		if (c != 'n' || (limit = strtoll(optarg, &end, 10)) < 0 || *end)
			return cli_usage("audit");
	if (optind < argc)
		return cli_usage("audit");
	cli_account_io(&io, -1, 0);
	if (audit_list(app, &io, (size_t)limit, &v, &n, &cause) < 0) {
		cli_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (g->json) {
		cJSON *a = cJSON_CreateArray();
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(a, entry_json(&v[i]));
		cli_json_print(a);
	} else {
		for (i = 0; i < n; i++)
			print_entry(&v[i]);
		if (n == 0 && !g->quiet)
			printf("the audit log is empty\n");
	}
	audit_entries_free(v, n);
	return EXIT_OK;
}

static int audit_verify_cmd(struct cli_globals *g, struct app *app)
{
	struct accounts_io io;
	struct audit_report r;
	char *cause = NULL;
	cJSON *j;
	int ok;

	cli_account_io(&io, -1, 0);
	if (audit_verify(app, &io, &r, &cause) < 0) {
		cli_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (g->json) {
		j = cJSON_CreateObject();
		cJSON_AddBoolToObject(j, "ok", r.ok);
		cJSON_AddNumberToObject(j, "entries", (double)r.entries);
		cJSON_AddNumberToObject(j, "pending", (double)r.pending);
		cJSON_AddNumberToObject(j, "unrecorded", (double)r.unrecorded);
		if (r.ok)
			cJSON_AddNullToObject(j, "bad_entry");
		else
			cJSON_AddNumberToObject(j, "bad_entry", (double)r.bad_id);
		if (r.problem)
			cJSON_AddStringToObject(j, "problem", r.problem);
		else
			cJSON_AddNullToObject(j, "problem");
		cli_json_print(j);
	} else if (r.ok) {
		printf("audit log intact: %" PRId64 " entr%s, chain and head (%s) verified\n",
		       r.entries, r.entries == 1 ? "y" : "ies", r.head ? r.head : "database");
	} else {
		cli_error("audit log damaged: %s", r.problem);
	}
	ok = r.ok;
	audit_report_release(&r);
	return ok ? EXIT_OK : EXIT_ERROR;
}

static int audit_export_cmd(struct cli_globals *g, struct app *app, const char *path)
{
	struct accounts_io io;
	char *cause = NULL;
	size_t n;

	cli_account_io(&io, -1, 0);
	if (audit_export(app, &io, path, &n, &cause) < 0) {
		cli_error("cannot export the audit log: %s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (g->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "exported", (double)n);
		cJSON_AddStringToObject(j, "file", path);
		cli_json_print(j);
	} else if (!g->quiet)
		printf("exported %zu entr%s to %s (mode 0600)\n", n, n == 1 ? "y" : "ies", path);
	return EXIT_OK;
}

static int audit_init_cmd(struct cli_globals *g, struct app *app)
{
	struct accounts_io io;
	char *cause = NULL;

	cli_account_io(&io, -1, 0);
	if (audit_unlock(app, &io, &cause) < 0) {
		cli_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (!g->quiet && !g->json)
		printf("audit key ready; pending entries folded into the log\n");
	else if (g->json)
		printf("{\"ok\":true}\n");
	return EXIT_OK;
}

int cmd_audit(struct cli_globals *g, int argc, char **argv)
{
	struct app *app;
	const char *sub = argc > 1 ? argv[1] : "";
	int rc;

	if (strcmp(sub, "list") && strcmp(sub, "verify") && strcmp(sub, "export") &&
	    strcmp(sub, "init")) {
		if (*sub)
			cli_error("audit: unknown subcommand \"%s\"", sub);
		return cli_usage("audit");
	}
	if ((!strcmp(sub, "export") && argc != 3) ||
	    ((!strcmp(sub, "verify") || !strcmp(sub, "init")) && argc != 2))
		return cli_usage("audit");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	if (!strcmp(sub, "list"))
		rc = audit_list_cmd(g, app, argc - 1, argv + 1);
	else if (!strcmp(sub, "verify"))
		rc = audit_verify_cmd(g, app);
	else if (!strcmp(sub, "export"))
		rc = audit_export_cmd(g, app, argv[2]);
	else
		rc = audit_init_cmd(g, app);
	app_close(app);
	return rc;
}
