/*
 * csv/report.c: the forms of an analysis result: JSON (the facts, also kept
 * in the store), plain text for the terminal, a self-contained HTML page with
 * inline SVG charts, and Markdown with text charts.
 */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "va/chart.h"
#include "va/util.h"

static const char *delim_name(char d)
{
	return d == '\t' ? "tab" : d == ';' ? ";" : d == '|' ? "|" : ",";
}

static int is_num(const struct col_stats *c)
{
	return (c->type == COL_INT || c->type == COL_FLOAT) && c->nnum > 0;
}

/* ---- JSON ---- */

static cJSON *col_json(const struct col_stats *c)
{
	cJSON *o = cJSON_CreateObject(), *top, *h;
	int k;

	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddStringToObject(o, "type", col_type_name(c->type));
	cJSON_AddNumberToObject(o, "count", (double)c->n);
	cJSON_AddNumberToObject(o, "nulls", (double)c->nulls);
	cJSON_AddNumberToObject(o, "misfit", (double)c->misfit);
	cJSON_AddNumberToObject(o, "distinct", (double)c->distinct);
	cJSON_AddBoolToObject(o, "distinct_exact", c->distinct_exact);
	if (is_num(c)) {
		cJSON_AddNumberToObject(o, "min", c->min);
		cJSON_AddNumberToObject(o, "max", c->max);
		cJSON_AddNumberToObject(o, "mean", c->mean);
		cJSON_AddNumberToObject(o, "stddev", c->stddev);
		cJSON_AddNumberToObject(o, "q1", c->q1);
		cJSON_AddNumberToObject(o, "median", c->median);
		cJSON_AddNumberToObject(o, "q3", c->q3);
		cJSON_AddBoolToObject(o, "quantiles_exact", c->quant_exact);
		h = cJSON_AddObjectToObject(o, "histogram");
		cJSON_AddNumberToObject(h, "min", c->min);
		cJSON_AddNumberToObject(h, "max", c->max);
		cJSON_AddItemToObject(h, "counts", cJSON_CreateArray());
		for (k = 0; k < c->nbins; k++)
			cJSON_AddItemToArray(cJSON_GetObjectItem(h, "counts"),
			                     cJSON_CreateNumber((double)c->bins[k]));
	}
	if (c->date_min[0]) {
		cJSON_AddStringToObject(o, "date_min", c->date_min);
		cJSON_AddStringToObject(o, "date_max", c->date_max);
	}
	h = cJSON_AddObjectToObject(o, "length");
	cJSON_AddNumberToObject(h, "min", (double)c->len_min);
	cJSON_AddNumberToObject(h, "max", (double)c->len_max);
	cJSON_AddNumberToObject(h, "mean", c->len_mean);
	top = cJSON_AddArrayToObject(o, "top");
	for (k = 0; k < c->ntop; k++) {
		h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "value", c->top[k].value);
		cJSON_AddNumberToObject(h, "count", (double)c->top[k].count);
		cJSON_AddItemToArray(top, h);
	}
	cJSON_AddBoolToObject(o, "top_exact", c->top_exact);
	return o;
}

static cJSON *corr_json(const struct stats *s)
{
	cJSON *a = cJSON_CreateArray(), *o;
	size_t i, j;
	uint64_t n;
	double r;

	for (i = 0; i < stats_ncols(s); i++)
		for (j = i + 1; j < stats_ncols(s); j++) {
			r = stats_corr(s, i, j, &n);
			if (isnan(r))
				continue;
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "a", stats_col(s, i)->name);
			cJSON_AddStringToObject(o, "b", stats_col(s, j)->name);
			cJSON_AddNumberToObject(o, "r", r);
			cJSON_AddNumberToObject(o, "pairs", (double)n);
			cJSON_AddItemToArray(a, o);
		}
	return a;
}

static cJSON *groups_json(const struct report_input *in)
{
	const struct stats *s = in->stats;
	const struct group_stats *g;
	cJSON *o = cJSON_CreateObject(), *arr, *gj, *means;
	size_t i, j;

	cJSON_AddStringToObject(o, "column", stats_col(s, (size_t)in->group_col)->name);
	arr = cJSON_AddArrayToObject(o, "groups");
	for (i = 0; i < stats_ngroups(s); i++) {
		g = stats_group(s, i);
		gj = cJSON_CreateObject();
		cJSON_AddStringToObject(gj, "key", g->key);
		cJSON_AddNumberToObject(gj, "rows", (double)g->rows);
		means = cJSON_AddObjectToObject(gj, "mean");
		for (j = 0; j < stats_ncols(s); j++)
			if (g->cols[j].n && is_num(stats_col(s, j)) && (int)j != in->group_col)
				cJSON_AddNumberToObject(means, stats_col(s, j)->name,
				                        g->cols[j].mean);
		cJSON_AddItemToArray(arr, gj);
	}
	return o;
}

