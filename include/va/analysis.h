/*
 * analysis: the CSV analysis service (L4) both faces call: `va analyze` and
 * the Analysis pane.  It opens the input (a file, stdin or an http(s) URL),
 * runs the statistics in one or two streaming passes within the memory
 * budget ([analysis] memory), writes the summary (offline, or through a
 * summarizer hook such as an LLM that sees only the computed facts), renders
 * charts and reports, and records datasets/analyses rows in the store.
 *
 * For the Analysis pane (ui/): run analysis_run in a worker (it is
 * synchronous and reports progress through a callback that can cancel), then
 * read a->stats with the stats_* accessors for the column list,
 * analysis_chart for the selected column (dumb text sized to the pane), and
 * analysis_render(a, ANALYSIS_TEXT) or analysis_write_report for "save report".
 */
#ifndef VA_ANALYSIS_H
#define VA_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "va/chart.h"
#include "va/csv.h"
#include "va/stats.h"

struct app;

/* Called about every 64k rows and at the end of each pass; return non-zero
 * to cancel the analysis. */
typedef int (*analysis_progress_fn)(void *arg, int pass, uint64_t rows, uint64_t bytes,
                                    double seconds);

/* The summary hook: given the facts (report_json, statistics only), return a
 * summary (caller frees) and set *model to who wrote it (caller frees); NULL
 * with *cause on failure, and the offline writer is used instead. */
typedef char *(*analysis_summarizer_fn)(void *arg, const char *facts_json, char **model,
                                        char **cause);

struct analysis_opts {
	const char *input;    /* path, "-" (stdin) or an http(s) URL; with data: the name shown */
	const char *data;     /* non-NULL: analyse these bytes (an attachment) instead */
	size_t data_len;
	const char *group_by; /* column name or 1-based number, or NULL */
	char delim;           /* 0: sniff */
	int header;           /* -1: detect */
	size_t memory;        /* 0: [analysis] memory (256M) */
	analysis_progress_fn progress;
	void *progress_arg;
	analysis_summarizer_fn summarizer; /* NULL: the offline writer */
	void *summarizer_arg;
	size_t sample_rows; /* keep the first rows for the summarizer (opt-in); 0: none */
};

struct analysis {
	char *source; /* as given; URLs without their query string */
	struct csv_format fmt;
	uint64_t bytes, lines;
	char **names;
	size_t ncols;
	struct stats *stats;
	struct csv_warning *warnings; /* the first of each kind, with line numbers */
	size_t nwarnings;
	uint64_t warn_counts[CSV_W_NKINDS];
	int group_col; /* -1: none */
	int passes;
	double seconds;
	char *summary;
	char *summary_by;    /* "va (offline)" or the summarizer's model */
	char *summary_error; /* why the summarizer was not used, or NULL */
	char *sample;        /* the first sample_rows rows as a JSON array of arrays, or NULL */
	int64_t id;          /* analyses row once saved, else 0 */
};

enum analysis_format { ANALYSIS_TEXT, ANALYSIS_JSON, ANALYSIS_HTML, ANALYSIS_MARKDOWN };

/* Analyse o->input.  app may be NULL (defaults).  0 and *out, or -1 with
 * *cause: cannot open or download, an empty input, an unknown --group-by
 * column, cancelled.  Malformed rows are not errors: they are in warnings. */
int analysis_run(struct app *app, const struct analysis_opts *o, struct analysis **out,
                 char **cause);
void analysis_free(struct analysis *a);

void analysis_report_input(const struct analysis *a, struct report_input *in);
char *analysis_render(const struct analysis *a, enum analysis_format f); /* caller frees */
/* The format from the file name: .html/.htm or .md/.markdown; -1 otherwise. */
int analysis_format_of(const char *path);
/* Write the report (mode 0600, atomically).  0 or -1 with *cause. */
int analysis_write_report(const struct analysis *a, const char *path, char **cause);
/* The chart of one column as dumb-terminal text, width x height. */
char *analysis_chart(const struct analysis *a, size_t col, int width, int height, char **cause);
/* Record the dataset and the analysis in app's store; sets a->id. */
int analysis_save(struct app *app, struct analysis *a, const char *report_path, char **cause);

/* The CSV attachment of message `id`: part `part`, or when part is 0 the
 * first text/csv part or part named *.csv.  Its decoded bytes in *data
 * (caller frees; analyse them with analysis_opts.data) and a name to show in
 * *name ("message 12 part 2 (sales.csv)", caller frees).  0, or -1 with
 * *cause: no such message, no CSV attachment, no such part. */
int analysis_attachment(struct app *app, int64_t id, int part, char **data, size_t *len,
                        char **name, char **cause);

/*
 * The LLM summary (app/analysis_llm.c).  When [llm] base_url and model are
 * set, analysis_llm_attach points o->summarizer at a client of the
 * OpenAI-compatible chat completions API and returns its context (free it
 * after analysis_run); otherwise NULL and o is unchanged.  The model sees a
 * compact JSON of the computed statistics only (plus the first rows when
 * send_rows is set: `va analyze --llm-rows`) and may cite only numbers in it.
 * Every number in the answer must equal, or round to, a number of that
 * document; an answer that cites anything else is rejected, as are HTTP
 * errors, timeouts ([llm] timeout) and garbage: the offline summary is used
 * and a->summary_error says why.
 */
struct analysis_llm;
struct analysis_llm *analysis_llm_attach(struct app *app, struct analysis_opts *o, int send_rows);
void analysis_llm_free(struct analysis_llm *l);
/* 0 when every number in text is one of facts_json's numbers, or rounds to
 * one (as written: "3.1" matches 3.14159, "1,461" 1461, "97%" 0.97, "4.3k"
 * 4312); else -1 with *cause naming the first number that is not.  Digits
 * inside words ("Q1", "temp2") are not numbers.  Exposed for tests. */
int analysis_llm_check(const char *text, const char *facts_json, char **cause);
/* The compact facts the model sees (caller frees).  Exposed for tests. */
char *analysis_llm_facts(const char *report_json);

#endif
