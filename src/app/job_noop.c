/*
 * job_noop: a job that does nothing and succeeds; for tests and the bench.
 * args "fail" fails permanently, "retry" fails transiently (tests of the
 * retry policy).
 */
#include <string.h>

#include "va/jobs.h"
#include "va/util.h"

static enum job_status noop_run(struct job_run *r, char **error)
{
	const char *a = r->job->args;

	if (a && !strcmp(a, "fail")) {
		*error = xstrdup("asked to fail");
		return JOB_FAIL;
	}
	if (a && !strcmp(a, "retry")) {
		*error = xstrdup("asked to fail transiently");
		return JOB_RETRY;
	}
	return JOB_OK;
}

static int noop_check(const char *args, char **cause)
{
	if (args && *args && strcmp(args, "fail") && strcmp(args, "retry"))
		return set_cause(cause, "noop: unknown argument \"%s\" (want nothing, fail or retry)",
		                 args);
	return 0;
}

const struct job_kind job_noop = {
    .name = "noop", .summary = "do nothing (tests, benchmarks)", .backoff_base = 1,
    .backoff_cap = 10, .check = noop_check, .run = noop_run,
};
