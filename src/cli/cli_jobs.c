/*
 * cli_jobs: `va jobs list|kinds|add|cancel|retry|pause|resume|run`, `va followup` and `va
 * snooze`.  The scheduler (the daemon, or the TUI's own) runs what is added
 * here; this file only edits the queue through app/jobs.c.
 */
#include <cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_json.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/cron.h"
#include "va/jobs.h"
#include "va/util.h"

static void add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void add_time(cJSON *o, const char *k, int64_t ms)
{
	char buf[32];

	cli_iso_time(ms / 1000, buf, sizeof buf);
	add_str(o, k, *buf ? buf : NULL);
}

static cJSON *job_json(const struct store_job *j)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)j->id);
	add_str(o, "kind", j->kind);
	add_str(o, "state", j->state);
	add_str(o, "schedule", j->schedule);
	add_str(o, "spec", j->spec);
	add_str(o, "timezone", j->timezone);
	cJSON_AddNumberToObject(o, "priority", j->priority);
	add_str(o, "args", j->args);
	add_str(o, "key", j->key);
	add_time(o, "next_run", j->next_run);
	cJSON_AddNumberToObject(o, "attempts", j->attempts);
	cJSON_AddNumberToObject(o, "max_attempts", j->max_attempts);
	add_str(o, "misfire", j->misfire);
	add_time(o, "expires_at", j->expires_at);
	add_str(o, "last_error", j->last_error);
	add_str(o, "progress", j->progress);
	return o;
}

static void job_line(const struct store_job *j)
{
	char next[32] = "-";
	time_t t = (time_t)(j->next_run / 1000);
	struct tm tm;

	if (j->next_run > 0 && localtime_r(&t, &tm))
		strftime(next, sizeof next, "%Y-%m-%d %H:%M:%S", &tm);
	printf("%5lld  %-9s %-9s %-6s %-14s %-16s %-19s %d/%d  %s\n", (long long)j->id, j->kind,
	       j->state, j->schedule, j->spec ? j->spec : "-", j->timezone ? j->timezone : "-", next,
	       j->attempts, j->max_attempts, j->last_error ? j->last_error : "");
}

static int jobs_list_cmd(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	struct store_job *jobs;
	const char *state = argc > 2 && !strcmp(argv[2], "--state") && argc > 3 ? argv[3] : NULL;
	char *cause = NULL;
	size_t n, i;
	cJSON *a;

	if (store_job_list(app->store, state, &jobs, &n, &cause) < 0) {
		cli_error("cannot list jobs: %s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (g->json) {
		a = cJSON_CreateArray();
		for (i = 0; i < n; i++)
			cJSON_AddItemToArray(a, job_json(&jobs[i]));
		cli_json_print(a);
	} else {
		printf("%5s  %-9s %-9s %-6s %-14s %-16s %-19s %s  %s\n", "ID", "KIND", "STATE", "SCHED",
		       "SPEC", "TZ", "NEXT RUN", "TRIES", "LAST ERROR");
		for (i = 0; i < n; i++)
			job_line(&jobs[i]);
	}
	store_jobs_free(jobs, n);
	return EXIT_OK;
}

static int jobs_kinds_cmd(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	const struct job_kind *const *k;
	size_t n, i;
	cJSON *a = cJSON_CreateArray(), *o;

	(void)app, (void)argc, (void)argv;
	k = jobs_kinds(&n);
	for (i = 0; i < n; i++) {
		if (!g->json) {
			printf("%-15s %s\n", k[i]->name, k[i]->summary);
			continue;
		}
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", k[i]->name);
		cJSON_AddStringToObject(o, "summary", k[i]->summary);
		cJSON_AddBoolToObject(o, "built", !jobs_kind_unbuilt(k[i]));
		cJSON_AddItemToArray(a, o);
	}
	if (g->json)
		cli_json_print(a);
	else
		cJSON_Delete(a);
	return EXIT_OK;
}

/* The words after "--" as a JSON array (command jobs). */
static char *argv_json(int argc, char **argv)
{
	cJSON *a = cJSON_CreateArray();
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(argv[i]));
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	return s;
}

