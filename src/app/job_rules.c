/*
 * job_rules: run the rules from the scheduler.  Without args: what
 * rules_run_pending does after a sync (new mail, new verdicts, age triggers),
 * added every [scheduler] rules_every (default 15m) by the daemon.  With
 * {"rule": NAME}: one "schedule" rule over every stored message, on its cron
 * line (rules_ensure_jobs keeps one such job per scheduled rule).
 */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "va/app.h"
#include "va/jobs.h"
#include "va/rules_run.h"
#include "va/store.h"
#include "va/util.h"

static enum job_status rules_job_run(struct job_run *r, char **error)
{
	struct app *app = r->ctx;
	struct rules_report rep;
	cJSON *args = r->job->args ? cJSON_Parse(r->job->args) : NULL;
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(args, "rule"));
	char note[128];
	int rc;

	app->job_id = r->job->id;
	if (!name)
		rc = rules_run_pending(app, &rep, NULL, error);
	else {
		struct ruleset rs;
		int64_t *ids = NULL;
		size_t n = 0;

		memset(&rs, 0, sizeof rs);
		rules_load(app, &rs);
		rc = store_rule_candidates(app->store, "all", 0, &ids, &n, error);
		if (rc == 0)
			rc = rules_run(app, &rs, RT_SCHEDULE, ids, n, name, 0, NULL, NULL, &rep, error);
		free(ids);
		ruleset_release(&rs);
	}
	app->job_id = 0;
	cJSON_Delete(args);
	if (rc < 0)
		return JOB_RETRY;
	snprintf(note, sizeof note, "%zu messages, %zu matches, %zu done, %zu recommended, %zu failed",
	         rep.messages, rep.hits, rep.done, rep.recommended, rep.failed);
	sched_progress(r, note);
	return JOB_OK;
}

const struct job_kind job_rules = {
    .name = "rules", .summary = "run the rules (new mail, verdicts, age and schedule triggers)",
    .max_attempts = 5, .backoff_base = 30, .backoff_cap = 1800, .lease = 600,
    .run = rules_job_run,
};
