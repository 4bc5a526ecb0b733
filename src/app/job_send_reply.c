/*
 * job_send_reply: send one queued reply when its delay is over, and the
 * account's other due replies with it over the same connections
 * (replies_send_batch).  args: the reply_log row id.  The row's state makes
 * the job safe to run again: a sent or cancelled row is left alone (so the
 * jobs of rows an earlier batch sent end at once), a row left in 'sending'
 * by a crash is first looked up in Sent.  A failure to tell whether an
 * earlier attempt went out is retried with backoff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "va/accounts.h"
#include "va/jobs.h"
#include "va/replies.h"
#include "va/util.h"

static int parse_id(const char *args, int64_t *id)
{
	char *end;
	long long v = args ? strtoll(args, &end, 10) : 0;

	if (!args || end == args || *end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static int send_reply_check(const char *args, char **cause)
{
	int64_t id;

	return parse_id(args, &id) < 0
	           ? set_cause(cause, "send_reply jobs take the outbox id (see 'va replies')")
	           : 0;
}

static int stopping(void *arg)
{
	return sched_stopping(arg);
}

static enum job_status send_reply_run(struct job_run *r, char **error)
{
	struct replies_batch b = {.max = 500, .budget_ms = 20000, .stop = stopping, .arg = r->sched};
	struct accounts_io io;
	size_t also = 0;
	char note[64];
	int64_t id;
	int rc;

	if (parse_id(r->job->args, &id) < 0)
		return set_cause(error, "bad outbox id \"%s\"", r->job->args ? r->job->args : ""),
		       JOB_FAIL;
	accounts_quiet_io(&io);
	rc = replies_send_batch(r->ctx, id, &io, &b, &also, error);
	if (rc == 0) {
		snprintf(note, sizeof note, also ? "done, and %zu more due" : "done", also);
		sched_progress(r, note);
	}
	return rc == 0 ? JOB_OK : rc == 1 ? JOB_RETRY : JOB_FAIL;
}

const struct job_kind job_send_reply = {
    .name = "send_reply",
    .summary = "send a queued reply when its delay is over",
    .max_attempts = 5,
    .backoff_base = 30,
    .backoff_cap = 900,
    .lease = 120,
    .check = send_reply_check,
    .run = send_reply_run,
};
