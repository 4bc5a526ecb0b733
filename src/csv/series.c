/*
 * csv/series.c: the time series of a date column (include/va/stats.h,
 * struct time_series).  Rows are counted per day, with the sum and count of
 * up to STATS_SERIES numeric columns, while the dates seen span at most
 * DAY_SPAN days; past that the days fold into months, so memory stays under
 * a megabyte whatever the input.  At the end the unit is chosen by the span:
 * days up to DAY_MAX, weeks (Monday to Sunday) up to DAY_SPAN, else months.
 * Dates outside 1900-2100 are not part of the series.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csv_internal.h"
#include "va/util.h"

#define DAY_MAX   92       /* longest span shown by day */
#define DAY_SPAN  1096     /* longest span held by day (and shown by week) */
#define DAY_FIRST (-25567) /* 1900-01-01 */
#define DAY_LAST  47481    /* 2100-12-31 */
#define MON_FIRST (1900 * 12)
#define NMON      (201 * 12)

struct ts_bucket {
	uint64_t rows;
	uint64_t n[STATS_SERIES];
	double sum[STATS_SERIES];
};

struct ts_acc {
	int by_month;
	int64_t lo;         /* day (or month index) of b[0] */
	size_t len;         /* buckets in use from lo */
	int64_t dmin, dmax; /* days seen */
	struct ts_bucket *b;
};

const char *ts_unit_name(enum ts_unit u)
{
	static const char *const names[] = {"day", "week", "month"};
	return u <= TS_MONTH ? names[u] : "?";
}

struct ts_acc *ts_acc_new(void)
{
	struct ts_acc *t = xcalloc(1, sizeof *t);

	t->dmin = INT64_MAX;
	t->dmax = INT64_MIN;
	return t;
}

void ts_acc_free(struct ts_acc *t)
{
	if (!t)
		return;
	free(t->b);
	free(t);
}

/* See csv_internal.h: the civil calendar by arithmetic (H. Hinnant's
 * civil_from_days), no gmtime per row. */
int64_t month_of_day(int64_t day)
{
	int64_t z = day + 719468, era, doe, yoe, doy, mp, y, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	return y * 12 + (m - 1) - MON_FIRST;
}

static void merge(struct ts_bucket *to, const struct ts_bucket *from)
{
	int k;

	to->rows += from->rows;
	for (k = 0; k < STATS_SERIES; k++) {
		to->n[k] += from->n[k];
		to->sum[k] += from->sum[k];
	}
}

/* The days become months: one array over 1900-2100. */
static void fold_months(struct ts_acc *t)
{
	struct ts_bucket *m = xcalloc(NMON, sizeof *m);
	size_t i;

	for (i = 0; i < t->len; i++)
		if (t->b[i].rows)
			merge(&m[month_of_day(t->lo + (int64_t)i)], &t->b[i]);
	free(t->b);
	t->b = m;
	t->lo = 0;
	t->len = NMON;
	t->by_month = 1;
}

/* The bucket of `day`, growing the day range (it stays within DAY_SPAN). */
static struct ts_bucket *day_bucket(struct ts_acc *t, int64_t day)
{
	int64_t lo = t->len ? (day < t->lo ? day : t->lo) : day;
	int64_t hi =
	    t->len ? (day >= t->lo + (int64_t)t->len ? day : t->lo + (int64_t)t->len - 1) : day;
	struct ts_bucket *nb;

	if (hi - lo + 1 > DAY_SPAN) {
		fold_months(t);
		return &t->b[month_of_day(day)];
	}
	if (lo != t->lo || (size_t)(hi - lo + 1) != t->len) {
		nb = xcalloc((size_t)(hi - lo + 1), sizeof *nb);
		if (t->len)
			memcpy(nb + (t->lo - lo), t->b, t->len * sizeof *nb);
		free(t->b);
		t->b = nb;
		t->lo = lo;
		t->len = (size_t)(hi - lo + 1);
	}
	return &t->b[day - t->lo];
}

