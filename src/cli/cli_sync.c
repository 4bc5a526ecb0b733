/*
 * cli_sync: the IMAP half of `va sync` (cmd_sync in cli_admin.c calls
 * cli_sync_imap), and the accounts_io that network commands (sync, send)
 * hand to the secret store: the secrets-file passphrase comes from
 * VA_PASSPHRASE_FILE when set (scripts, tests, the daemon); otherwise the
 * file backend reports that it needs one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_json.h"
#include "va/accounts.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/secret.h"
#include "va/sync.h"
#include "va/util.h"

static char *passphrase_env(void *arg, int create, char **cause)
{
	const char *file = getenv("VA_PASSPHRASE_FILE");
	size_t len;
	char *s;

	(void)arg;
	(void)create;
	if (!file) {
		set_cause(cause,
		          "the encrypted secrets file needs a passphrase: set VA_PASSPHRASE_FILE "
		          "to a file (mode 0600) holding it, or use `va account` in a terminal");
		return NULL;
	}
	if (!(s = file_read(file, &len, cause)))
		return NULL;
	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

static void say_stderr(void *arg, const char *text)
{
	(void)arg;
	fprintf(stderr, "%s\n", text);
}

void cli_net_io(struct accounts_io *io)
{
	memset(io, 0, sizeof *io);
	io->passphrase = passphrase_env;
	io->say = say_stderr;
	io->paste_fd = -1;
}

static void sync_progress(void *arg, size_t done, size_t total)
{
	(void)arg;
	if (done < total)
		fprintf(stderr, "\rsyncing: %zu of %zu new messages", done, total);
	else
		fprintf(stderr, "\r\033[K");
}

static cJSON *sync_json(const struct sync_report *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "accounts", (double)r->accounts);
	cJSON_AddNumberToObject(o, "folders", (double)r->folders);
	cJSON_AddNumberToObject(o, "fetched", (double)r->fetched);
	cJSON_AddNumberToObject(o, "updated", (double)r->updated);
	cJSON_AddNumberToObject(o, "expunged", (double)r->expunged);
	cJSON_AddNumberToObject(o, "dropped", (double)r->dropped);
	cJSON_AddNumberToObject(o, "failed", (double)r->failed);
	cJSON_AddNumberToObject(o, "pushed", (double)r->pushed);
	cJSON_AddNumberToObject(o, "refused", (double)r->refused);
	if (r->error)
		cJSON_AddStringToObject(o, "error", r->error);
	else
		cJSON_AddNullToObject(o, "error");
	return o;
}

int cli_sync_imap(struct cli_globals *g, struct app *app, const char *name, cJSON **json)
{
	struct accounts_io io;
	struct sync_report r;
	char *cause = NULL;
	int rc;

	memset(&r, 0, sizeof r);
	cli_net_io(&io);
	rc =
	    sync_imap(app, name, &io, &r, g->quiet || g->json ? NULL : sync_progress, NULL, &cause);
	if (json)
		*json = sync_json(&r);
	else if (!g->quiet && r.accounts)
		printf(
		    "synced %zu IMAP account%s, %zu folders: %zu new, %zu updated, %zu expunged, "
		    "%zu dropped, %zu failed; %zu changes written back, %zu refused\n",
		    r.accounts, r.accounts == 1 ? "" : "s", r.folders, r.fetched, r.updated,
		    r.expunged, r.dropped, r.failed, r.pushed, r.refused);
	if (rc < 0)
		cli_error("sync failed: %s", cause);
	free(cause);
	sync_report_release(&r);
	return rc < 0 ? EXIT_ERROR : EXIT_OK;
}
