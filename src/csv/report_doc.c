/*
 * csv/report_doc.c: the report documents: a self-contained HTML page (inline
 * CSS and SVG charts, opens from a file) and Markdown (text charts in code
 * blocks).  The shape of both comes from one table of column fields.
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "va/chart.h"
#include "va/util.h"

enum doc { DOC_HTML, DOC_MD };

static int is_num(const struct col_stats *c)
{
	return (c->type == COL_INT || c->type == COL_FLOAT) && c->nnum > 0;
}

static void esc(struct strbuf *sb, enum doc d, const char *s)
{
	for (; *s; s++) {
		if (d == DOC_HTML && (*s == '<' || *s == '>' || *s == '&' || *s == '"'))
			sb_adds(sb, *s == '<'   ? "&lt;"
			            : *s == '>' ? "&gt;"
			            : *s == '&' ? "&amp;"
			                        : "&quot;");
		else if (d == DOC_MD &&
		         (*s == '|' || *s == '\\' || *s == '`' || *s == '*' || *s == '_'))
			sb_addc(sb, '\\'), sb_addc(sb, *s);
		else if (*s == '\n' || *s == '\r')
			sb_addc(sb, ' ');
		else
			sb_addc(sb, *s);
	}
}

/* One row of the column table: a label and how to print the value. */
struct field {
	const char *label;
	void (*put)(struct strbuf *sb, const struct col_stats *c);
};

#define U(x) ((unsigned long long)(x))
static void f_type(struct strbuf *sb, const struct col_stats *c)
{
	sb_adds(sb, col_type_name(c->type));
}
static void f_count(struct strbuf *sb, const struct col_stats *c)
{
	sb_addf(sb, "%llu", U(c->n));
}
static void f_nulls(struct strbuf *sb, const struct col_stats *c)
{
	sb_addf(sb, "%llu", U(c->nulls));
}
static void f_misfit(struct strbuf *sb, const struct col_stats *c)
{
	sb_addf(sb, "%llu", U(c->misfit));
}
static void f_distinct(struct strbuf *sb, const struct col_stats *c)
{
	sb_addf(sb, "%s%llu", c->distinct_exact ? "" : "~", U(c->distinct));
}
static void f_num(struct strbuf *sb, double v, int ok)
{
	if (ok)
		sb_addf(sb, "%.6g", v);
}
static void f_min(struct strbuf *sb, const struct col_stats *c)
{
	f_num(sb, c->min, is_num(c));
}
static void f_max(struct strbuf *sb, const struct col_stats *c)
{
	f_num(sb, c->max, is_num(c));
}
static void f_mean(struct strbuf *sb, const struct col_stats *c)
{
	f_num(sb, c->mean, is_num(c));
}
static void f_sd(struct strbuf *sb, const struct col_stats *c)
{
	f_num(sb, c->stddev, is_num(c));
}
static void f_q1(struct strbuf *sb, const struct col_stats *c)
{
	f_num(sb, c->q1, is_num(c));
}
static void f_med(struct strbuf *sb, const struct col_stats *c)
{
	f_num(sb, c->median, is_num(c));
	if (is_num(c) && !c->quant_exact)
		sb_adds(sb, " (approx.)");
}
static void f_q3(struct strbuf *sb, const struct col_stats *c)
{
	f_num(sb, c->q3, is_num(c));
}
static void f_dates(struct strbuf *sb, const struct col_stats *c)
{
	if (c->date_min[0])
		sb_addf(sb, "%s .. %s", c->date_min, c->date_max);
}
static void f_len(struct strbuf *sb, const struct col_stats *c)
{
	sb_addf(sb, "%llu / %.1f / %llu", U(c->len_min), c->len_mean, U(c->len_max));
}

static const struct field fields[] = {
    {"type", f_type},
    {"count", f_count},
    {"nulls", f_nulls},
    {"not fitting type", f_misfit},
    {"distinct", f_distinct},
    {"min", f_min},
    {"q1", f_q1},
    {"median", f_med},
    {"q3", f_q3},
    {"max", f_max},
    {"mean", f_mean},
    {"stddev", f_sd},
    {"date range", f_dates},
    {"length min/mean/max", f_len},
};

static void col_table(struct strbuf *sb, enum doc d, const struct col_stats *c)
{
	struct strbuf v = STRBUF_INIT;
	size_t k;

	sb_init(&v);
	sb_adds(sb, d == DOC_HTML ? "<table>\n" : "| statistic | value |\n|---|---|\n");
	for (k = 0; k < VA_ARRAY_LEN(fields); k++) {
		sb_reset(&v);
		fields[k].put(&v, c);
		if (!v.len)
			continue;
		sb_adds(sb, d == DOC_HTML ? "<tr><th>" : "| ");
		sb_adds(sb, fields[k].label);
		sb_adds(sb, d == DOC_HTML ? "</th><td>" : " | ");
		esc(sb, d, v.buf);
		sb_adds(sb, d == DOC_HTML ? "</td></tr>\n" : " |\n");
	}
	sb_adds(sb, d == DOC_HTML ? "</table>\n" : "\n");
	sb_release(&v);
}

