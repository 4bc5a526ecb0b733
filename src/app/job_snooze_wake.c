/*
 * job_snooze_wake: snoozes whose time has come wake up: the message moves
 * from Snoozed back to INBOX and is marked unread (actions service, so an
 * IMAP server follows at the next sync) and the snooze becomes "woken".  A
 * message the person already took out of Snoozed stays where it is.
 */
#include <string.h>
#include <time.h>

#include "va/actions.h"
#include "va/app.h"
#include "va/jobs.h"
#include "va/util.h"

static enum job_status snooze_run(struct job_run *r, char **error)
{
	struct app *app = r->ctx;
	struct store_reminder *z;
	size_t n, i;
	int rc = 0;

	if (store_snoozes_due(app->store, (int64_t)time(NULL), &z, &n, error) < 0)
		return JOB_RETRY;
	for (i = 0; i < n && rc == 0; i++) {
		struct action_outcome o = {0};
		struct message m;
		message_init(&m);
		rc = inbox_show(app, z[i].message_id, &m, error);
		if (rc == 0 && m.folder && !strcmp(m.folder, SNOOZED_FOLDER)) {
			rc = action_apply(app, &z[i].message_id, 1, ACT_MOVE, "INBOX", &o, error);
			action_outcome_release(&o);
		}
		message_release(&m);
		if (rc == 1) /* the message is gone: nothing to wake */
			rc = 0;
		else if (rc == 0)
			rc = action_apply(app, &z[i].message_id, 1, ACT_UNREAD, NULL, &o, error);
		action_outcome_release(&o);
		if (rc == 0)
			rc = store_snooze_set(app->store, z[i].id, "woken", error);
	}
	store_reminders_free(z, n);
	return rc < 0 ? JOB_RETRY : JOB_OK;
}

const struct job_kind job_snooze_wake = {
    .name = "snooze_wake", .summary = "return snoozed messages to the inbox",
    .backoff_base = 30, .backoff_cap = 900, .lease = 120, .run = snooze_run,
};