static int parse_add(int argc, char **argv, struct jobs_add_opts *o)
{
	static const struct option opts[] = {
	    {"at", required_argument, NULL, 'a'},      {"every", required_argument, NULL, 'e'},
	    {"cron", required_argument, NULL, 'c'},    {"args", required_argument, NULL, 'A'},
	    {"key", required_argument, NULL, 'k'},     {"idempotency-key", required_argument, NULL, 'i'},
	    {"misfire", required_argument, NULL, 'm'}, {"grace", required_argument, NULL, 'g'},
	    {"expires", required_argument, NULL, 'x'}, {"max-attempts", required_argument, NULL, 'n'},
	    {"tz", required_argument, NULL, 'z'},      {"priority", required_argument, NULL, 'p'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'a': o->at = optarg; break;
		case 'e': o->every = optarg; break;
		case 'c': o->cron = optarg; break;
		case 'A': o->args = optarg; break;
		case 'k': o->key = optarg; break;
		case 'i': o->idempotency_key = optarg; break;
		case 'm': o->misfire = optarg; break;
		case 'z': o->tz = optarg; break;
		case 'p': o->priority = optarg; break;
		case 'g': if ((o->grace = duration_parse(optarg)) < 0) return -1; break;
		case 'x': if ((o->expires_in = duration_parse(optarg)) <= 0) return -1; break;
		case 'n': if ((o->max_attempts = atoi(optarg)) <= 0) return -1; break;
		default: return -1;
		}
	}
	return optind;
}

