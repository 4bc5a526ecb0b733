/* csv_internal.h: helpers shared by the files of src/csv/ only. */
#ifndef VA_CSV_INTERNAL_H
#define VA_CSV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash64(const char *s, size_t n);

/* Counting set of strings keyed by 64-bit hash, bounded in bytes: once full,
 * new keys are refused (counted in `refused`) while known keys keep counting. */
struct distinct {
	struct dentry {
		uint64_t hash, count;
		uint32_t off, len;
	} * slot;
	size_t cap, used, limit_bytes, bytes;
	char *keys;
	size_t keys_len, keys_cap;
	uint64_t refused;
};
#define DISTINCT_KEEP 100 /* bytes of each key kept for display */

void distinct_init(struct distinct *d, size_t limit_bytes);
void distinct_release(struct distinct *d);
void distinct_add(struct distinct *d, uint64_t h, const char *s, size_t n);
int distinct_full(const struct distinct *d);
/* The k most frequent: indices into d->slot, sorted by count then key. */
size_t distinct_top(const struct distinct *d, size_t k, size_t *out);

/* HyperLogLog, 2^14 registers (standard error 1.04/sqrt(16384) = 0.81%). */
#define HLL_P 14
struct hll {
	uint8_t *reg;
};
void hll_add(struct hll *h, uint64_t hash);
double hll_estimate(const struct hll *h);
void hll_release(struct hll *h);

/* Months since 1900-01 of a day since 1970-01-01 (csv/series.c). */
int64_t month_of_day(int64_t day);

/* The time series accumulator (csv/series.c). */
#include "va/stats.h"
struct ts_acc;
struct ts_acc *ts_acc_new(void);
void ts_acc_free(struct ts_acc *t);
/* One dated row: its day (days since 1970-01-01) and the values x[k] (where
 * ok[k]) of the first nx numeric columns. */
void ts_acc_add(struct ts_acc *t, int64_t day, const double *x, const unsigned char *ok, size_t nx);
/* The series with the columns keep[0..nkeep) of those added; -1 when no date
 * was added.  Release with ts_release. */
int ts_acc_finish(const struct ts_acc *t, const size_t *keep, size_t nkeep,
                  struct time_series *out);
void ts_release(struct time_series *ts);

#endif
