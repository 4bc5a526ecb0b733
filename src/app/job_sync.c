/*
 * job_sync: what `va sync` does, from the scheduler: rescan local Maildir
 * accounts, sync every IMAP account (credentials from the keyring, or the
 * secrets file when VA_PASSPHRASE_FILE names its passphrase: a daemon cannot
 * ask), classify the new mail and run the rules (rules_after_sync), then
 * push what the rules changed to the IMAP servers.  A store failure (locked,
 * full) or a server that cannot be reached is transient: the scheduler
 * retries it with backoff, and mail stored before the failure stays stored.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "va/app.h"
#include "va/jobs.h"
#include "va/rules_run.h"
#include "va/sync.h"
#include "va/util.h"

static int has_imap(const struct app *app)
{
	size_t i;

	for (i = 0; i < app->naccounts; i++)
		if (!strcmp(app->accounts[i].type, "imap"))
			return 1;
	return 0;
}

static int imap_pass(struct app *app, size_t *fetched, char **error)
{
	struct sync_report sr;
	int rc;

	memset(&sr, 0, sizeof sr);
	rc = sync_imap(app, NULL, app->io, &sr, NULL, NULL, error);
	*fetched += sr.fetched;
	sync_report_release(&sr);
	return rc;
}

static enum job_status sync_once(struct job_run *r, char **error)
{
	struct app *app = r->ctx;
	struct import_report rep;
	struct rules_report rr;
	size_t classified = 0, fetched = 0;
	char note[160];
	int rc, imap = has_imap(app);

	memset(&rep, 0, sizeof rep);
	memset(&rr, 0, sizeof rr);
	rc = inbox_refresh_local(app, &rep, error);
	if (rc == 0 && imap)
		rc = imap_pass(app, &fetched, error);
	/* new mail is sorted even when one account failed */
	if (rules_after_sync(app, &classified, &rr, NULL, rc < 0 ? NULL : error) < 0 && rc == 0)
		rc = -1;
	if (rc == 0 && imap && rr.done > 0)
		rc = imap_pass(app, &fetched, error);
	snprintf(note, sizeof note,
	         "%zu new local, %zu new over IMAP, %zu updated, %zu removed; %zu classified, "
	         "%zu rule matches",
	         rep.stored, fetched, rep.updated, rep.removed, classified, rr.hits);
	sched_progress(r, note);
	import_report_release(&rep);
	return rc < 0 ? JOB_RETRY : JOB_OK;
}

/* Sync jobs of one process take turns (the periodic one and those IDLE
 * queues have different keys, so the scheduler may start two at once). */
static pthread_mutex_t one_at_a_time = PTHREAD_MUTEX_INITIALIZER;

static enum job_status sync_run(struct job_run *r, char **error)
{
	enum job_status st;

	pthread_mutex_lock(&one_at_a_time);
	st = sync_once(r, error);
	pthread_mutex_unlock(&one_at_a_time);
	return st;
}

const struct job_kind job_sync = {
    .name = "sync", .summary = "sync every account, classify new mail, run the rules",
    .max_attempts = 5, .backoff_base = 10, .backoff_cap = 600, .lease = 300, .run = sync_run,
};
