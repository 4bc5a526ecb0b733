/*
 * job_sync: rescan local Maildir accounts (inbox_refresh_local).  IMAP sync
 * joins here when the IMAP issue lands.  A store failure (locked, full) is
 * transient: the scheduler retries it with backoff.
 */
#include <stdio.h>
#include <string.h>

#include "va/app.h"
#include "va/jobs.h"
#include "va/util.h"

static enum job_status sync_run(struct job_run *r, char **error)
{
	struct import_report rep;
	char note[96];
	int rc;

	memset(&rep, 0, sizeof rep);
	rc = inbox_refresh_local(r->ctx, &rep, error);
	snprintf(note, sizeof note, "%zu new, %zu updated, %zu removed", rep.stored, rep.updated,
	         rep.removed);
	sched_progress(r, note);
	import_report_release(&rep);
	return rc < 0 ? JOB_RETRY : JOB_OK;
}

const struct job_kind job_sync = {
    .name = "sync", .summary = "rescan local Maildir accounts", .max_attempts = 5,
    .backoff_base = 10, .backoff_cap = 600, .lease = 300, .run = sync_run,
};
