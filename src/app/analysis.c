/*
 * app/analysis.c: the CSV analysis service (include/va/analysis.h).
 *
 * Input: a local file is read in place; stdin and URLs are spooled first to
 * an unlinked temporary file (0600, $TMPDIR) so that a second pass can reread
 * them.  Pass 1 feeds every row to the statistics; pass 2 runs only when the
 * exact quantiles did not fit in memory.  The summary comes from the hook
 * when one is given, else (or when it fails) from the offline writer.
 */
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "va/actions.h"
#include "va/analysis.h"
#include "va/app.h"
#include "va/conf.h"
#include "va/http.h"
#include "va/store.h"
#include "va/util.h"

#define DOWNLOAD_MAX   ((int64_t)2 << 30)
#define PROGRESS_EVERY 65536
#define PROGRESS_BYTES (8u << 20)

struct run {
	struct analysis *a;
	const struct analysis_opts *o;
	struct csv_reader *r;
	int pass;
	int64_t t0;
	char *error; /* why the row callback stopped */
	int cancelled;
	size_t memory;
	uint64_t last_bytes; /* input read at the last progress call */
	cJSON *sample;       /* the first o->sample_rows rows */
};

/* ---- input ---- */

static FILE *temp_file(char **cause)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/va-analyze-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	FILE *fp;

	if (fd < 0) {
		set_cause(cause, "cannot create a temporary file in \"%s\": %s",
		          dir && *dir ? dir : "/tmp", strerror(errno));
		free(path);
		return NULL;
	}
	unlink(path);
	free(path);
	if (!(fp = fdopen(fd, "w+b")))
		close(fd);
	return fp;
}

static int spool_stdin(FILE *fp, char **cause)
{
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
		if (fwrite(buf, 1, n, fp) != n)
			return set_cause(cause, "cannot spool standard input: %s", strerror(errno));
	if (ferror(stdin))
		return set_cause(cause, "cannot read standard input: %s", strerror(errno));
	return 0;
}

static FILE *open_input(const struct analysis_opts *o, char **cause)
{
	const char *input = o->input;
	struct http_opts ho = {DOWNLOAD_MAX, 0, 0, NULL};
	FILE *fp;
	struct stat stb;
	int rc;

	if (o->data) {
		if (!o->data_len) {
			set_cause(cause, "cannot analyze \"%s\": it is empty", input);
			return NULL;
		}
		if (!(fp = fmemopen((void *)o->data, o->data_len, "rb")))
			set_cause(cause, "cannot read \"%s\": %s", input, strerror(errno));
		return fp;
	}
	if (!strcmp(input, "-") || http_is_url(input)) {
		if (!(fp = temp_file(cause)))
			return NULL;
		rc = !strcmp(input, "-")
		         ? spool_stdin(fp, cause)
		         : (fflush(fp), http_get_to_fd(input, fileno(fp), &ho, NULL, cause));
		if (rc < 0 || fflush(fp) != 0 || fseek(fp, 0, SEEK_SET) != 0) {
			fclose(fp);
			return NULL;
		}
		return fp;
	}
	if (stat(input, &stb) == 0 && S_ISDIR(stb.st_mode)) {
		set_cause(cause, "cannot analyze \"%s\": it is a directory", input);
		return NULL;
	}
	if (!(fp = fopen(input, "rb")))
		set_cause(cause, "cannot open \"%s\": %s", input, strerror(errno));
	return fp;
}

/* ---- passes ---- */

static int resolve_group(struct run *u, char **cause)
{
	const char *g = u->o->group_by;
	char *end;
	long k;
	size_t i;

	u->a->group_col = -1;
	if (!g)
		return 0;
	for (i = 0; i < u->a->ncols; i++)
		if (!strcmp(u->a->names[i], g))
			return u->a->group_col = (int)i, 0;
	k = strtol(g, &end, 10);
	if (*g && !*end && k >= 1 && (size_t)k <= u->a->ncols)
		return u->a->group_col = (int)k - 1, 0;
	return set_cause(cause, "no column \"%s\" to group by in \"%s\"", g, u->a->source);
}

static size_t memory_budget(struct app *app, const struct analysis_opts *o)
{
	int64_t m = 0;

	if (o->memory)
		return o->memory;
	if (app && app->conf)
		m = conf_get_size(app->conf, "analysis", "memory");
	return m > 0 ? (size_t)m : (size_t)256 << 20;
}

