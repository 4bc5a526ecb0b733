/*
 * csv/summary.c: the offline summary writer.  It states facts va computed
 * (never rows): size, missing data, skew and far outliers, strong
 * correlations, date ranges, columns that look suspicious, trends over the
 * time series (lowest and highest mean per period), input problems.
 * An LLM summary, when one is configured, replaces it through the hook in
 * app/analysis.c and sees only report_json().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "va/chart.h"
#include "va/util.h"

static int is_num(const struct col_stats *c)
{
	return (c->type == COL_INT || c->type == COL_FLOAT) && c->nnum > 0;
}

static void missing(struct strbuf *sb, const struct col_stats *c, uint64_t rows)
{
	double share = rows ? (double)c->nulls / (double)rows : 0;

	if (c->type == COL_EMPTY)
		sb_addf(sb, " Column \"%s\" is empty.", c->name);
	else if (share >= 0.05)
		sb_addf(sb, " Column \"%s\" is %.0f%% empty (%llu of %llu rows).", c->name,
		        share * 100, (unsigned long long)c->nulls, (unsigned long long)rows);
}

static void shape(struct strbuf *sb, const struct col_stats *c)
{
	double iqr = c->q3 - c->q1, skew;

	if (!is_num(c) || c->stddev <= 0)
		return;
	skew = (c->mean - c->median) / c->stddev;
	if (fabs(skew) >= 0.2)
		sb_addf(sb, " \"%s\" is skewed to the %s (mean %.4g, median %.4g).", c->name,
		        skew > 0 ? "right" : "left", c->mean, c->median);
	if (iqr > 0 && (c->max > c->q3 + 3 * iqr || c->min < c->q1 - 3 * iqr))
		sb_addf(sb,
		        " \"%s\" has far outliers (range %.4g to %.4g, middle half %.4g to %.4g).",
		        c->name, c->min, c->max, c->q1, c->q3);
}

static void suspicious(struct strbuf *sb, const struct col_stats *c)
{
	if (c->misfit)
		sb_addf(sb, " %llu value%s of \"%s\" do%s not fit its type (%s).",
		        (unsigned long long)c->misfit, c->misfit == 1 ? "" : "s", c->name,
		        c->misfit == 1 ? "es" : "", col_type_name(c->type));
	if (c->n > 1 && c->distinct == 1 && c->distinct_exact)
		sb_addf(sb, " \"%s\" holds one value only.", c->name);
	if (c->type == COL_DATE || c->type == COL_DATETIME)
		sb_addf(sb, " \"%s\" runs from %s to %s.", c->name, c->date_min, c->date_max);
}

static void correlations(struct strbuf *sb, const struct stats *s)
{
	size_t i, j, n = 0;
	double r;

	for (i = 0; i < stats_ncols(s); i++)
		for (j = i + 1; j < stats_ncols(s); j++) {
			r = stats_corr(s, i, j, NULL);
			if (isnan(r) || fabs(r) < 0.7 || n++ >= 5)
				continue;
			sb_addf(sb, " \"%s\" and \"%s\" are strongly %s correlated (r = %.2f).",
			        stats_col(s, i)->name, stats_col(s, j)->name,
			        r > 0 ? "positively" : "negatively", r);
		}
}

static void period_name(const struct time_series *ts, size_t i, char *buf, size_t len)
{
	time_t t = (time_t)ts->start[i];
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		snprintf(buf, len, "?");
	else
		strftime(buf, len, ts->unit == TS_MONTH ? "%Y-%m" : "%Y-%m-%d", &tm);
}

/* Trends: the lowest and highest mean per period of the first numeric
 * columns the time series follows. */
static void trends(struct strbuf *sb, const struct stats *s)
{
	const struct time_series *ts = stats_series(s);
	char lo_s[16], hi_s[16];
	size_t k, i, lo, hi, seen;
	double v;

	for (k = 0; ts && ts->n >= 3 && k < ts->nseries && k < 3; k++) {
		lo = hi = ts->n;
		for (i = seen = 0; i < ts->n; i++) {
			if (isnan(v = ts->mean[i * ts->nseries + k]))
				continue;
			seen++;
			if (lo == ts->n || v < ts->mean[lo * ts->nseries + k])
				lo = i;
			if (hi == ts->n || v > ts->mean[hi * ts->nseries + k])
				hi = i;
		}
		if (seen < 3 || lo == hi)
			continue;
		period_name(ts, lo, lo_s, sizeof lo_s);
		period_name(ts, hi, hi_s, sizeof hi_s);
		sb_addf(sb, " By %s of \"%s\", the mean of \"%s\" runs from %.4g (the %s of %s) to %.4g (the %s of %s).",
		        ts_unit_name(ts->unit), stats_col(s, ts->col)->name,
		        stats_col(s, ts->series_col[k])->name, ts->mean[lo * ts->nseries + k],
		        ts_unit_name(ts->unit), lo_s, ts->mean[hi * ts->nseries + k],
		        ts_unit_name(ts->unit), hi_s);
	}
}

char *summary_offline(const struct report_input *in)
{
	struct strbuf sb = STRBUF_INIT;
	const struct stats *s = in->stats;
	uint64_t problems = 0;
	size_t i;
	int k;

	sb_init(&sb);
	sb_addf(&sb, "%llu row%s and %zu column%s.", (unsigned long long)stats_rows(s),
	        stats_rows(s) == 1 ? "" : "s", stats_ncols(s), stats_ncols(s) == 1 ? "" : "s");
	for (i = 0; i < stats_ncols(s); i++) {
		missing(&sb, stats_col(s, i), stats_rows(s));
		shape(&sb, stats_col(s, i));
		suspicious(&sb, stats_col(s, i));
	}
	correlations(&sb, s);
	trends(&sb, s);
	for (k = 0; k < CSV_W_NKINDS; k++)
		problems += in->warn_counts[k];
	if (problems)
		sb_addf(&sb, " The input has %llu problem%s (see the warnings).",
		        (unsigned long long)problems, problems == 1 ? "" : "s");
	return sb_detach(&sb);
}