static int jobs_add_cmd(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	struct jobs_add_opts o;
	char *cause = NULL, *args = NULL;
	int first, existed;
	int64_t id;

	memset(&o, 0, sizeof o);
	if (argc < 3 || (first = parse_add(argc - 2, argv + 2, &o)) < 0) {
		cli_error("jobs add: missing KIND, or a bad option or value");
		return cli_usage("jobs");
	}
	o.kind = argv[2];
	if (first < argc - 2 && !o.args) /* words after the options (after --): the argv */
		o.args = args = argv_json(argc - 2 - first, argv + 2 + first);
	id = jobs_add(app, &o, &existed, &cause);
	free(args);
	if (id < 0) {
		cli_error("cannot add job: %s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (g->json)
		printf("{\"id\":%lld,\"existed\":%s}\n", (long long)id, existed ? "true" : "false");
	else if (!g->quiet)
		printf(existed ? "job %lld already queued (same key or idempotency key)\n"
		               : "added job %lld\n", (long long)id);
	return EXIT_OK;
}

/* The state changes `va jobs VERB ID` makes, and what each says. */
static const struct {
	const char *verb, *state, *done, *refused;
	int (*run)(struct app *app, int64_t id, char **cause);
} changes[] = {
    {"cancel", "cancelled", "cancelled", "no such job, or it already ended", jobs_cancel},
    {"retry", "ready", "queued again", "no such job, or it has not ended", jobs_retry},
    {"pause", "paused", "paused", "no such job, or it is not waiting (a running job cannot pause)",
     jobs_pause},
    {"resume", "ready", "resumed", "no such job, or it is not paused", jobs_resume},
    {"run", "ready", "due now", "no such job, or it is not waiting or paused", jobs_run_now},
};

static int jobs_change_cmd(struct cli_globals *g, struct app *app, int argc, char **argv)
{
	char *cause = NULL, *end = NULL;
	long long id = argc == 3 ? strtoll(argv[2], &end, 10) : 0;
	size_t k;
	int rc;

	for (k = 0; k < VA_ARRAY_LEN(changes) && strcmp(changes[k].verb, argv[1]); k++)
		;
	if (argc != 3 || !end || *end || id <= 0 || k == VA_ARRAY_LEN(changes))
		return cli_error("jobs %s: expected one job ID", argv[1]), cli_usage("jobs");
	rc = changes[k].run(app, id, &cause);
	if (rc < 0) {
		cli_error("cannot %s job %lld: %s", argv[1], id, cause);
		free(cause);
		return EXIT_ERROR;
	}
	if (rc == 1) {
		cli_error("cannot %s job %lld: %s", argv[1], id, changes[k].refused);
		return EXIT_ERROR;
	}
	if (g->json)
		printf("{\"id\":%lld,\"state\":\"%s\"}\n", id, changes[k].state);
	else if (!g->quiet)
		printf("job %lld %s\n", id, changes[k].done);
	return EXIT_OK;
}

static const struct {
	const char *name;
	int (*run)(struct cli_globals *g, struct app *app, int argc, char **argv);
} subs[] = {
    {"list", jobs_list_cmd},     {"kinds", jobs_kinds_cmd},   {"add", jobs_add_cmd},
    {"cancel", jobs_change_cmd}, {"retry", jobs_change_cmd},  {"pause", jobs_change_cmd},
    {"resume", jobs_change_cmd}, {"run", jobs_change_cmd},
};

int cmd_jobs(struct cli_globals *g, int argc, char **argv)
{
	struct app *app;
	size_t i;
	int rc;

	for (i = 0; argc >= 2 && i < VA_ARRAY_LEN(subs); i++)
		if (!strcmp(argv[1], subs[i].name))
			break;
	if (argc < 2 || i == VA_ARRAY_LEN(subs)) {
		if (argc >= 2)
			cli_error("jobs: unknown subcommand \"%s\"", argv[1]);
		return cli_usage("jobs");
	}
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	rc = subs[i].run(g, app, argc, argv);
	app_close(app);
	return rc;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || *end || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static int reminder_done(struct cli_globals *g, const char *what, int64_t rid, int64_t msg,
                         int64_t when, char *cause)
{
	char buf[32];

	if (rid < 0) {
		cli_error("cannot %s message %lld: %s", what, (long long)msg, cause);
		free(cause);
		return EXIT_ERROR;
	}
	cli_iso_time(when, buf, sizeof buf);
	if (g->json)
		printf("{\"id\":%lld,\"message\":%lld,\"at\":\"%s\"}\n", (long long)rid,
		       (long long)msg, buf);
	else if (!g->quiet)
		printf("%s %lld: message %lld, %s\n", what, (long long)rid, (long long)msg, buf);
	return EXIT_OK;
}

int cmd_followup(struct cli_globals *g, int argc, char **argv)
{
	int64_t id, after = -1, rid;
	int business = 0, i;
	struct app *app;
	const char *nudge = NULL;
	char *cause = NULL;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--after") && i + 1 < argc)
			after = duration_parse(argv[++i]);
		else if (!strcmp(argv[i], "--business-days"))
			business = 1;
		else if (!strcmp(argv[i], "--nudge") && i + 1 < argc)
			nudge = argv[++i];
		else
			after = -2;
	}
	if (argc < 2 || parse_id(argv[1], &id) < 0 || after == -2)
		return cli_usage("followup");
	if (after <= 0)
		return cli_error("followup: --after wants a duration such as 3d"), cli_usage("followup");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	rid = jobs_followup(app, id, after, business, nudge, &cause);
	i = reminder_done(g, "follow-up", rid, id, 0, cause);
	app_close(app);
	return i;
}

int cmd_snooze(struct cli_globals *g, int argc, char **argv)
{
	int64_t id, until, rid;
	struct app *app;
	char *cause = NULL;
	int rc;

	if (argc != 4 || strcmp(argv[2], "--until") || parse_id(argv[1], &id) < 0)
		return cli_usage("snooze");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	jobs_apply_timezone(app);
	until = schedule_time_parse(argv[3], time_now(), &cause);
	rid = until < 0 ? -1 : jobs_snooze(app, id, until, &cause);
	rc = reminder_done(g, "snooze", rid, id, until, cause);
	app_close(app);
	return rc;
}