/* Names and stats are set up when the reader knows the columns. */
static int start_stats(struct run *u, size_t memory)
{
	size_t i, n = csv_reader_ncols(u->r);

	u->a->ncols = n;
	u->a->names = xcalloc(n ? n : 1, sizeof *u->a->names);
	for (i = 0; i < n; i++)
		u->a->names[i] = xstrdup(csv_reader_colname(u->r, i));
	if (resolve_group(u, &u->error) < 0)
		return -1;
	u->a->stats = stats_new(n, (const char *const *)u->a->names, u->a->group_col, memory);
	return 0;
}

static int progress(struct run *u, uint64_t rows)
{
	double secs = (double)(time_now_ms() - u->t0) / 1000.0;

	if (u->o->progress &&
	    u->o->progress(u->o->progress_arg, u->pass, rows, csv_reader_bytes(u->r), secs)) {
		u->cancelled = 1;
		return 1;
	}
	return 0;
}

/* Rows the user opted to show the summarizer (--llm-rows), 200 bytes a cell at most. */
static void keep_sample(struct run *u, const struct csv_row *row)
{
	cJSON *r = cJSON_CreateArray();
	char *cell;
	size_t i;

	if (!u->sample)
		u->sample = cJSON_CreateArray();
	for (i = 0; i < row->n; i++) {
		cell = utf8_fit(row->f[i].s, 200, 0);
		cJSON_AddItemToArray(r, cJSON_CreateString(cell));
		free(cell);
	}
	cJSON_AddItemToArray(u->sample, r);
}

static int on_row(void *arg, const struct csv_row *row)
{
	struct run *u = arg;

	if (!u->a->stats && start_stats(u, u->memory) < 0)
		return 1;
	if (u->pass == 1)
		stats_add_row(u->a->stats, row);
	else
		stats_pass2_row(u->a->stats, row);
	if (u->pass == 1 && row->index < u->o->sample_rows)
		keep_sample(u, row);
	if ((row->index + 1) % PROGRESS_EVERY == 0 ||
	    csv_reader_bytes(u->r) - u->last_bytes >= PROGRESS_BYTES) {
		u->last_bytes = csv_reader_bytes(u->r);
		return progress(u, row->index + 1);
	}
	return 0;
}

static int one_pass(struct run *u, FILE *fp, char **cause)
{
	int rc;

	u->r = csv_reader_new(fp, u->a->source, u->pass == 1 ? u->o->delim : u->a->fmt.delim,
	                      u->pass == 1 ? u->o->header : u->a->fmt.header);
	rc = csv_read(u->r, on_row, u, cause);
	if (rc == 1 && u->error)
		rc = set_cause(cause, "%s", u->error);
	else if (rc == 1)
		rc = set_cause(cause, "analysis of \"%s\" cancelled", u->a->source);
	if (rc == 0 && !u->a->stats && start_stats(u, u->memory) < 0)
		rc = set_cause(cause, "%s", u->error);
	if (rc == 0)
		progress(u, csv_reader_rows(u->r));
	return rc;
}

static void keep_pass1(struct run *u)
{
	struct analysis *a = u->a;
	const struct csv_warning *w;
	size_t i;
	int k;

	a->fmt = *csv_reader_format(u->r);
	a->bytes = csv_reader_bytes(u->r);
	a->lines = csv_reader_lines(u->r);
	a->nwarnings = csv_reader_nwarnings(u->r);
	a->warnings = xcalloc(a->nwarnings ? a->nwarnings : 1, sizeof *a->warnings);
	for (i = 0; i < a->nwarnings; i++) {
		w = csv_reader_warning(u->r, i);
		a->warnings[i] = *w;
		a->warnings[i].text = xstrdup(w->text);
	}
	for (k = 0; k < CSV_W_NKINDS; k++)
		a->warn_counts[k] = csv_reader_warn_count(u->r, (enum csv_warn_kind)k);
}

