/*
 * job_sleep: wait MS milliseconds, then (when args name a FILE after the
 * number) append the job id and a newline to FILE: a slow job with a
 * countable side effect, for crash tests and the bench.  It checkpoints
 * (JOB_INTERRUPTED) when the scheduler stops mid-sleep.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "va/jobs.h"
#include "va/util.h"

static int parse_args(const char *args, long *ms, const char **file)
{
	char *end;

	if (!args)
		return -1;
	errno = 0;
	*ms = strtol(args, &end, 10);
	if (errno || end == args || *ms < 0 || *ms > 86400000L || (*end && *end != ' '))
		return -1;
	*file = *end ? end + 1 : NULL;
	return 0;
}

static int sleep_check(const char *args, char **cause)
{
	long ms;
	const char *file;

	if (parse_args(args, &ms, &file) < 0)
		return set_cause(cause, "sleep: want \"MS [FILE]\", got \"%s\"", args ? args : "");
	return 0;
}

static int append_id(const char *file, int64_t id, char **error)
{
	char line[32];
	int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	int n = snprintf(line, sizeof line, "%lld\n", (long long)id);

	if (fd < 0 || write(fd, line, (size_t)n) != n) {
		*error = xasprintf("cannot append to \"%s\": %s", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static enum job_status sleep_run(struct job_run *r, char **error)
{
	struct timespec ts = {0, 0};
	const char *file;
	long ms, left;

	if (parse_args(r->job->args, &ms, &file) < 0) {
		*error = xstrdup("bad arguments");
		return JOB_FAIL;
	}
	for (left = ms; left > 0; left -= 50) {
		if (sched_stopping(r->sched)) {
			*error = xstrdup("interrupted by shutdown");
			return JOB_INTERRUPTED;
		}
		ts.tv_nsec = (left < 50 ? left : 50) * 1000000L;
		nanosleep(&ts, NULL);
	}
	if (file && append_id(file, r->job->id, error) < 0)
		return JOB_RETRY;
	return JOB_OK;
}

const struct job_kind job_sleep = {
    .name = "sleep", .summary = "wait MS milliseconds, then append the job id to FILE if given",
    .backoff_base = 1, .backoff_cap = 10, .check = sleep_check, .run = sleep_run,
};
