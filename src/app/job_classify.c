/*
 * job_classify: classify the messages that have no verdict yet
 * (classify_messages with neither ids nor --all), so a daemon with
 * `va jobs add classify --every 5m` keeps new mail sorted.  A store failure
 * is transient (retried with backoff); an LLM failure never fails the job,
 * since the local verdict stands.
 */
#include <stdio.h>
#include <string.h>

#include "va/app.h"
#include "va/classifier.h"
#include "va/jobs.h"
#include "va/rules_run.h"
#include "va/util.h"

static enum job_status classify_run(struct job_run *r, char **error)
{
	struct classify_report rep;
	char note[96];
	int rc;

	memset(&rep, 0, sizeof rep);
	rc = classify_messages(r->ctx, NULL, 0, 0, &rep, error);
	if (rc == 0) { /* new verdicts: the "classified" rules */
		struct rules_report rr;
		rc = rules_run_pending(r->ctx, &rr, NULL, error);
		snprintf(note, sizeof note, "%zu classified, %zu rule matches", rep.n, rr.hits);
	} else
		snprintf(note, sizeof note, "%zu classified", rep.n);
	sched_progress(r, note);
	classify_report_release(&rep);
	return rc < 0 ? JOB_RETRY : JOB_OK;
}

const struct job_kind job_classify = {
    .name = "classify", .summary = "classify messages that have no verdict yet",
    .max_attempts = 5, .backoff_base = 30, .backoff_cap = 1800, .lease = 600,
    .run = classify_run,
};
