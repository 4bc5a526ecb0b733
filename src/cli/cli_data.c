/*
 * cli_data: what va holds about the person (app/privacy.c).
 *
 *   va data export DIR          JSON files and the mail as Maildir (0700/0600)
 *   va data purge [--yes-i-mean-it]
 *                               remove the database, caches, reports and every
 *                               secret va keeps, after typing "purge"
 */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_json.h"
#include "va/accounts.h"
#include "va/app.h"
#include "va/audit.h"
#include "va/cli.h"
#include "va/util.h"

static int data_export_cmd(struct cli_globals *g, const char *dir)
{
	struct privacy_export e;
	struct accounts_io io;
	struct app *app;
	char *cause = NULL;
	int rc;

	if (cli_open_app(g, &app, 1) < 0)
		return EXIT_ERROR;
	cli_account_io(&io, -1, 0);
	rc = privacy_export(app, &io, dir, &e, &cause);
	if (rc < 0) {
		cli_error("cannot export: %s", cause);
	} else if (g->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "dir", dir);
		cJSON_AddNumberToObject(j, "messages", (double)e.messages);
		cJSON_AddNumberToObject(j, "files", (double)e.files);
		cJSON_AddBoolToObject(j, "audit", e.audit);
		if (e.note)
			cJSON_AddStringToObject(j, "note", e.note);
		cli_json_print(j);
	} else if (!g->quiet) {
		printf("exported to %s: %zu JSON files, %zu messages in %s/mail (Maildir)%s\n", dir,
		       e.files, e.messages, dir, e.audit ? ", the audit log in audit.jsonl" : "");
		if (e.note)
			fprintf(stderr, "va: warning: %s\n", e.note);
	}
	privacy_export_release(&e);
	free(cause);
	app_close(app);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

/* Ask on the terminal for the word "purge"; 1 when typed. */
static int confirmed(void)
{
	static const char prompt[] =
	    "This removes va's database, caches, reports and every secret va keeps.\n"
	    "va.conf and your own Maildir folders are not touched.\n"
	    "Type \"purge\" to go on: ";
	char buf[64];
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	if (write(fd, prompt, sizeof prompt - 1) < 0) {
		close(fd);
		return 0;
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return !strcmp(buf, "purge");
}

static cJSON *strings_json(char **v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

static void print_purge(struct cli_globals *g, const struct privacy_purge *p)
{
	size_t i;

	if (g->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddItemToObject(j, "removed", strings_json(p->removed, p->n));
		cJSON_AddItemToObject(j, "kept", strings_json(p->kept, p->nkept));
		cJSON_AddItemToObject(j, "failed", strings_json(p->failed, p->nfailed));
		cli_json_print(j);
		return;
	}
	for (i = 0; i < p->nfailed; i++)
		cli_error("cannot remove %s", p->failed[i]);
	if (g->quiet)
		return;
	printf("removed:%s\n", p->n ? "" : " nothing (va held nothing)");
	for (i = 0; i < p->n; i++)
		printf("  %s\n", p->removed[i]);
	printf("not touched (yours):\n");
	for (i = 0; i < p->nkept; i++)
		printf("  %s\n", p->kept[i]);
}

static int data_purge_cmd(struct cli_globals *g, int argc, char **argv)
{
	struct privacy_purge p;
	struct accounts_io io;
	struct app *app;
	int yes = argc == 3 && !strcmp(argv[2], "--yes-i-mean-it"), rc;

	if (argc > 3 || (argc == 3 && !yes))
		return cli_usage("data");
	if (!yes && !confirmed()) {
		cli_error("purge not confirmed: nothing was removed (type \"purge\" at the prompt, "
		          "or pass --yes-i-mean-it)");
		return EXIT_ERROR;
	}
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	cli_account_io(&io, -1, 0);
	rc = privacy_purge(&app, &io, &p);
	if (app)
		app_close(app);
	print_purge(g, &p);
	privacy_purge_release(&p);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}

int cmd_data(struct cli_globals *g, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "export") && argc == 3)
		return data_export_cmd(g, argv[2]);
	if (!strcmp(sub, "purge"))
		return data_purge_cmd(g, argc, argv);
	if (*sub && strcmp(sub, "export"))
		cli_error("data: unknown subcommand \"%s\"", sub);
	return cli_usage("data");
}
