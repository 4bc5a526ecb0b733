/*
 * cli_admin: import, sync and config: bringing mail in and
 * looking at the set-up.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_json.h"
#include "va/accounts.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/rules_run.h"
#include "va/conf.h"
#include "va/paths.h"
#include "va/sync.h"
#include "va/util.h"

static void progress(void *arg, size_t done, size_t total)
{
	(void)arg;
	if (total == 0)
		fprintf(stderr, "\rimporting: %zu messages", done);
	else
		fprintf(stderr, "\r\033[K");
}

static cJSON *report_json(const char *what, const struct import_report *r)
{
	cJSON *o = cJSON_CreateObject(), *f = cJSON_CreateArray();
	size_t i;

	cJSON_AddStringToObject(o, "source", what);
	cJSON_AddNumberToObject(o, "files", (double)r->files);
	cJSON_AddNumberToObject(o, "stored", (double)r->stored);
	cJSON_AddNumberToObject(o, "existed", (double)r->existed);
	cJSON_AddNumberToObject(o, "updated", (double)r->updated);
	cJSON_AddNumberToObject(o, "removed", (double)r->removed);
	cJSON_AddNumberToObject(o, "with_problems", (double)r->with_problems);
	cJSON_AddNumberToObject(o, "failed", (double)r->nfailures);
	for (i = 0; i < r->nfailures; i++) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "path", r->failures[i].path);
		cJSON_AddStringToObject(x, "reason", r->failures[i].reason);
		cJSON_AddItemToArray(f, x);
	}
	cJSON_AddItemToObject(o, "failures", f);
	return o;
}

static void report_text(const char *verb, const char *what, const struct import_report *r)
{
	size_t i;

	for (i = 0; i < r->nfailures; i++)
		fprintf(stderr, "va: cannot import \"%s\": %s\n", r->failures[i].path, r->failures[i].reason);
	printf("%s %s: %zu looked at, %zu stored, %zu already present", verb, what, r->files,
	       r->stored, r->existed);
	if (r->updated || r->removed)
		printf(", %zu updated, %zu removed", r->updated, r->removed);
	printf(", %zu failed, %zu stored with parse problems\n", r->nfailures, r->with_problems);
}

int cmd_import(struct cli_globals *g, int argc, char **argv)
{
	static const struct option opts[] = {{"folder", required_argument, NULL, 'f'},
	                                     {NULL, 0, NULL, 0}};
	struct import_report r;
	struct app *app;
	const char *folder = NULL;
	char *cause = NULL;
	int c, rc, tty = isatty(STDERR_FILENO);

	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
		if (c != 'f')
			return cli_error("import: unknown or incomplete option \"%s\"", argv[optind - 1]),
			       cli_usage("import");
		folder = optarg;
	}
	if (optind != argc - 1)
		return cli_error("import: expected one PATH"), cli_usage("import");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	memset(&r, 0, sizeof r);
	rc = inbox_import(app, argv[optind], folder, &r, tty && !g->quiet && !g->json ? progress : NULL,
	                  NULL, &cause);
	if (g->json)
		cli_json_print(report_json(argv[optind], &r));
	else if (!g->quiet || rc < 0)
		report_text("imported", argv[optind], &r);
	if (rc < 0)
		cli_error("import stopped: %s (everything stored before this point is kept)", cause);
	else if (r.files > 0 && r.stored + r.existed == 0)
		rc = -1; /* nothing at all could be imported */
	free(cause);
	import_report_release(&r);
	app_close(app);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

/* After the mail came in: classify the new messages and run the rules.
 * Adds "classified" and "rules" to o (JSON) or prints one line. */
static int after_sync(struct cli_globals *g, struct app *app, const char *name, cJSON *o)
{
	struct rules_report r;
	struct sync_report sr;
	size_t classified = 0, errors = 0, i, imap = 0;
	char *cause = NULL;
	int rc = rules_after_sync(app, &classified, &r, &errors, &cause);

	memset(&sr, 0, sizeof sr);
	for (i = 0; i < app->naccounts; i++)
		imap += !strcmp(app->accounts[i].type, "imap") && (!name || !strcmp(name, app->accounts[i].name));
	if (rc == 0 && r.done > 0 && imap) { /* what the rules did goes to the server now */
		struct accounts_io io;
		char *why = NULL;

		cli_net_io(&io);
		if (sync_imap(app, name, &io, &sr, NULL, NULL, &why) < 0)
			cli_error("the rules' changes stay queued for the next sync: %s", why ? why : "?");
		free(why);
	}

	if (rc < 0)
		cli_error("after the sync: %s (the mail is stored)", cause ? cause : "?");
	else if (o) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "classified", (double)classified);
		cJSON_AddNumberToObject(j, "matches", (double)r.hits);
		cJSON_AddNumberToObject(j, "done", (double)r.done);
		cJSON_AddNumberToObject(j, "recommended", (double)r.recommended);
		cJSON_AddNumberToObject(j, "failed", (double)r.failed);
		cJSON_AddNumberToObject(j, "pushed", (double)sr.pushed);
		cJSON_AddNumberToObject(j, "rule_errors", (double)errors);
		cJSON_AddItemToObject(o, "rules", j);
	} else if (!g->quiet && (classified || r.hits || errors))
		printf("classified %zu; rules: %zu match%s, %zu done, %zu recommended%s%s\n", classified,
		       r.hits, r.hits == 1 ? "" : "es", r.done, r.recommended,
		       r.failed ? ", some failed (see the log)" : "",
		       errors ? "; rule files have errors ('va rules check')" : "");
	free(cause);
	sync_report_release(&sr);
	return rc < 0 || r.failed ? -1 : 0;
}

