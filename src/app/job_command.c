/*
 * job_command: run a program the user named (opt-in: [scheduler]
 * allow_commands = on).  args is a JSON array of argv; there is no shell.
 * The child gets a minimal environment (PATH HOME USER LOGNAME LANG LC_ALL
 * TZ TMPDIR, plus VA_JOB_ID, VA_JOB_ATTEMPT and VA_IDEMPOTENCY_KEY) so no
 * secret of ours reaches it; stdin is /dev/null; the tail of its output
 * becomes the run's error.  Exit 0 is success, 75 (EX_TEMPFAIL) or death by
 * a signal is transient (retried), anything else is permanent.  Runs are
 * at-least-once: a command with side effects should use VA_IDEMPOTENCY_KEY.
 */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "va/app.h"
#include "va/conf.h"
#include "va/jobs.h"
#include "va/util.h"

#define TAIL 240

static const char *const pass_env[] = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL",
                                       "TZ", "TMPDIR"};

/* argv from a JSON array of strings; NULL when it is not one. */
static char **parse_argv(const char *args)
{
	cJSON *a = args ? cJSON_Parse(args) : NULL, *it;
	char **argv = NULL;
	size_t n = 0;

	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1) {
		cJSON_Delete(a);
		return NULL;
	}
	argv = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof *argv);
	cJSON_ArrayForEach(it, a)
	{
		if (!cJSON_IsString(it) || !*it->valuestring) {
			while (n > 0)
				free(argv[--n]);
			free(argv);
			cJSON_Delete(a);
			return NULL;
		}
		argv[n++] = xstrdup(it->valuestring);
	}
	cJSON_Delete(a);
	return argv;
}

static void free_strv(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int command_check(const char *args, char **cause)
{
	char **argv = parse_argv(args);

	if (!argv)
		return set_cause(cause, "command: want a JSON array of program and arguments, such as "
		                 "[\"/usr/bin/backup\", \"--quick\"]");
	free_strv(argv);
	return 0;
}

static char **child_env(const struct job_run *r)
{
	char **env = xcalloc(VA_ARRAY_LEN(pass_env) + 4, sizeof *env);
	size_t i, n = 0;
	const char *v;

	for (i = 0; i < VA_ARRAY_LEN(pass_env); i++)
		if ((v = getenv(pass_env[i])))
			env[n++] = xasprintf("%s=%s", pass_env[i], v);
	env[n++] = xasprintf("VA_JOB_ID=%lld", (long long)r->job->id);
	env[n++] = xasprintf("VA_JOB_ATTEMPT=%d", r->job->attempts);
	env[n++] = xasprintf("VA_IDEMPOTENCY_KEY=%s", r->idempotency_key);
	return env;
}

/* In the child: only async-signal-safe calls until exec. */
static void exec_child(char **argv, char **env, int out)
{
	int null = open("/dev/null", O_RDONLY);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setpgid(0, 0);
	if (null >= 0)
		dup2(null, 0);
	dup2(out, 1);
	dup2(out, 2);
	signal(SIGPIPE, SIG_DFL); /* va ignores it; the command must not inherit that */
	execvpe(argv[0], argv, env);
	dprintf(2, "cannot run \"%s\": %s", argv[0], strerror(errno));
	_exit(127);
}

/* Keep the last TAIL bytes the child wrote. */
static void read_tail(int fd, char *tail, size_t *len)
{
	char buf[512];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) > 0) {
		size_t k = (size_t)n > TAIL ? TAIL : (size_t)n, keep = *len + k > TAIL ? TAIL - k : *len;
		memmove(tail, tail + *len - keep, keep);
		memcpy(tail + keep, buf + n - k, k);
		*len = keep + k;
	}
}

/* Wait for the child, reading its output; stop it when the scheduler stops. */
static int wait_child(struct job_run *r, pid_t pid, int fd, char *tail, size_t *len, int *stopped)
{
	struct pollfd p = {fd, POLLIN, 0};
	int status, waited = 0;
	pid_t w;

	for (;;) {
		poll(&p, 1, 100);
		read_tail(fd, tail, len);
		if ((w = waitpid(pid, &status, WNOHANG)) == pid)
			return status;
		if (w < 0 && errno != EINTR)
			return -1;
		if (sched_stopping(r->sched) && !*stopped) {
			kill(-pid, SIGTERM);
			*stopped = 1;
		} else if (*stopped && ++waited > 50) {
			kill(-pid, SIGKILL);
		}
	}
}

static enum job_status judge(int status, int stopped, const char *argv0, char *tail, size_t len,
                             char **error)
{
	tail[len] = 0;
	while (len > 0 && (tail[len - 1] == '\n' || tail[len - 1] == ' '))
		tail[--len] = 0;
	if (stopped) {
		*error = xstrdup("interrupted by shutdown");
		return JOB_INTERRUPTED;
	}
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return JOB_OK;
	if (status >= 0 && WIFEXITED(status))
		*error = xasprintf("\"%s\" exited with status %d%s%s", argv0, WEXITSTATUS(status),
		                   len ? ": " : "", tail);
	else
		*error = xasprintf("\"%s\" was killed by signal %d", argv0,
		                   status >= 0 ? WTERMSIG(status) : 0);
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) != 75 ? JOB_FAIL : JOB_RETRY;
}

static enum job_status command_run(struct job_run *r, char **error)
{
	struct app *app = r->ctx;
	char **argv, **env, tail[TAIL + 1];
	size_t len = 0;
	int fds[2], status, stopped = 0;
	enum job_status st;
	pid_t pid;

	if (conf_get_bool(app->conf, "scheduler", "allow_commands") != 1) {
		*error = xstrdup("command jobs are off: set `allow_commands = on` in [scheduler]");
		return JOB_FAIL;
	}
	if (!(argv = parse_argv(r->job->args))) {
		*error = xstrdup("bad arguments: want a JSON array");
		return JOB_FAIL;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		*error = xasprintf("cannot make a pipe: %s", strerror(errno));
		free_strv(argv);
		return JOB_RETRY;
	}
	env = child_env(r);
	if ((pid = fork()) == 0)
		exec_child(argv, env, fds[1]);
	close(fds[1]);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	status = pid < 0 ? -1 : wait_child(r, pid, fds[0], tail, &len, &stopped);
	close(fds[0]);
	st = judge(status, stopped, argv[0], tail, len, error);
	free_strv(argv);
	free_strv(env);
	return st;
}

const struct job_kind job_command = {
    .name = "command", .summary = "run a program (opt-in: [scheduler] allow_commands = on)",
    .max_attempts = 3, .backoff_base = 30, .backoff_cap = 3600, .lease = 120,
    .check = command_check, .run = command_run,
};