static void top_values(struct strbuf *sb, enum doc d, const struct col_stats *c)
{
	int k;

	if (!c->ntop || is_num(c))
		return;
	sb_adds(sb, d == DOC_HTML ? "<p>Most frequent" : "Most frequent");
	sb_adds(sb, c->top_exact ? ": " : " (counts are lower bounds): ");
	for (k = 0; k < c->ntop; k++) {
		sb_adds(sb, k ? ", " : "");
		esc(sb, d, c->top[k].value);
		sb_addf(sb, " (%llu)", U(c->top[k].count));
	}
	sb_adds(sb, d == DOC_HTML ? "</p>\n" : "\n\n");
}

static void chart(struct strbuf *sb, enum doc d, const struct stats *s, size_t col,
                  enum chart_kind kind)
{
	char *cause = NULL;
	char *out = chart_render(s, col, kind, d == DOC_HTML ? CHART_SVG : CHART_DUMB,
	                         d == DOC_HTML ? 640 : 78, d == DOC_HTML ? 320 : 22, &cause);

	if (out)
		sb_addf(sb,
		        d == DOC_HTML ? "<div class=\"chart\">%s</div>\n" : "```text\n%s```\n\n",
		        out);
	else {
		sb_adds(sb, d == DOC_HTML ? "<p class=\"note\">chart not drawn: "
		                          : "*chart not drawn: ");
		esc(sb, d, cause ? cause : "unknown error");
		sb_adds(sb, d == DOC_HTML ? "</p>\n" : "*\n\n");
	}
	free(out);
	free(cause);
}

static const char css[] =
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.2em .6em;"
    "text-align:left}th{background:#f4f4f4}.note{color:#8a5a00}.chart svg{max-width:100%;"
    "height:auto}h2{border-bottom:1px solid #ddd}";

