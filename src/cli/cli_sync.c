/*
 * cli_sync: the IMAP half of `va sync` (cmd_sync in cli_admin.c calls
 * cli_sync_imap), and the accounts_io that network commands (sync, send)
 * hand to the secret store (the same as `va account` uses).
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

/* The network commands ask for the secrets-file passphrase the way `va
 * account` does: VA_PASSPHRASE_FILE, else the terminal with echo off. */
void cli_net_io(struct accounts_io *io)
{
	cli_account_io(io, -1, 0);
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