static void day_string(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		snprintf(buf, len, "?");
	else
		strftime(buf, len, "%Y-%m-%d", &tm);
}

static cJSON *series_json(const struct stats *s, const struct time_series *ts)
{
	cJSON *o = cJSON_CreateObject(), *arr, *p, *m;
	char day[16];
	double v;
	size_t i, k;

	cJSON_AddStringToObject(o, "column", stats_col(s, ts->col)->name);
	cJSON_AddStringToObject(o, "unit", ts_unit_name(ts->unit));
	arr = cJSON_AddArrayToObject(o, "periods");
	for (i = 0; i < ts->n; i++) {
		p = cJSON_CreateObject();
		day_string(ts->start[i], day, sizeof day);
		cJSON_AddStringToObject(p, "start", day);
		cJSON_AddNumberToObject(p, "rows", (double)ts->rows[i]);
		m = cJSON_AddObjectToObject(p, "mean");
		for (k = 0; k < ts->nseries; k++)
			if (!isnan(v = ts->mean[i * ts->nseries + k]))
				cJSON_AddNumberToObject(m, stats_col(s, ts->series_col[k])->name, v);
		cJSON_AddItemToArray(arr, p);
	}
	return o;
}

static cJSON *warnings_json(const struct report_input *in)
{
	cJSON *o = cJSON_CreateObject(), *counts = cJSON_AddObjectToObject(o, "counts");
	cJSON *first = cJSON_AddArrayToObject(o, "first");
	size_t i;
	int k;

	for (k = 0; k < CSV_W_NKINDS; k++)
		cJSON_AddNumberToObject(counts, csv_warning_name((enum csv_warn_kind)k),
		                        (double)in->warn_counts[k]);
	for (i = 0; i < in->nwarnings; i++)
		cJSON_AddItemToArray(first, cJSON_CreateString(in->warnings[i].text));
	return o;
}

char *report_json(const struct report_input *in)
{
	const struct stats *s = in->stats;
	cJSON *root = cJSON_CreateObject(), *f, *cols, *notes;
	char *out, *ret;
	size_t i;

	cJSON_AddStringToObject(root, "source", in->name);
	f = cJSON_AddObjectToObject(root, "format");
	cJSON_AddStringToObject(f, "delimiter", delim_name(in->fmt->delim));
	cJSON_AddBoolToObject(f, "header", in->fmt->header);
	cJSON_AddStringToObject(f, "encoding",
	                        in->fmt->encoding == CSV_ENC_LATIN1 ? "latin1" : "utf-8");
	cJSON_AddBoolToObject(f, "bom", in->fmt->bom);
	cJSON_AddNumberToObject(root, "rows", (double)stats_rows(s));
	cJSON_AddNumberToObject(root, "bytes", (double)in->bytes);
	cJSON_AddNumberToObject(root, "seconds", in->seconds);
	cJSON_AddNumberToObject(root, "passes", in->passes);
	cols = cJSON_AddArrayToObject(root, "columns");
	for (i = 0; i < stats_ncols(s); i++)
		cJSON_AddItemToArray(cols, col_json(stats_col(s, i)));
	cJSON_AddItemToObject(root, "correlations", corr_json(s));
	if (in->group_col >= 0)
		cJSON_AddItemToObject(root, "group_by", groups_json(in));
	if (stats_series(s))
		cJSON_AddItemToObject(root, "time_series", series_json(s, stats_series(s)));
	cJSON_AddItemToObject(root, "warnings", warnings_json(in));
	notes = cJSON_AddArrayToObject(root, "notes");
	for (i = 0; i < stats_nnotes(s); i++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(stats_note(s, i)));
	if (in->summary) {
		cJSON_AddStringToObject(root, "summary", in->summary);
		cJSON_AddStringToObject(root, "summary_by", in->summary_by ? in->summary_by : "");
	}
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	ret = xstrdup(out);
	cJSON_free(out);
	return ret;
}

/* ---- text ---- */

static void num_cell(struct strbuf *sb, const struct col_stats *c, double v)
{
	if (is_num(c))
		sb_addf(sb, " %11.6g", v);
	else
		sb_addf(sb, " %11s", "");
}

