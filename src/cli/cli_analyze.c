/*
 * cli_analyze: `va analyze FILE|URL|-`: statistics of a CSV file in bounded
 * memory, printed as text or --json, a report file with --report, and a
 * record in the store (`va analyze --list` shows past analyses).
 * `--message ID [--part N]` analyses a CSV attachment from memory;
 * `--background` adds an "analysis" job instead and prints its id; the LLM
 * summary is used when [llm] is configured (`--llm-rows` also shows it the
 * first rows).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_json.h"
#include "va/analysis.h"
#include "va/app.h"
#include "va/cli.h"
#include "va/jobs.h"
#include "va/util.h"

struct analyze_args {
	struct analysis_opts o;
	const char *report;
	const char *chart;
	int list, save;
	int limit;
	int background, llm_rows;
	long long message;
	int part;
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int show_progress(void *arg, int pass, uint64_t rows, uint64_t bytes, double secs)
{
	(void)arg;
	fprintf(stderr, "\r\033[Kpass %d: %llu rows, %.1f MB, %.0f MB/s", pass,
	        (unsigned long long)rows, (double)bytes / 1e6,
	        secs > 0 ? (double)bytes / 1e6 / secs : 0);
	return interrupted;
}

static int quiet_progress(void *arg, int pass, uint64_t rows, uint64_t bytes, double secs)
{
	(void)arg, (void)pass, (void)rows, (void)bytes, (void)secs;
	return interrupted;
}

static int parse_delim(const char *s, char *out)
{
	static const struct {
		const char *name;
		char c;
	} names[] = {{",", ','},    {"comma", ','}, {";", ';'}, {"semicolon", ';'},
	             {"tab", '\t'}, {"\t", '\t'},   {"|", '|'}, {"pipe", '|'}};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(names); i++)
		if (!strcmp(s, names[i].name))
			return *out = names[i].c, 0;
	return -1;
}

static int parse_args(struct analyze_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"report", required_argument, NULL, 'r'},    {"group-by", required_argument, NULL, 'g'},
	    {"delimiter", required_argument, NULL, 'd'}, {"no-header", no_argument, NULL, 'H'},
	    {"memory", required_argument, NULL, 'm'},    {"chart", required_argument, NULL, 'c'},
	    {"no-save", no_argument, NULL, 'n'},         {"list", no_argument, NULL, 'l'},
	    {"limit", required_argument, NULL, 'L'},     {"background", no_argument, NULL, 'b'},
	    {"message", required_argument, NULL, 'M'},   {"part", required_argument, NULL, 'p'},
	    {"llm-rows", no_argument, NULL, 'R'},        {NULL, 0, NULL, 0}};
	int64_t m;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "r:g:d:Hm:c:nlL:", opts, NULL)) != -1) {
		switch (c) {
		case 'b': a->background = 1; break;
		case 'R': a->llm_rows = 1; break;
		case 'M':
			if ((a->message = atoll(optarg)) <= 0)
				return cli_error("analyze: bad message id \"%s\"", optarg), -1;
			break;
		case 'p':
			if ((a->part = atoi(optarg)) <= 0)
				return cli_error("analyze: bad part number \"%s\"", optarg), -1;
			break;
		case 'r': a->report = optarg; break;
		case 'g': a->o.group_by = optarg; break;
		case 'H': a->o.header = 0; break;
		case 'c': a->chart = optarg; break;
		case 'n': a->save = 0; break;
		case 'l': a->list = 1; break;
		case 'L': a->limit = atoi(optarg); break;
		case 'd':
			if (parse_delim(optarg, &a->o.delim) < 0)
				return cli_error(
				           "analyze: unknown delimiter \"%s\" (use , ; tab |)",
				           optarg),
				       -1;
			break;
		case 'm':
			if ((m = size_parse(optarg)) < (1 << 20))
				return cli_error("analyze: bad memory size \"%s\" (at least 1M)",
				                 optarg),
				       -1;
			a->o.memory = (size_t)m;
			break;
		default:
			return cli_error("analyze: unknown or incomplete option \"%s\"",
			                 argv[optind - 1]),
			       -1;
		}
	}
	if (a->message && (optind != argc || a->list || a->background))
		return cli_error("analyze: --message takes no FILE, --list or --background"), -1;
	if (a->part && !a->message)
		return cli_error("analyze: --part needs --message"), -1;
	if (!a->list && !a->message && optind != argc - 1)
		return cli_error("analyze: expected one FILE, URL or -"), -1;
	a->o.input = a->list || a->message ? NULL : argv[optind];
	if (a->background && (!a->o.input || !strcmp(a->o.input, "-")))
		return cli_error("analyze: --background needs a FILE or URL"), -1;
	if (a->report && analysis_format_of(a->report) < 0)
		return cli_error("analyze: the report \"%s\" must end in .html or .md", a->report),
		       -1;
	return 0;
}

static int list_analyses(struct cli_globals *g, struct app *app, int limit)
{
	struct store_analysis *rows;
	char *cause = NULL, when[32];
	size_t n, i;
	cJSON *arr, *o;

	if (store_analysis_list(app->store, limit > 0 ? (size_t)limit : 20, 0, &rows, &n, &cause) <
	    0)
		return cli_error("cannot list analyses: %s", cause), free(cause), EXIT_ERROR;
	arr = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		cli_iso_time(rows[i].created_at, when, sizeof when);
		if (!g->json) {
			printf("%4lld  %s  %-30s %10lld rows %4lld cols  %s\n",
			       (long long)rows[i].id, when, rows[i].path ? rows[i].path : "",
			       (long long)rows[i].rows, (long long)rows[i].columns,
			       rows[i].report_path ? rows[i].report_path : "");
			continue;
		}
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", (double)rows[i].id);
		cJSON_AddStringToObject(o, "created", when);
		cJSON_AddStringToObject(o, "source", rows[i].path ? rows[i].path : "");
		cJSON_AddNumberToObject(o, "rows", (double)rows[i].rows);
		cJSON_AddNumberToObject(o, "columns", (double)rows[i].columns);
		cJSON_AddNumberToObject(o, "bytes", (double)rows[i].size);
		if (rows[i].report_path)
			cJSON_AddStringToObject(o, "report", rows[i].report_path);
		if (rows[i].summary)
			cJSON_AddStringToObject(o, "summary", rows[i].summary);
		cJSON_AddItemToArray(arr, o);
	}
	if (g->json)
		cli_json_print(arr);
	else
		cJSON_Delete(arr);
	store_analyses_free(rows, n);
	return EXIT_OK;
}

static void print_warnings(const struct analysis *an)
{
	size_t i;
	int k;

	for (i = 0; i < an->nwarnings; i++)
		fprintf(stderr, "va: warning: %s: %s\n", an->source, an->warnings[i].text);
	for (k = 0; k < CSV_W_NKINDS; k++)
		if (an->warn_counts[k] > CSV_WARN_KEEP)
			fprintf(stderr, "va: warning: %s: %llu %s warnings in all\n", an->source,
			        (unsigned long long)an->warn_counts[k],
			        csv_warning_name((enum csv_warn_kind)k));
	if (an->summary_error)
		fprintf(stderr, "va: warning: summary written offline: %s\n", an->summary_error);
}

/* The chart named by --chart (a column name or number) on stdout. */
static int print_chart(const struct analysis *an, const char *col)
{
	char *end, *cause = NULL, *out;
	long k = strtol(col, &end, 10);
	size_t i = an->ncols;

	if (*col && !*end && k >= 1 && (size_t)k <= an->ncols)
		i = (size_t)k - 1;
	for (size_t j = 0; i == an->ncols && j < an->ncols; j++)
		if (!strcmp(an->names[j], col))
			i = j;
	if (i == an->ncols)
		return cli_error("cannot chart \"%s\": no such column", col), -1;
	if (!(out = analysis_chart(an, i, 78, 22, &cause)))
		return cli_error("cannot chart \"%s\": %s", col, cause), free(cause), -1;
	fputs(out, stdout);
	free(out);
	return 0;
}