static int both_passes(struct run *u, FILE *fp, char **cause)
{
	u->pass = 1;
	if (one_pass(u, fp, cause) < 0)
		return -1;
	keep_pass1(u);
	csv_reader_free(u->r);
	u->r = NULL;
	if (u->a->bytes == 0)
		return set_cause(cause, "cannot analyze \"%s\": the file is empty", u->a->source);
	u->a->passes = 1;
	if (!stats_need_pass2(u->a->stats))
		return 0;
	if (fseek(fp, 0, SEEK_SET) != 0)
		return set_cause(cause, "cannot reread \"%s\": %s", u->a->source, strerror(errno));
	u->pass = 2;
	u->a->passes = 2;
	stats_pass2_begin(u->a->stats);
	return one_pass(u, fp, cause);
}

/* ---- summary ---- */

/* The facts plus "sample_rows" when the user opted in to showing rows. */
static char *with_sample(char *facts, const char *sample)
{
	size_t n = strlen(facts);
	char *out;

	if (!sample || n < 2 || facts[n - 1] != '}')
		return facts;
	facts[n - 1] = '\0';
	out = xasprintf("%s,\"sample_rows\":%s}", facts, sample);
	free(facts);
	return out;
}

static void summarize(struct analysis *a, const struct analysis_opts *o)
{
	struct report_input in;
	char *facts, *model = NULL, *cause = NULL;

	analysis_report_input(a, &in);
	if (o->summarizer) {
		facts = with_sample(report_json(&in), a->sample);
		a->summary = o->summarizer(o->summarizer_arg, facts, &model, &cause);
		free(facts);
		if (a->summary) {
			a->summary_by = model ? model : xstrdup("summarizer");
			return;
		}
		free(model);
		a->summary_error = cause;
	}
	a->summary = summary_offline(&in);
	a->summary_by = xstrdup("va (offline)");
}

static char *shown_source(const char *input)
{
	if (http_is_url(input))
		return xstrndup(input, strcspn(input, "?#"));
	return xstrdup(!strcmp(input, "-") ? "(stdin)" : input);
}

int analysis_run(struct app *app, const struct analysis_opts *o, struct analysis **out,
                 char **cause)
{
	struct run u = {0};
	FILE *fp;
	int rc;

	*out = NULL;
	if (!(fp = open_input(o, cause)))
		return -1;
	u.a = xcalloc(1, sizeof *u.a);
	u.a->source = shown_source(o->input);
	u.a->group_col = -1;
	u.o = o;
	u.t0 = time_now_ms();
	u.memory = memory_budget(app, o);
	rc = both_passes(&u, fp, cause);
	if (u.sample) {
		char *js = cJSON_PrintUnformatted(u.sample);
		u.a->sample = xstrdup(js);
		cJSON_free(js);
		cJSON_Delete(u.sample);
	}
	csv_reader_free(u.r);
	free(u.error);
	fclose(fp);
	if (rc < 0) {
		analysis_free(u.a);
		return -1;
	}
	stats_finish(u.a->stats);
	u.a->seconds = (double)(time_now_ms() - u.t0) / 1000.0;
	summarize(u.a, o);
	*out = u.a;
	return 0;
}

void analysis_free(struct analysis *a)
{
	size_t i;

	if (!a)
		return;
	stats_free(a->stats);
	for (i = 0; i < a->ncols; i++)
		free(a->names[i]);
	free(a->names);
	for (i = 0; i < a->nwarnings; i++)
		free(a->warnings[i].text);
	free(a->warnings);
	free(a->source);
	free(a->summary);
	free(a->summary_by);
	free(a->summary_error);
	free(a->sample);
	free(a);
}

/* ---- output ---- */

void analysis_report_input(const struct analysis *a, struct report_input *in)
{
	memset(in, 0, sizeof *in);
	in->name = a->source;
	in->fmt = &a->fmt;
	in->bytes = a->bytes;
	in->lines = a->lines;
	in->stats = a->stats;
	in->warnings = a->warnings;
	in->nwarnings = a->nwarnings;
	in->warn_counts = a->warn_counts;
	in->summary = a->summary;
	in->summary_by = a->summary_by;
	in->group_col = a->group_col;
	in->seconds = a->seconds;
	in->passes = a->passes;
}

char *analysis_render(const struct analysis *a, enum analysis_format f)
{
	static char *(*const render[])(const struct report_input *) = {
	    [ANALYSIS_TEXT] = report_text,
	    [ANALYSIS_JSON] = report_json,
	    [ANALYSIS_HTML] = report_html,
	    [ANALYSIS_MARKDOWN] = report_markdown};
	struct report_input in;

	analysis_report_input(a, &in);
	return render[f](&in);
}