static void text_header(struct strbuf *sb, const struct report_input *in)
{
	sb_addf(sb, "%s: %llu rows, %zu column%s, %llu bytes (delimiter \"%s\", %s%s, %s)\n",
	        in->name, (unsigned long long)stats_rows(in->stats), stats_ncols(in->stats),
	        stats_ncols(in->stats) == 1 ? "" : "s", (unsigned long long)in->bytes,
	        delim_name(in->fmt->delim),
	        in->fmt->encoding == CSV_ENC_LATIN1 ? "latin-1 converted to utf-8" : "utf-8",
	        in->fmt->bom ? " with BOM" : "", in->fmt->header ? "header" : "no header");
	sb_addf(sb, "\n%-20s %-8s %9s %7s %9s %11s %11s %11s %11s %11s\n", "column", "type",
	        "count", "nulls", "distinct", "min", "max", "mean", "stddev", "median");
}

static void text_col(struct strbuf *sb, const struct col_stats *c)
{
	char *name = utf8_fit(c->name, 20, 1);

	sb_addf(sb, "%s %-8s %9llu %7llu %8llu%s", name, col_type_name(c->type),
	        (unsigned long long)c->n, (unsigned long long)c->nulls,
	        (unsigned long long)c->distinct, c->distinct_exact ? " " : "~");
	num_cell(sb, c, c->min);
	num_cell(sb, c, c->max);
	num_cell(sb, c, c->mean);
	num_cell(sb, c, c->stddev);
	num_cell(sb, c, c->median);
	if (c->date_min[0])
		sb_addf(sb, "  %s .. %s", c->date_min, c->date_max);
	else if (c->type == COL_TEXT && c->ntop)
		sb_addf(sb, "  top: %.30s (%llu)", c->top[0].value,
		        (unsigned long long)c->top[0].count);
	sb_addc(sb, '\n');
	free(name);
}

static void text_groups(struct strbuf *sb, const struct report_input *in)
{
	const struct stats *s = in->stats;
	const struct group_stats *g;
	size_t i, j;

	sb_addf(sb, "\ngroups by \"%s\" (rows; mean of each numeric column):\n",
	        stats_col(s, (size_t)in->group_col)->name);
	for (i = 0; i < stats_ngroups(s) && i < 50; i++) {
		g = stats_group(s, i);
		sb_addf(sb, "  %-24.24s %9llu", g->key, (unsigned long long)g->rows);
		for (j = 0; j < stats_ncols(s); j++)
			if (is_num(stats_col(s, j)) && (int)j != in->group_col && g->cols[j].n)
				sb_addf(sb, "  %s=%.6g", stats_col(s, j)->name, g->cols[j].mean);
		sb_addc(sb, '\n');
	}
	if (stats_ngroups(s) > 50)
		sb_addf(sb, "  ... %zu groups in all (--json lists every one)\n", stats_ngroups(s));
}

/* One line on the time series: unit, periods and the busiest one. */
static void text_series(struct strbuf *sb, const struct stats *s)
{
	const struct time_series *ts = stats_series(s);
	char a[16], b[16];
	size_t i, top = 0;

	if (!ts || !ts->n)
		return;
	for (i = 1; i < ts->n; i++)
		if (ts->rows[i] > ts->rows[top])
			top = i;
	day_string(ts->start[0], a, sizeof a);
	day_string(ts->start[top], b, sizeof b);
	sb_addf(sb, "time series: \"%s\" by %s, %zu periods from %s; most rows: %llu (the %s of %s)\n",
	        stats_col(s, ts->col)->name, ts_unit_name(ts->unit), ts->n, a,
	        (unsigned long long)ts->rows[top], ts_unit_name(ts->unit), b);
}

static void text_tail(struct strbuf *sb, const struct report_input *in)
{
	size_t i;
	int k;

	text_series(sb, in->stats);
	for (k = 0; k < CSV_W_NKINDS; k++)
		if (in->warn_counts[k])
			sb_addf(sb, "warning: %llu %s\n", (unsigned long long)in->warn_counts[k],
			        csv_warning_name((enum csv_warn_kind)k));
	for (i = 0; i < stats_nnotes(in->stats); i++)
		sb_addf(sb, "note: %s\n", stats_note(in->stats, i));
	if (in->summary)
		sb_addf(sb, "\nsummary (%s): %s\n", in->summary_by ? in->summary_by : "va",
		        in->summary);
}

char *report_text(const struct report_input *in)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	sb_init(&sb);
	text_header(&sb, in);
	for (i = 0; i < stats_ncols(in->stats); i++)
		text_col(&sb, stats_col(in->stats, i));
	if (in->group_col >= 0)
		text_groups(&sb, in);
	sb_addc(&sb, '\n');
	text_tail(&sb, in);
	return sb_detach(&sb);
}
