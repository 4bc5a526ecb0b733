/*
 * stats: per-column statistics over a stream of CSV rows, in bounded memory (L2).
 *
 * Definitions (the ones va reports; other tools differ, see the man page):
 *   - null: an empty cell (after trimming blanks) or NA, N/A, null, NULL;
 *     nulls are never values
 *   - number: [+-]digits[.digits][e[+-]digits]; an integer with a leading
 *     zero ("00501") is text, as are "1,234", inf and nan; a column holding
 *     any such zero-led integer is text (zip codes, account numbers)
 *   - quantiles: linear interpolation between closest ranks (R type 7,
 *     numpy's default); the median of an even count averages the middle pair
 *   - stddev: the sample standard deviation (n - 1), from Welford's update
 *   - distinct: exact (by 64-bit hash) up to a bound derived from the memory
 *     budget, then HyperLogLog (2^14 registers, standard error 0.81%);
 *     numbers are compared as numbers (1.0 and 1 are one value; the first
 *     spelling seen is shown), everything else as text
 *
 * Memory: values are held for exact quantiles while they fit in half of the
 * budget; past that the caller makes a second pass (stats_need_pass2) in which
 * only the values in the histogram buckets holding the wanted ranks are kept.
 * Whatever could not be exact is listed in stats_notes().
 */
#ifndef VA_STATS_H
#define VA_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "va/csv.h"

enum col_type { COL_EMPTY, COL_INT, COL_FLOAT, COL_BOOL, COL_DATE, COL_DATETIME, COL_TEXT };
const char *col_type_name(enum col_type t); /* "integer", "float", ... */

/* What one cell is. */
enum val_kind { VAL_NULL, VAL_INT, VAL_FLOAT, VAL_BOOL, VAL_DATE, VAL_DATETIME, VAL_TEXT };

struct value {
	enum val_kind kind;
	double num; /* INT, FLOAT, BOOL (0/1), DATE/DATETIME: seconds since the epoch (UTC) */
	int64_t i;  /* INT */
	int lead0;  /* TEXT that is digits with a leading zero (an identifier) */
};

/* Classify one cell.  Numbers go through a fast exact parser (strtod only for
 * more than 19 significant digits or large exponents). */
void value_parse(const char *s, size_t n, struct value *v);

/* Parse a number only: 1 and *out on success, 0 when s is not a number. */
int num_parse(const char *s, size_t n, double *out, int *is_int, int64_t *iv);

#define STATS_TOP  10
#define STATS_BINS 20

struct top_value {
	char *value; /* first 100 bytes */
	uint64_t count;
};

struct col_stats {
	const char *name;
	enum col_type type;
	uint64_t n; /* non-null cells */
	uint64_t nulls;
	uint64_t misfit; /* non-null cells that do not fit `type` */
	uint64_t distinct;
	int distinct_exact;
	/* numbers (and dates, in seconds): over the cells of numeric kind */
	uint64_t nnum;
	double min, max, mean, stddev, sum;
	double q1, median, q3;
	int quant_exact; /* 0: approximate, within [q_lo, q_hi] of each */
	double q_err;    /* largest relative width of an approximate bucket */
	/* histogram of the numeric cells, STATS_BINS equal bins over [min, max] */
	uint64_t bins[STATS_BINS];
	int nbins;
	/* text length in code points (every non-null cell) */
	uint64_t len_min, len_max;
	double len_mean;
	/* dates: range and rows per month */
	char date_min[32], date_max[32];
	int month0; /* year*12 + month-1 of months[0] */
	int nmonths;
	uint64_t *months;
	/* most frequent values */
	struct top_value top[STATS_TOP];
	int ntop;
	int top_exact;
};

/* The time series: rows (and the mean of up to STATS_SERIES numeric columns)
 * per period of the first date column, resampled by day, week (Monday to
 * Sunday) or month, chosen by the span of its dates (up to 92 days, up to
 * 3 years, longer).  Every period from the first to the last is listed;
 * empty ones have 0 rows and NaN means.  Dates before 1900 or after 2100
 * are left out. */
#define STATS_SERIES 8
enum ts_unit { TS_DAY, TS_WEEK, TS_MONTH };
const char *ts_unit_name(enum ts_unit u); /* "day", "week", "month" */

struct time_series {
	size_t col; /* the date column */
	enum ts_unit unit;
	size_t n;        /* periods */
	int64_t *start;  /* first second of each period (UTC) */
	uint64_t *rows;  /* rows dated in it */
	size_t nseries;  /* numeric columns followed */
	size_t series_col[STATS_SERIES];
	double *mean;    /* n x nseries: mean[i * nseries + k]; NaN when none */
};

struct group_col {
	uint64_t n;
	double mean, min, max;
};
struct group_stats {
	char *key;
	uint64_t rows;
	struct group_col *cols; /* one per column; n == 0 for non-numeric */
};

struct stats;

/* ncols names (borrowed for the life of the stats); group_col -1 for none. */
struct stats *stats_new(size_t ncols, const char *const *names, int group_col, size_t memory);
void stats_free(struct stats *s);

/* Pass 1: every data row once. */
void stats_add_row(struct stats *s, const struct csv_row *row);
/* 1 when exact quantiles and histograms need a second pass over the same rows. */
int stats_need_pass2(const struct stats *s);
void stats_pass2_begin(struct stats *s);
void stats_pass2_row(struct stats *s, const struct csv_row *row);
/* Compute the results; call once, after the last pass. */
void stats_finish(struct stats *s);

size_t stats_ncols(const struct stats *s);
uint64_t stats_rows(const struct stats *s);
const struct col_stats *stats_col(const struct stats *s, size_t i);
/* Pearson correlation of columns i and j over rows where both are numbers;
 * NaN when not computed (not numeric, fewer than 3 pairs, no variance). */
double stats_corr(const struct stats *s, size_t i, size_t j, uint64_t *pairs);
size_t stats_ngroups(const struct stats *s);
const struct group_stats *stats_group(const struct stats *s, size_t i);
/* The time series, or NULL when no column holds dates. */
const struct time_series *stats_series(const struct stats *s);
/* Sentences on what became approximate and why. */
size_t stats_nnotes(const struct stats *s);
const char *stats_note(const struct stats *s, size_t i);

#endif