int analysis_format_of(const char *path)
{
	static const struct {
		const char *ext;
		int f;
	} exts[] = {{".html", ANALYSIS_HTML},
	            {".htm", ANALYSIS_HTML},
	            {".md", ANALYSIS_MARKDOWN},
	            {".markdown", ANALYSIS_MARKDOWN}};
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(exts); i++)
		if (str_ends(path, exts[i].ext))
			return exts[i].f;
	return -1;
}

int analysis_write_report(const struct analysis *a, const char *path, char **cause)
{
	int f = analysis_format_of(path);
	char *doc;
	int rc;

	if (f < 0)
		return set_cause(cause,
		                 "cannot write the report \"%s\": the name must end in .html or "
		                 ".md",
		                 path);
	doc = analysis_render(a, (enum analysis_format)f);
	rc = file_write_atomic(path, doc, strlen(doc), 0600, cause);
	free(doc);
	return rc;
}

char *analysis_chart(const struct analysis *a, size_t col, int width, int height, char **cause)
{
	return chart_render(a->stats, col, CHART_AUTO, CHART_DUMB, width, height, cause);
}

static char *params_json(const struct analysis *a)
{
	struct strbuf sb = STRBUF_INIT;

	sb_init(&sb);
	sb_addf(&sb, "{\"passes\":%d", a->passes);
	if (a->group_col >= 0)
		sb_addf(&sb, ",\"group_by\":%d", a->group_col + 1);
	sb_adds(&sb, "}");
	return sb_detach(&sb);
}

int analysis_save(struct app *app, struct analysis *a, const char *report_path, char **cause)
{
	struct store_analysis row = {0};
	const char *base = strrchr(a->source, '/');
	int64_t ds;

	ds = store_dataset_add(app->store, base && base[1] ? base + 1 : a->source, a->source, NULL,
	                       (int64_t)a->bytes, (int64_t)stats_rows(a->stats), (int64_t)a->ncols,
	                       cause);
	if (ds < 0)
		return -1;
	row.dataset_id = ds;
	row.params = params_json(a);
	row.result = analysis_render(a, ANALYSIS_JSON);
	row.summary = a->summary;
	row.summary_model = a->summary_by;
	row.report_path = (char *)report_path;
	a->id = store_analysis_add(app->store, &row, cause);
	free(row.params);
	free(row.result);
	return a->id < 0 ? -1 : 0;
}

/* ---- attachments ---- */

static int is_csv_part(const struct attachment *t)
{
	size_t n = t->filename ? strlen(t->filename) : 0;

	return (t->mime_type && !strcmp(t->mime_type, "text/csv")) ||
	       (n > 4 && !strcasecmp(t->filename + n - 4, ".csv"));
}

/* The attachment to analyse: `part`, or the first CSV one. */
static const struct attachment *pick_part(const struct message *m, int part, char **cause)
{
	size_t i;

	for (i = 0; i < m->natt; i++)
		if (part ? m->att[i].part == part : is_csv_part(&m->att[i]))
			return &m->att[i];
	if (part)
		set_cause(cause, "message %lld has no attachment part %d (see 'va show %lld')",
		          (long long)m->id, part, (long long)m->id);
	else
		set_cause(cause, "message %lld has no CSV attachment (text/csv or *.csv)",
		          (long long)m->id);
	return NULL;
}

int analysis_attachment(struct app *app, int64_t id, int part, char **data, size_t *len,
                        char **name, char **cause)
{
	const struct attachment *t;
	struct message m;
	int rc;

	*data = *name = NULL;
	message_init(&m);
	rc = store_message_get(app->store, id, &m, cause);
	if (rc == 1)
		rc = set_cause(cause, "no message %lld", (long long)id);
	if (rc == 0 && !(t = pick_part(&m, part, cause)))
		rc = -1;
	if (rc == 0 && (rc = attachment_bytes(app, id, t->part, data, len, cause)) == 0)
		*name = xasprintf("message %lld part %d (%s)", (long long)id, t->part,
		                  t->filename ? t->filename : t->mime_type ? t->mime_type : "?");
	message_release(&m);
	return rc;
}
