/*
 * cli_daemon: `va --daemon` (the scheduler in the foreground, no terminal:
 * what share/va.service runs) and `va daemon start|stop|status`.
 *
 * One scheduler per database: the lock file DB.lock (sched_lock) decides; a
 * second daemon refuses with the first one's pid.  The pid file is
 * DATA_DIR/daemon.pid.  Signals are blocked in every thread and taken by
 * sigwait in the main thread: SIGTERM/SIGINT stop (running jobs finish or
 * checkpoint), SIGHUP reloads va.conf (workers reopen their apps) and
 * reopens the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_json.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/conf.h"
#include "va/jobs.h"
#include "va/rules_run.h"
#include "va/log.h"
#include "va/paths.h"
#include "va/util.h"

static char *pid_path(const struct app *app)
{
	return xasprintf("%s/daemon.pid", app->data_dir);
}

static void write_pid(const struct app *app)
{
	char *path = pid_path(app), *pid = xasprintf("%ld\n", (long)getpid()), *cause = NULL;

	if (file_write_atomic(path, pid, strlen(pid), 0600, &cause) < 0) {
		log_warn("daemon: %s", cause);
		free(cause);
	}
	free(pid);
	free(path);
}

static void reopen_log(const struct app *app)
{
	const char *where = conf_get(app->conf, "general", "log");
	char *dir = paths_state_dir(), *path = xasprintf("%s/va.log", dir);

	log_open(path, where && !strcmp(where, "syslog"),
	         log_level_parse(conf_get(app->conf, "general", "log_level")));
	free(path);
	free(dir);
}

/* SIGHUP: check the new config (problems go to the log), then reload. */
static void reload(struct app *app, struct jobs_scheduler *js)
{
	struct conf *c = conf_new();
	char *cause = NULL;
	size_t i;

	if (conf_load(c, app->config_path, 0, &cause) < 0)
		log_error("daemon: reload: %s", cause);
	for (i = 0; i < conf_nerrors(c); i++)
		log_warn("daemon: reload: %s", conf_error(c, i));
	conf_free(c);
	free(cause);
	reopen_log(app);
	sched_reload(jobs_scheduler_sched(js));
	log_info("daemon: configuration reloaded");
}

/* Wait for signals until told to stop. */
/* Between signals, once a minute: hand the pages the worker threads' malloc
 * arenas hold free back to the system, so a daemon that ran a burst of
 * work shrinks again instead of keeping its peak for ever. */
#define TRIM_EVERY_S 60

static void serve(struct app *app, struct jobs_scheduler *js, const sigset_t *set)
{
	struct timespec every = {TRIM_EVERY_S, 0};
	int sig;

	for (;;) {
		if ((sig = sigtimedwait(set, NULL, &every)) < 0) {
			if (errno == EAGAIN)
				malloc_trim(0);
			continue;
		}
		if (sig == SIGHUP) {
			reload(app, js);
			continue;
		}
		log_info("daemon: signal %d: stopping", sig);
		return;
	}
}

static int daemon_main(struct cli_globals *g)
{
	struct jobs_scheduler *js;
	struct app *app;
	char *cause = NULL, *pid;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* before any thread starts */
	signal(SIGPIPE, SIG_IGN);
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	if (!(js = jobs_scheduler_start(app, NULL, &cause))) {
		cli_error("cannot start the daemon: %s", cause);
		free(cause);
		app_close(app);
		return EXIT_ERROR;
	}
	write_pid(app);
	if (jobs_ensure_sync(app, &cause) < 0) {
		log_warn("daemon: cannot schedule mail sync: %s", cause);
		x_free(&cause);
	}
	if (rules_ensure_jobs(app, &cause) < 0) {
		log_warn("daemon: cannot schedule the rules: %s", cause);
		x_free(&cause);
	}
	log_info("daemon: running (pid %ld) on %s", (long)getpid(), store_path(app->store));
	serve(app, js, &set);
	jobs_scheduler_stop(js);
	pid = pid_path(app);
	unlink(pid);
	free(pid);
	log_info("daemon: stopped");
	app_close(app);
	return EXIT_OK;
}

int cli_daemon_run(struct cli_globals *g)
{
	return daemon_main(g);
}

/* The database path and the pid holding its scheduler lock (0: none). */
static long holder(struct cli_globals *g, char **db)
{
	struct app *app;
	long pid;

	if (cli_open_app(g, &app, 0) < 0)
		return -2;
	*db = xstrdup(store_path(app->store));
	pid = sched_lock_holder(*db);
	app_close(app);
	return pid;
}