static int output(struct cli_globals *g, struct app *app, struct analysis *an,
                  const struct analyze_args *a)
{
	char *cause = NULL, *text;
	int rc = EXIT_OK;

	if (!g->quiet)
		print_warnings(an);
	if (a->report && analysis_write_report(an, a->report, &cause) < 0) {
		cli_error("%s", cause);
		x_free(&cause);
		rc = EXIT_ERROR;
	}
	if (a->save && analysis_save(app, an, rc == EXIT_OK ? a->report : NULL, &cause) < 0) {
		cli_error("cannot record the analysis: %s", cause);
		x_free(&cause);
	}
	text = analysis_render(an, g->json ? ANALYSIS_JSON : ANALYSIS_TEXT);
	fputs(text, stdout);
	if (g->json)
		fputc('\n', stdout);
	free(text);
	if (!g->json && a->chart && print_chart(an, a->chart) < 0)
		rc = EXIT_ERROR;
	return rc;
}

/* A path as the daemon will see it (it may run from another directory). */
static char *absolute(const char *path)
{
	char *cwd;
	char *out;

	if (!path || path[0] == '/' || strstr(path, "://"))
		return path ? xstrdup(path) : NULL;
	if (!(cwd = getcwd(NULL, 0)))
		return xstrdup(path);
	out = xasprintf("%s/%s", cwd, path);
	free(cwd);
	return out;
}