static void head(struct strbuf *sb, enum doc d, const struct report_input *in)
{
	if (d == DOC_HTML) {
		sb_adds(sb,
		        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		        "<title>va analysis: ");
		esc(sb, d, in->name);
		sb_addf(sb, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
		esc(sb, d, in->name);
		sb_adds(sb, "</h1>\n<p>");
	} else {
		sb_adds(sb, "# ");
		esc(sb, d, in->name);
		sb_adds(sb, "\n\n");
	}
	sb_addf(sb, "%llu rows, %zu columns, %llu bytes, analysed in %.2f s (%d pass%s).",
	        U(stats_rows(in->stats)), stats_ncols(in->stats), U(in->bytes), in->seconds,
	        in->passes, in->passes == 1 ? "" : "es");
	sb_adds(sb, d == DOC_HTML ? "</p>\n" : "\n\n");
}

static void heading(struct strbuf *sb, enum doc d, const char *text)
{
	sb_adds(sb, d == DOC_HTML ? "<h2>" : "## ");
	esc(sb, d, text);
	sb_adds(sb, d == DOC_HTML ? "</h2>\n" : "\n\n");
}

static void para(struct strbuf *sb, enum doc d, const char *text)
{
	sb_adds(sb, d == DOC_HTML ? "<p>" : "");
	esc(sb, d, text);
	sb_adds(sb, d == DOC_HTML ? "</p>\n" : "\n\n");
}

static void problems(struct strbuf *sb, enum doc d, const struct report_input *in)
{
	char line[160];
	size_t i;
	int k, any = 0;

	for (k = 0; k < CSV_W_NKINDS; k++)
		any |= in->warn_counts[k] != 0;
	if (!any && !stats_nnotes(in->stats))
		return;
	heading(sb, d, "Input problems and approximations");
	for (k = 0; k < CSV_W_NKINDS; k++)
		if (in->warn_counts[k]) {
			snprintf(line, sizeof line, "%llu %s", U(in->warn_counts[k]),
			         csv_warning_name((enum csv_warn_kind)k));
			para(sb, d, line);
		}
	for (i = 0; i < in->nwarnings; i++)
		para(sb, d, in->warnings[i].text);
	for (i = 0; i < stats_nnotes(in->stats); i++)
		para(sb, d, stats_note(in->stats, i));
}

static void groups(struct strbuf *sb, enum doc d, const struct report_input *in)
{
	const struct stats *s = in->stats;
	const struct group_stats *g;
	char title[160];
	size_t i, j;

	snprintf(title, sizeof title, "Groups by \"%s\" (rows, mean of each number)",
	         stats_col(s, (size_t)in->group_col)->name);
	heading(sb, d, title);
	sb_adds(sb, d == DOC_HTML ? "<table>\n" : "");
	for (i = 0; i < stats_ngroups(s) && i < 100; i++) {
		g = stats_group(s, i);
		sb_adds(sb, d == DOC_HTML ? "<tr><th>" : "- **");
		esc(sb, d, g->key);
		sb_addf(sb, d == DOC_HTML ? "</th><td>%llu</td><td>" : "**: %llu rows;",
		        U(g->rows));
		for (j = 0; j < stats_ncols(s); j++) {
			if (!g->cols[j].n || (int)j == in->group_col || !is_num(stats_col(s, j)))
				continue;
			sb_adds(sb, " ");
			esc(sb, d, stats_col(s, j)->name);
			sb_addf(sb, " %.6g", g->cols[j].mean);
		}
		sb_adds(sb, d == DOC_HTML ? "</td></tr>\n" : "\n");
	}
	sb_adds(sb, d == DOC_HTML ? "</table>\n" : "\n");
}

/* 1 when the time series follows numeric column i (it has a mean chart). */
static int in_series(const struct stats *s, size_t i)
{
	const struct time_series *ts = stats_series(s);
	size_t k;

	for (k = 0; ts && k < ts->nseries; k++)
		if (ts->series_col[k] == i)
			return 1;
	return 0;
}

#define SERIES_ROWS 120 /* periods listed in the table */

static void series_row(struct strbuf *sb, enum doc d, const struct time_series *ts, size_t i)
{
	char day[16];
	time_t t = (time_t)ts->start[i];
	struct tm tm;
	double v;
	size_t k;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	sb_addf(sb, d == DOC_HTML ? "<tr><td>%s</td><td>%llu</td>" : "| %s | %llu |", day,
	        U(ts->rows[i]));
	for (k = 0; k < ts->nseries; k++) {
		v = ts->mean[i * ts->nseries + k];
		sb_adds(sb, d == DOC_HTML ? "<td>" : " ");
		if (!isnan(v))
			sb_addf(sb, "%.6g", v);
		sb_adds(sb, d == DOC_HTML ? "</td>" : " |");
	}
	sb_adds(sb, d == DOC_HTML ? "</tr>\n" : "\n");
}

/* The time series: a table of the periods (the charts are with the columns). */
static void series(struct strbuf *sb, enum doc d, const struct stats *s)
{
	const struct time_series *ts = stats_series(s);
	char title[160];
	size_t i, k, from;

	snprintf(title, sizeof title, "Time series: \"%s\" by %s", stats_col(s, ts->col)->name,
	         ts_unit_name(ts->unit));
	heading(sb, d, title);
	from = ts->n > SERIES_ROWS ? ts->n - SERIES_ROWS : 0;
	if (from)
		para(sb, d, "The last periods (the JSON output lists every one):");
	sb_adds(sb, d == DOC_HTML ? "<table>\n<tr><th>period</th><th>rows</th>" : "| period | rows |");
	for (k = 0; k < ts->nseries; k++) {
		sb_adds(sb, d == DOC_HTML ? "<th>mean " : " mean ");
		esc(sb, d, stats_col(s, ts->series_col[k])->name);
		sb_adds(sb, d == DOC_HTML ? "</th>" : " |");
	}
	sb_adds(sb, d == DOC_HTML ? "</tr>\n" : "\n|---|---|");
	for (k = 0; d == DOC_MD && k < ts->nseries; k++)
		sb_adds(sb, "---|");
	sb_adds(sb, d == DOC_MD ? "\n" : "");
	for (i = from; i < ts->n; i++)
		series_row(sb, d, ts, i);
	sb_adds(sb, d == DOC_HTML ? "</table>\n" : "\n");
}

static char *document(const struct report_input *in, enum doc d)
{
	struct strbuf sb = STRBUF_INIT;
	const struct col_stats *c;
	size_t i;

	sb_init(&sb);
	head(&sb, d, in);
	if (in->summary) {
		heading(&sb, d, "Summary");
		para(&sb, d, in->summary);
	}
	for (i = 0; i < stats_ncols(in->stats); i++) {
		c = stats_col(in->stats, i);
		heading(&sb, d, c->name);
		col_table(&sb, d, c);
		top_values(&sb, d, c);
		if (c->type != COL_EMPTY)
			chart(&sb, d, in->stats, i, CHART_AUTO);
		if (in_series(in->stats, i))
			chart(&sb, d, in->stats, i, CHART_SERIES);
	}
	if (stats_series(in->stats))
		series(&sb, d, in->stats);
	if (in->group_col >= 0)
		groups(&sb, d, in);
	heading(&sb, d, "Correlations");
	chart(&sb, d, in->stats, 0, CHART_CORR);
	problems(&sb, d, in);
	if (d == DOC_HTML)
		sb_adds(&sb, "</body>\n</html>\n");
	return sb_detach(&sb);
}

char *report_html(const struct report_input *in)
{
	return document(in, DOC_HTML);
}
char *report_markdown(const struct report_input *in)
{
	return document(in, DOC_MD);
}