int cmd_sync(struct cli_globals *g, int argc, char **argv)
{
	struct import_report r;
	struct app *app;
	cJSON *imap = NULL;
	char *cause = NULL;
	int rc, imap_rc, fetch_only = 0;

	if (argc >= 2 && !strcmp(argv[argc - 1], "--fetch-only")) {
		fetch_only = 1;
		argc--;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		return cli_usage("sync");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	if (argc == 2 && !app_account(app, argv[1])) {
		cli_error("sync: no account \"%s\" (see 'va account list')", argv[1]);
		app_close(app);
		return EXIT_ERROR;
	}
	if (argc == 2 && sync_is_imap(app, argv[1])) { /* IMAP (issue 5): that account only */
		rc = cli_sync_imap(g, app, argv[1], g->json ? &imap : NULL);
		if (!fetch_only && after_sync(g, app, argv[1], imap) < 0 && rc == EXIT_OK)
			rc = EXIT_ERROR;
		if (imap)
			cli_json_print(imap);
		app_close(app);
		return rc;
	}
	memset(&r, 0, sizeof r);
	rc = inbox_refresh_local(app, &r, &cause);
	imap_rc = argc == 2 ? EXIT_OK : cli_sync_imap(g, app, NULL, g->json ? &imap : NULL);
	if (g->json) {
		cJSON *o = report_json("local accounts", &r);

		if (imap)
			cJSON_AddItemToObject(o, "imap", imap);
		if (!fetch_only && after_sync(g, app, argc == 2 ? argv[1] : NULL, o) < 0)
			imap_rc = EXIT_ERROR;
		cli_json_print(o);
	} else {
		if (!g->quiet)
			report_text("synced", "local accounts", &r);
		if (!fetch_only && after_sync(g, app, argc == 2 ? argv[1] : NULL, NULL) < 0)
			imap_rc = EXIT_ERROR;
	}
	if (rc < 0)
		cli_error("sync stopped: %s", cause);
	rc = rc < 0 ? -1 : imap_rc == EXIT_OK ? 0 : -1;
	free(cause);
	import_report_release(&r);
	app_close(app);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

static int config_check(struct cli_globals *g)
{
	struct app *app;
	size_t i, n;

	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	n = conf_nerrors(app->conf) + app->nerrors;
	if (g->json) {
		cJSON *o = cJSON_CreateObject(), *e = cJSON_CreateArray();
		cJSON_AddStringToObject(o, "file", app->config_path);
		cJSON_AddBoolToObject(o, "exists", file_exists(app->config_path));
		for (i = 0; i < conf_nerrors(app->conf); i++)
			cJSON_AddItemToArray(e, cJSON_CreateString(conf_error(app->conf, i)));
		for (i = 0; i < app->nerrors; i++)
			cJSON_AddItemToArray(e, cJSON_CreateString(app->errors[i]));
		cJSON_AddItemToObject(o, "errors", e);
		cli_json_print(o);
	} else if (n == 0) {
		printf("%s: ok%s\n", app->config_path,
		       file_exists(app->config_path) ? "" : " (no file: built-in defaults, demo mailbox)");
	} else if (g->quiet) {
		cli_warn_config(app); /* check must always say what is wrong */
	}
	app_close(app);
	return n ? EXIT_ERROR : EXIT_OK;
}

static int config_path(struct cli_globals *g)
{
	struct app *app;
	char *state = paths_state_dir();

	if (cli_open_app(g, &app, 0) < 0) {
		free(state);
		return EXIT_ERROR;
	}
	if (g->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "config", app->config_path);
		cJSON_AddStringToObject(o, "data", app->data_dir);
		cJSON_AddStringToObject(o, "database", store_path(app->store));
		cJSON_AddStringToObject(o, "state", state);
		cJSON_AddStringToObject(o, "share", app->share_dir);
		cli_json_print(o);
	} else {
		printf("config    %s\ndata      %s\ndatabase  %s\nlog       %s/va.log\nshare     %s\n",
		       app->config_path, app->data_dir, store_path(app->store), state, app->share_dir);
	}
	free(state);
	app_close(app);
	return EXIT_OK;
}

int cmd_config(struct cli_globals *g, int argc, char **argv)
{
	char *ex;

	if (argc != 2)
		return cli_usage("config");
	if (!strcmp(argv[1], "check"))
		return config_check(g);
	if (!strcmp(argv[1], "path"))
		return config_path(g);
	if (!strcmp(argv[1], "example")) {
		ex = conf_example();
		fputs(ex, stdout);
		free(ex);
		return EXIT_OK;
	}
	cli_error("config: unknown action \"%s\" (check, example, path)", argv[1]);
	return cli_usage("config");
}
