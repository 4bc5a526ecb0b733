/*
 * job_followup_check: for every waiting follow-up, a reply in the thread (a
 * message from another sender dated after the one followed up, or in the
 * same second and stored after it: Date has whole seconds, and a quick
 * answer can share its second) ends it ("done"); past its due time
 * with no reply, the message comes back flagged and unread through the
 * actions service (so a Maildir file is renamed too, and undo works) and the
 * follow-up becomes "due" (on an IMAP server too: the actions are pushed by
 * the next sync).  A follow-up made with a nudge template then sends it
 * through the replies service, every gate included (reply_with_template as
 * an automatic reply); a blocked nudge is recorded with its reason there.
 */
#include <stdlib.h>
#include <time.h>

#include "va/actions.h"
#include "va/app.h"
#include "va/jobs.h"
#include "va/log.h"
#include "va/replies.h"
#include "va/util.h"

static int bring_back(struct app *app, int64_t id, char **error)
{
	struct action_outcome o = {0};
	int rc = action_apply(app, &id, 1, ACT_FLAG, NULL, &o, error);

	action_outcome_release(&o);
	if (rc == 0) {
		struct action_outcome u = {0};
		rc = action_apply(app, &id, 1, ACT_UNREAD, NULL, &u, error);
		action_outcome_release(&u);
	}
	return rc;
}

static int check_one(struct app *app, const struct store_reminder *f, int64_t now, char **error)
{
	int replied = store_thread_replied(app->store, f->thread_id, f->message_id, f->msg_date,
	                                   f->from_addr, error);

	if (replied < 0)
		return -1;
	if (replied)
		return store_followup_set(app->store, f->id, "done", error);
	if (f->when > now)
		return 0;
	if (bring_back(app, f->message_id, error) < 0)
		return -1;
	if (f->note && str_starts(f->note, "nudge:") && f->note[6]) {
		int64_t outbox = 0;
		char *why = NULL;
		app->origin = "job";
		if (reply_with_template(app, f->message_id, f->note + 6, 1, &outbox, &why) != 0)
			log_info("follow-up %lld: nudge \"%s\" not sent: %s", (long long)f->id, f->note + 6,
			         why ? why : "?");
		app->origin = NULL;
		free(why);
	}
	return store_followup_set(app->store, f->id, "due", error);
}

static enum job_status followup_run(struct job_run *r, char **error)
{
	struct app *app = r->ctx;
	struct store_reminder *f;
	size_t n, i;
	int rc = 0;

	if (store_followups_waiting(app->store, &f, &n, error) < 0)
		return JOB_RETRY;
	for (i = 0; i < n && rc == 0; i++)
		rc = check_one(app, &f[i], (int64_t)time(NULL), error);
	store_reminders_free(f, n);
	return rc < 0 ? JOB_RETRY : JOB_OK;
}

const struct job_kind job_followup_check = {
    .name = "followup_check", .summary = "bring back messages with no reply in time",
    .backoff_base = 30, .backoff_cap = 900, .lease = 120, .run = followup_run,
};