void ts_acc_add(struct ts_acc *t, int64_t day, const double *x, const unsigned char *ok, size_t nx)
{
	struct ts_bucket *b;
	size_t k;

	if (day < DAY_FIRST || day > DAY_LAST)
		return;
	if (day < t->dmin)
		t->dmin = day;
	if (day > t->dmax)
		t->dmax = day;
	b = t->by_month ? &t->b[month_of_day(day)] : day_bucket(t, day);
	b->rows++;
	for (k = 0; k < nx && k < STATS_SERIES; k++)
		if (ok[k]) {
			b->n[k]++;
			b->sum[k] += x[k];
		}
}

/* Monday on or before `day` (1970-01-01 was a Thursday). */
static int64_t week_start(int64_t day)
{
	return day - (((day + 3) % 7) + 7) % 7;
}

/* Fold the held buckets into periods of `unit`, from the first to the last. */
static size_t periods(const struct ts_acc *t, enum ts_unit unit, struct ts_bucket **out,
                      int64_t *first)
{
	int64_t p0, p1, p, d;
	struct ts_bucket *o;
	size_t i, n;

	if (unit == TS_MONTH) {
		p0 = month_of_day(t->dmin);
		p1 = month_of_day(t->dmax);
	} else {
		p0 = unit == TS_WEEK ? week_start(t->dmin) : t->dmin;
		p1 = unit == TS_WEEK ? week_start(t->dmax) : t->dmax;
	}
	n = unit == TS_WEEK ? (size_t)((p1 - p0) / 7 + 1) : (size_t)(p1 - p0 + 1);
	o = xcalloc(n, sizeof *o);
	for (i = 0; i < t->len; i++) {
		if (!t->b[i].rows)
			continue;
		d = t->lo + (int64_t)i; /* a day, or a month index when by_month */
		p = unit == TS_MONTH  ? (t->by_month ? d : month_of_day(d)) - p0
		    : unit == TS_WEEK ? (week_start(d) - p0) / 7
		                      : d - p0;
		merge(&o[p], &t->b[i]);
	}
	*out = o;
	*first = p0;
	return n;
}

static int64_t period_start(enum ts_unit unit, int64_t p0, size_t i)
{
	struct tm tm;
	int64_t m;

	if (unit == TS_DAY)
		return (p0 + (int64_t)i) * 86400;
	if (unit == TS_WEEK)
		return (p0 + 7 * (int64_t)i) * 86400;
	m = p0 + (int64_t)i + MON_FIRST;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)(m / 12) - 1900;
	tm.tm_mon = (int)(m % 12);
	tm.tm_mday = 1;
	return (int64_t)timegm(&tm);
}

int ts_acc_finish(const struct ts_acc *t, const size_t *keep, size_t nkeep, struct time_series *out)
{
	struct ts_bucket *o;
	int64_t span, p0;
	size_t i, k;

	if (t->dmin > t->dmax)
		return -1;
	span = t->dmax - t->dmin + 1;
	out->unit = t->by_month || span > DAY_SPAN ? TS_MONTH : span > DAY_MAX ? TS_WEEK : TS_DAY;
	out->n = periods(t, out->unit, &o, &p0);
	out->start = xcalloc(out->n, sizeof *out->start);
	out->rows = xcalloc(out->n, sizeof *out->rows);
	out->mean = xcalloc(out->n * (nkeep ? nkeep : 1), sizeof *out->mean);
	for (i = 0; i < out->n; i++) {
		out->start[i] = period_start(out->unit, p0, i);
		out->rows[i] = o[i].rows;
		for (k = 0; k < nkeep; k++)
			out->mean[i * nkeep + k] =
			    o[i].n[keep[k]] ? o[i].sum[keep[k]] / (double)o[i].n[keep[k]] : NAN;
	}
	free(o);
	return 0;
}

void ts_release(struct time_series *ts)
{
	free(ts->start);
	free(ts->rows);
	free(ts->mean);
	memset(ts, 0, sizeof *ts);
}