static int wait_for(struct cli_globals *g, int want_running, int seconds)
{
	struct timespec ts = {0, 100000000};
	char *db = NULL;
	long pid = 0;
	int i;

	for (i = 0; i < seconds * 10; i++) {
		free(db);
		db = NULL;
		pid = holder(g, &db);
		if ((pid != 0) == want_running)
			break;
		nanosleep(&ts, NULL);
	}
	free(db);
	return (pid != 0) == want_running ? (int)(pid > 0 ? pid : 1) : 0;
}

/* In the detached child: a fresh process image (`va daemon run`), so no
 * SQLite state crosses the fork. */
static void exec_daemon(struct cli_globals *g)
{
	char *argv[8];
	int n = 0, null = open("/dev/null", O_RDWR);

	if (null < 0 || chdir("/") < 0)
		_exit(1);
	dup2(null, 0), dup2(null, 1), dup2(null, 2);
	argv[n++] = "va";
	if (g->config_path)
		argv[n++] = "--config", argv[n++] = (char *)g->config_path;
	if (g->data_dir)
		argv[n++] = "--data-dir", argv[n++] = (char *)g->data_dir;
	argv[n++] = "daemon";
	argv[n++] = "run";
	argv[n] = NULL;
	execv("/proc/self/exe", argv);
	_exit(127);
}

static int daemon_start(struct cli_globals *g)
{
	char *db = NULL, *cfg = g->config_path ? realpath(g->config_path, NULL) : NULL;
	char *data = g->data_dir ? realpath(g->data_dir, NULL) : NULL;
	long pid = holder(g, &db);
	pid_t child;

	if (pid == -2)
		return EXIT_ERROR;
	if (pid != 0) {
		cli_error("cannot start the daemon: another scheduler (pid %ld) already runs on \"%s\"",
		          pid, db ? db : "?");
		free(db);
		return EXIT_ERROR;
	}
	free(db);
	fflush(NULL);
	if ((child = fork()) < 0)
		return cli_error("cannot start the daemon: %s", strerror(errno)), EXIT_ERROR;
	if (child == 0) {
		setsid();
		if (fork() != 0)
			_exit(0);
		g->config_path = cfg ? cfg : g->config_path;
		g->data_dir = data ? data : g->data_dir;
		exec_daemon(g);
	}
	free(cfg);
	free(data);
	waitpid(child, NULL, 0);
	if (!(pid = wait_for(g, 1, 10)))
		return cli_error("cannot start the daemon: it exited at once (see the log)"), EXIT_ERROR;
	if (!g->quiet)
		printf("daemon started (pid %ld)\n", pid);
	return EXIT_OK;
}

static int daemon_stop(struct cli_globals *g)
{
	char *db = NULL;
	long pid = holder(g, &db);

	free(db);
	if (pid == -2)
		return EXIT_ERROR;
	if (pid == 0) {
		if (!g->quiet)
			printf("daemon not running\n");
		return EXIT_OK;
	}
	if (pid < 0 || kill((pid_t)pid, SIGTERM) < 0)
		return cli_error("cannot stop the daemon (pid %ld): %s", pid,
		                 pid < 0 ? "unknown pid" : strerror(errno)), EXIT_ERROR;
	if (!wait_for(g, 0, 60))
		return cli_error("cannot stop the daemon (pid %ld): still running after 60s", pid),
		       EXIT_ERROR;
	if (!g->quiet)
		printf("daemon stopped\n");
	return EXIT_OK;
}

static int daemon_status(struct cli_globals *g)
{
	char *db = NULL;
	long pid = holder(g, &db);

	if (pid == -2)
		return EXIT_ERROR;
	if (g->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "running", pid != 0);
		cJSON_AddNumberToObject(o, "pid", pid > 0 ? (double)pid : 0);
		cJSON_AddStringToObject(o, "database", db);
		cli_json_print(o);
	} else if (pid)
		printf("daemon running (pid %ld) on %s\n", pid, db);
	else
		printf("daemon not running (database %s)\n", db);
	free(db);
	return pid ? EXIT_OK : EXIT_ERROR;
}

int cmd_daemon(struct cli_globals *g, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct cli_globals *g);
	} subs[] = {{"start", daemon_start}, {"stop", daemon_stop}, {"status", daemon_status},
	            {"run", daemon_main}};
	size_t i;

	for (i = 0; argc == 2 && i < VA_ARRAY_LEN(subs); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(g);
	if (argc >= 2)
		cli_error("daemon: unknown subcommand \"%s\"", argv[1]);
	return cli_usage("daemon");
}