/* --background: an "analysis" job; prints its id. */
static int add_job(struct cli_globals *g, struct app *app, const struct analyze_args *a)
{
	struct jobs_add_opts jo = {.kind = "analysis"};
	cJSON *args = cJSON_CreateObject();
	char *path = absolute(a->o.input), *report = absolute(a->report), *js, *cause = NULL;
	int existed;
	int64_t id;

	cJSON_AddStringToObject(args, "path", path);
	if (report)
		cJSON_AddStringToObject(args, "report", report);
	if (a->o.group_by)
		cJSON_AddStringToObject(args, "group_by", a->o.group_by);
	if (a->o.memory)
		cJSON_AddNumberToObject(args, "memory", (double)a->o.memory);
	js = cJSON_PrintUnformatted(args);
	jo.args = js;
	id = jobs_add(app, &jo, &existed, &cause);
	cJSON_free(js);
	cJSON_Delete(args);
	free(path);
	free(report);
	if (id < 0)
		return cli_error("cannot add the analysis job: %s", cause), free(cause), EXIT_ERROR;
	if (g->json)
		printf("{\"id\":%lld}\n", (long long)id);
	else
		printf("%lld\n", (long long)id);
	if (!g->quiet && !g->json)
		fprintf(stderr, "va: analysis job %lld added; the daemon runs it ('va jobs list' "
		                "shows progress, 'va analyze --list' the result)\n",
		        (long long)id);
	return EXIT_OK;
}

/* --message: the attachment's bytes become the input. */
static int load_message(struct app *app, struct analyze_args *a, char **data, char **name)
{
	char *cause = NULL;

	if (analysis_attachment(app, a->message, a->part, data, &a->o.data_len, name, &cause) < 0)
		return cli_error("cannot analyze the attachment: %s", cause), free(cause), -1;
	a->o.data = *data;
	a->o.input = *name;
	return 0;
}

static int run_analysis(struct cli_globals *g, struct app *app, struct analyze_args *a)
{
	struct analysis_llm *llm = analysis_llm_attach(app, &a->o, a->llm_rows);
	struct analysis *an;
	char *cause = NULL;
	int rc;

	a->o.progress = isatty(STDERR_FILENO) && !g->quiet ? show_progress : quiet_progress;
	signal(SIGINT, on_sigint);
	rc = analysis_run(app, &a->o, &an, &cause);
	signal(SIGINT, SIG_DFL);
	analysis_llm_free(llm);
	if (a->o.progress == show_progress)
		fprintf(stderr, "\r\033[K");
	if (rc < 0) {
		cli_error("%s", cause);
		free(cause);
		return EXIT_ERROR;
	}
	rc = output(g, app, an, a);
	analysis_free(an);
	return rc;
}

int cmd_analyze(struct cli_globals *g, int argc, char **argv)
{
	struct analyze_args a = {.o = {.header = -1}, .save = 1};
	struct app *app;
	char *data = NULL, *name = NULL;
	int rc;

	if (parse_args(&a, argc, argv) < 0)
		return cli_usage("analyze");
	if (cli_open_app(g, &app, 0) < 0)
		return EXIT_ERROR;
	if (a.list)
		rc = list_analyses(g, app, a.limit);
	else if (a.background)
		rc = add_job(g, app, &a);
	else if (a.message && load_message(app, &a, &data, &name) < 0)
		rc = EXIT_ERROR;
	else
		rc = run_analysis(g, app, &a);
	free(data);
	free(name);
	app_close(app);
	return rc;
}
