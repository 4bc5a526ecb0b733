/*
 * csv/stats.c: the column accumulators behind include/va/stats.h.
 *
 * Pass 1 sees every row once: kinds of cells, Welford moments, min/max, text
 * lengths, distinct values (csv/distinct.c), dates per month, pairwise
 * co-moments for correlations and per-group moments.  Numeric values are held
 * for exact quantiles while they fit in half the memory budget.  When they do
 * not, the held values seed a histogram over the top 16 bits of each double's
 * order-preserving bit pattern, and pass 2 keeps only the values of the
 * buckets that hold the wanted ranks (see quant_* below).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csv_internal.h"
#include "va/stats.h"
#include "va/util.h"

#define NBUCKET     65536
#define MAX_CORR    16
#define MAX_GROUPS  1000
#define MONTH_FIRST (1900 * 12)
#define NMONTHS     (201 * 12) /* 1900-01 .. 2100-12 */
#define NRANKS      6
#define BLK         64 /* values (rows for correlations) merged at a time */

struct pair {
	uint64_t n;
	double mx, my, cxy, m2x, m2y;
};

struct acc {
	uint64_t kinds[VAL_TEXT + 1];
	uint64_t lead0;
	uint64_t nnum;
	double mean, m2, min, max;
	int64_t isum;
	int isum_ok;
	double dmin, dmax;
	uint64_t *months;
	uint64_t lmin, lmax;
	double lsum;
	struct distinct d;
	struct hll h;
	double *vals;
	size_t nvals, capvals;
	uint64_t *bucket;         /* NBUCKET counts, two-pass mode only */
	uint64_t rank[NRANKS];    /* pass 2: wanted ranks */
	unsigned rbucket[NRANKS]; /* their buckets */
	uint64_t rbelow[NRANKS];  /* values in buckets below */
	double *rvals[NRANKS];    /* the values of each rank's bucket (shared when equal) */
	size_t rn[NRANKS], rcap[NRANKS];
	int nranks;
	int approx;
	int from_distinct; /* quantiles from the distinct table (pass 2 skips the column) */
	int hll_started;   /* the sketch has every value (from when the set filled up) */
	/* moments: values wait in blk and join mean/m2 (over wn values) a block
	 * at a time (Chan et al.'s merge: no division per value) */
	double blk[BLK];
	int nblk;
	uint64_t wn;
	int materialized;  /* values are held (from when the set filled up) */
	int corr;          /* index among correlation columns, or -1 */
	struct col_stats out;
};

struct stats {
	size_t ncols;
	const char *const *names;
	struct acc *acc;
	uint64_t rows;
	size_t memory, held;
	int two_pass, in_pass2;
	/* correlations */
	size_t ncorr;
	size_t corr_col[MAX_CORR];
	struct pair pairs[MAX_CORR][MAX_CORR];
	double cblk[BLK][MAX_CORR]; /* rows waiting to join the pairs */
	unsigned char cbok[BLK][MAX_CORR];
	int ncblk;
	/* group-by */
	int gcol;
	struct group_stats *groups;
	uint64_t *ghash;
	size_t ngroups, capgroups;
	int gother;
	char **notes;
	size_t nnotes, capnotes;
	/* the time series: column tcol's date in this row (tday, when thas) */
	int tcol, thas;
	int64_t tday;
	struct ts_acc *ts;
	struct time_series series;
	int has_series;
};

const char *col_type_name(enum col_type t)
{
	static const char *const names[] = {"empty", "integer",  "float", "boolean",
	                                    "date",  "datetime", "text"};
	return t <= COL_TEXT ? names[t] : "unknown";
}

static void note(struct stats *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct stats *s, const char *fmt, ...)
{
	va_list ap;

	xgrow((void **)&s->notes, &s->capnotes, s->nnotes + 1, sizeof *s->notes);
	va_start(ap, fmt);
	s->notes[s->nnotes++] = xvasprintf(fmt, ap);
	va_end(ap);
}

struct stats *stats_new(size_t ncols, const char *const *names, int group_col, size_t memory)
{
	struct stats *s = xcalloc(1, sizeof *s);
	size_t i, per;

	s->ncols = ncols;
	s->names = names;
	s->memory = memory ? memory : 256u << 20;
	s->acc = xcalloc(ncols ? ncols : 1, sizeof *s->acc);
	s->gcol = group_col >= 0 && (size_t)group_col < ncols ? group_col : -1;
	s->tcol = -1;
	per = s->memory / 4 / (ncols ? ncols : 1);
	for (i = 0; i < ncols; i++) {
		distinct_init(&s->acc[i].d, per);
		s->acc[i].min = s->acc[i].dmin = INFINITY;
		s->acc[i].max = s->acc[i].dmax = -INFINITY;
		s->acc[i].lmin = UINT64_MAX;
		s->acc[i].isum_ok = 1;
		s->acc[i].corr = -1;
	}
	return s;
}

static void acc_release(struct acc *a)
{
	int k;

	distinct_release(&a->d);
	hll_release(&a->h);
	free(a->vals);
	free(a->bucket);
	free(a->months);
	for (k = 0; k < a->nranks; k++)
		if (k == 0 || a->rvals[k] != a->rvals[k - 1])
			free(a->rvals[k]);
	for (k = 0; k < a->out.ntop; k++)
		free(a->out.top[k].value);
}

void stats_free(struct stats *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->ncols; i++)
		acc_release(&s->acc[i]);
	free(s->acc);
	for (i = 0; i < s->ngroups; i++) {
		free(s->groups[i].key);
		free(s->groups[i].cols);
	}
	free(s->groups);
	free(s->ghash);
	for (i = 0; i < s->nnotes; i++)
		free(s->notes[i]);
	free(s->notes);
	ts_acc_free(s->ts);
	ts_release(&s->series);
	free(s);
}

/* ---- quantile buckets ---- */

static uint64_t order_key(double x)
{
	uint64_t b;

	if (x == 0)
		x = 0; /* -0.0 and 0.0 are one value */
	memcpy(&b, &x, sizeof b);
	return b >> 63 ? ~b : b | (1ULL << 63);
}

static double key_value(uint64_t k)
{
	uint64_t b = k >> 63 ? k & ~(1ULL << 63) : ~k;
	double x;

	memcpy(&x, &b, sizeof x);
	return x;
}

static unsigned bucket_of(double x)
{
	return (unsigned)(order_key(x) >> 48);
}

/* Values no longer fit: count the held ones into buckets and free them all. */
static void go_two_pass(struct stats *s)
{
	size_t i, k;
	struct acc *a;

	s->two_pass = 1;
	for (i = 0; i < s->ncols; i++) {
		a = &s->acc[i];
		if (!a->nnum)
			continue;
		a->bucket = xcalloc(NBUCKET, sizeof *a->bucket);
		for (k = 0; k < a->nvals; k++)
			a->bucket[bucket_of(a->vals[k])]++;
		x_free(&a->vals);
		a->nvals = a->capvals = 0;
	}
	s->held = 0;
}

static void hold_value(struct stats *s, struct acc *a, double x);

/* The distinct set just filled up: the numbers it counted become held
 * values (or bucket counts), as if they had been held all along. */
static void materialize(struct stats *s, struct acc *a)
{
	const struct dentry *e;
	struct value v;
	uint64_t c;
	size_t k;

	a->materialized = 1;
	for (k = 0; k < a->d.cap; k++) {
		e = &a->d.slot[k];
		if (!e->count)
			continue;
		value_parse(a->d.keys + e->off, e->len, &v);
		if (v.kind != VAL_INT && v.kind != VAL_FLOAT)
			continue;
		if (s->two_pass) {
			if (!a->bucket)
				a->bucket = xcalloc(NBUCKET, sizeof *a->bucket);
			a->bucket[bucket_of(v.num)] += e->count;
		} else
			for (c = 0; c < e->count; c++)
				hold_value(s, a, v.num);
	}
}

/* Values are held only once the distinct set is full: until then it counts
 * every number (exact quantiles and bins come from it). */
static void hold(struct stats *s, struct acc *a, double x, size_t len)
{
	if (!a->materialized && !distinct_full(&a->d) && len <= DISTINCT_KEEP)
		return;
	if (!a->materialized)
		materialize(s, a);
	hold_value(s, a, x);
}

static void hold_value(struct stats *s, struct acc *a, double x)
{
	size_t oldcap = a->capvals, grow = oldcap ? oldcap : 64;

	if (s->two_pass) {
		if (!a->bucket)
			a->bucket = xcalloc(NBUCKET, sizeof *a->bucket);
		a->bucket[bucket_of(x)]++;
		return;
	}
	if (a->nvals == a->capvals) {
		if (s->held + grow * sizeof(double) > s->memory / 2) {
			go_two_pass(s);
			hold_value(s, a, x);
			return;
		}
		xgrow((void **)&a->vals, &a->capvals, a->nvals + 1, sizeof *a->vals);
		s->held += (a->capvals - oldcap) * sizeof(double);
	}
	a->vals[a->nvals++] = x;
}

/* ---- pass 1 ---- */

/* Merge the waiting values into mean and m2: the block's own mean and
 * squared deviations (two passes over BLK values), then Chan's update. */
static void moments_flush(struct acc *a)
{
	double sum = 0, m, m2 = 0, d, nb = a->nblk, n;
	int k;

	if (!a->nblk)
		return;
	for (k = 0; k < a->nblk; k++)
		sum += a->blk[k];
	m = sum / nb;
	for (k = 0; k < a->nblk; k++)
		m2 += (a->blk[k] - m) * (a->blk[k] - m);
	n = (double)a->wn + nb;
	d = m - a->mean;
	a->m2 += m2 + d * d * (double)a->wn * nb / n;
	a->mean += d * nb / n;
	a->wn += (uint64_t)a->nblk;
	a->nblk = 0;
}

static void add_number(struct stats *s, struct acc *a, const struct value *v, size_t len)
{
	a->nnum++;
	a->blk[a->nblk++] = v->num;
	if (a->nblk == BLK)
		moments_flush(a);
	if (v->num < a->min)
		a->min = v->num;
	if (v->num > a->max)
		a->max = v->num;
	if (v->kind == VAL_INT && a->isum_ok && __builtin_add_overflow(a->isum, v->i, &a->isum))
		a->isum_ok = 0;
	hold(s, a, v->num, len);
}

static void add_date(struct acc *a, const struct value *v)
{
	double day = floor(v->num / 86400);
	int64_t idx;

	if (v->num < a->dmin)
		a->dmin = v->num;
	if (v->num > a->dmax)
		a->dmax = v->num;
	if (day < -1e7 || day > 1e7)
		return;
	idx = month_of_day((int64_t)day);
	if (idx < 0 || idx >= NMONTHS)
		return;
	if (!a->months)
		a->months = xcalloc(NMONTHS, sizeof *a->months);
	a->months[idx]++;
}

static uint64_t continuation_bytes(const char *s, size_t n)
{
	uint64_t c = 0, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) { /* bit 7 set and bit 6 clear, 8 bytes at a time */
		memcpy(&w, s + i, 8);
		c += (uint64_t)__builtin_popcountll(w & ~(w << 1) & 0x8080808080808080ULL);
	}
	for (; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) == 0x80;
	return c;
}

/* h: the hash of the value (its string, or for numbers the number, so
 * that 1.0 and 1 are one distinct value). */
static void add_text(struct acc *a, const char *str, size_t n, uint64_t h, int ascii)
{
	uint64_t len = n;
	size_t k;

	if (!ascii) /* code points: count the bytes that continue one (10xxxxxx) */
		len -= continuation_bytes(str, n);
	if (len < a->lmin)
		a->lmin = len;
	if (len > a->lmax)
		a->lmax = len;
	a->lsum += (double)len;
	distinct_add(&a->d, h, str, n);
	if (!distinct_full(&a->d))
		return; /* the exact set has it; the sketch starts when the set is full */
	if (!a->hll_started) { /* the set's keys are every value so far, once each */
		for (k = 0; k < a->d.cap; k++)
			if (a->d.slot[k].count)
				hll_add(&a->h, a->d.slot[k].hash);
		a->hll_started = 1;
	}
	hll_add(&a->h, h);
}

static uint64_t hash_double(double x)
{
	uint64_t b;

	if (x == 0)
		x = 0;
	memcpy(&b, &x, sizeof b);
	b ^= 0x6a09e667f3bcc909ULL; /* keep numbers apart from strings' hashes */
	b ^= b >> 33;
	b *= 0xff51afd7ed558ccdULL;
	b ^= b >> 33;
	b *= 0xc4ceb9fe1a85ec53ULL;
	return b ^ (b >> 33);
}

static void corr_join(struct stats *s, struct acc *a, size_t col)
{
	if (a->corr < 0 && s->ncorr < MAX_CORR) {
		a->corr = (int)s->ncorr;
		s->corr_col[s->ncorr++] = col;
	}
}

/* One pair over the waiting rows where both are numbers, merged like moments_flush. */
static void pair_flush(struct stats *s, size_t i, size_t j)
{
	struct pair *p = &s->pairs[i][j];
	double sx = 0, sy = 0, mx, my, cxy = 0, m2x = 0, m2y = 0, dx, dy, nb = 0, n, f;
	int r;

	for (r = 0; r < s->ncblk; r++)
		if (s->cbok[r][i] & s->cbok[r][j]) {
			nb++;
			sx += s->cblk[r][i];
			sy += s->cblk[r][j];
		}
	if (nb == 0)
		return;
	mx = sx / nb;
	my = sy / nb;
	for (r = 0; r < s->ncblk; r++)
		if (s->cbok[r][i] & s->cbok[r][j]) {
			dx = s->cblk[r][i] - mx;
			dy = s->cblk[r][j] - my;
			cxy += dx * dy;
			m2x += dx * dx;
			m2y += dy * dy;
		}
	n = (double)p->n + nb;
	f = (double)p->n * nb / n;
	dx = mx - p->mx;
	dy = my - p->my;
	p->cxy += cxy + dx * dy * f;
	p->m2x += m2x + dx * dx * f;
	p->m2y += m2y + dy * dy * f;
	p->mx += dx * nb / n;
	p->my += dy * nb / n;
	p->n += (uint64_t)nb;
}

static void corr_flush(struct stats *s)
{
	size_t i, j;

	for (i = 0; i < s->ncorr; i++)
		for (j = i + 1; j < s->ncorr; j++)
			pair_flush(s, i, j);
	s->ncblk = 0;
}

static struct group_stats *group_find(struct stats *s, const char *key, size_t n)
{
	uint64_t h = hash64(key, n);
	size_t i;

	for (i = 0; i < s->ngroups; i++) /* groups are few; a scan beats a table here */
		if (s->ghash[i] == h)
			return &s->groups[i];
	if (s->ngroups >= MAX_GROUPS) {
		if (!s->gother++)
			note(s, "group-by: more than %d groups; the rest are summed as \"(other)\"",
			     MAX_GROUPS);
		key = "(other)";
		n = 7;
		h = hash64(key, n);
		for (i = 0; i < s->ngroups; i++)
			if (s->ghash[i] == h)
				return &s->groups[i];
	}
	xgrow((void **)&s->groups, &s->capgroups, s->ngroups + 1, sizeof *s->groups);
	s->ghash = xrealloc(s->ghash, s->capgroups * sizeof *s->ghash);
	s->ghash[s->ngroups] = h;
	s->groups[s->ngroups].key = xstrndup(key, n);
	s->groups[s->ngroups].rows = 0;
	s->groups[s->ngroups].cols = xcalloc(s->ncols, sizeof(struct group_col));
	return &s->groups[s->ngroups++];
}

static void group_add(struct group_col *g, double x)
{
	if (!g->n || x < g->min)
		g->min = x;
	if (!g->n || x > g->max)
		g->max = x;
	g->n++;
	g->mean += (x - g->mean) / (double)g->n;
}

static void add_cell(struct stats *s, size_t j, const struct csv_field *f, double *cx,
                     unsigned char *cok,
                     struct group_stats *g)
{
	struct acc *a = &s->acc[j];
	struct value v;

	value_parse(f->s, f->len, &v);
	a->kinds[v.kind]++;
	a->lead0 += (uint64_t)v.lead0;
	if (v.kind == VAL_NULL)
		return;
	if (v.kind == VAL_INT || v.kind == VAL_FLOAT)
		add_text(a, f->s, f->len, hash_double(v.num), 1);
	else
		add_text(a, f->s, f->len, hash64(f->s, f->len), 0);
	if (v.kind == VAL_INT || v.kind == VAL_FLOAT) {
		add_number(s, a, &v, f->len);
		corr_join(s, a, j);
		if (a->corr >= 0) {
			cx[a->corr] = v.num;
			cok[a->corr] = 1;
		}
		if (g)
			group_add(&g->cols[j], v.num);
	} else if (v.kind == VAL_DATE || v.kind == VAL_DATETIME) {
		add_date(a, &v);
		if (s->tcol < 0)
			s->tcol = (int)j;
		if ((int)j == s->tcol) {
			s->tday = (int64_t)floor(v.num / 86400);
			s->thas = 1;
		}
	}
}

void stats_add_row(struct stats *s, const struct csv_row *row)
{
	double *cx = s->cblk[s->ncblk]; /* the row's numbers go straight into the block */
	unsigned char *cok = s->cbok[s->ncblk];
	struct group_stats *g = NULL;
	size_t j;

	memset(cok, 0, MAX_CORR);
	s->rows++;
	s->thas = 0;
	if (s->gcol >= 0) {
		const struct csv_field *k = (size_t)s->gcol < row->n ? &row->f[s->gcol] : NULL;
		g = k && k->len ? group_find(s, k->s, k->len) : group_find(s, "(null)", 6);
		g->rows++;
	}
	for (j = 0; j < s->ncols; j++) {
		if (j < row->n)
			add_cell(s, j, &row->f[j], cx, cok, g);
		else
			s->acc[j].kinds[VAL_NULL]++; /* a short row: the missing cells are nulls */
	}
	if (s->thas) {
		if (!s->ts)
			s->ts = ts_acc_new();
		ts_acc_add(s->ts, s->tday, cx, cok, s->ncorr);
	}
	if (s->ncorr > 1 && ++s->ncblk == BLK)
		corr_flush(s);
}

/* ---- pass 2: ranks in buckets, histogram bins ---- */

/* 1 when the distinct table holds every number of the column (it is not
 * full and its numeric entries count nnum): exact quantiles and bins come
 * from it without a second pass, however long the column. */
static int distinct_covers(const struct acc *a)
{
	const struct dentry *e;
	struct value v;
	uint64_t n = 0;
	size_t i;

	if (distinct_full(&a->d))
		return 0;
	for (i = 0; i < a->d.cap; i++) {
		e = &a->d.slot[i];
		if (!e->count)
			continue;
		value_parse(a->d.keys + e->off, e->len, &v);
		if (v.kind == VAL_INT || v.kind == VAL_FLOAT)
			n += e->count;
	}
	return n == a->nnum;
}

int stats_need_pass2(const struct stats *s)
{
	size_t i;

	for (i = 0; s->two_pass && i < s->ncols; i++)
		if (s->acc[i].bucket && s->acc[i].nnum && !distinct_covers(&s->acc[i]))
			return 1;
	return 0;
}

/* Ranks of the quartiles (R type 7: floor(h) and floor(h)+1, h = (n-1)p). */
static int wanted_ranks(uint64_t n, uint64_t *r)
{
	static const double p[] = {0.25, 0.5, 0.75};
	int k, m = 0;
	uint64_t lo;

	for (k = 0; k < 3; k++) {
		lo = (uint64_t)floor((double)(n - 1) * p[k]);
		r[m++] = lo;
		r[m++] = lo + 1 < n ? lo + 1 : lo;
	}
	return m;
}

static void plan_ranks(struct stats *s, struct acc *a)
{
	uint64_t cum = 0, need = 0;
	unsigned b = 0;
	int k;

	a->nranks = wanted_ranks(a->nnum, a->rank);
	for (k = 0; k < a->nranks; k++) {
		if (k > 0 && a->rank[k] < a->rank[k - 1]) { /* pairs overlap when n is small */
			cum = 0;
			b = 0;
		}
		while (b < NBUCKET - 1 && cum + a->bucket[b] <= a->rank[k]) /* ranks ascend */
			cum += a->bucket[b++];
		if (cum + a->bucket[b] <= a->rank[k]) /* fewer values in the buckets than nnum */
			a->approx = 1;
		a->rbucket[k] = b;
		a->rbelow[k] = cum;
		if (k == 0 || b != a->rbucket[k - 1])
			need += a->bucket[b];
	}
	if (need * sizeof(double) > s->memory / 2)
		a->approx = 1; /* the answer is the middle of each bucket's range */
}

void stats_pass2_begin(struct stats *s)
{
	size_t i;

	s->in_pass2 = 1;
	for (i = 0; i < s->ncols; i++) {
		if (!s->acc[i].bucket || !s->acc[i].nnum)
			continue;
		s->acc[i].from_distinct = distinct_covers(&s->acc[i]);
		if (!s->acc[i].from_distinct)
			plan_ranks(s, &s->acc[i]);
	}
}

static int bin_of(const struct acc *a, double x)
{
	int b;

	if (a->max <= a->min)
		return 0;
	b = (int)((x - a->min) / (a->max - a->min) * STATS_BINS);
	return b >= STATS_BINS ? STATS_BINS - 1 : b < 0 ? 0 : b;
}

static void pass2_value(struct acc *a, double x)
{
	unsigned b = bucket_of(x);
	int k;

	a->out.bins[bin_of(a, x)]++;
	if (a->approx)
		return;
	for (k = 0; k < a->nranks; k++) {
		if (a->rbucket[k] != b)
			continue;
		xgrow((void **)&a->rvals[k], &a->rcap[k], a->rn[k] + 1, sizeof(double));
		a->rvals[k][a->rn[k]++] = x;
		return; /* equal buckets share the first rank's array */
	}
}

void stats_pass2_row(struct stats *s, const struct csv_row *row)
{
	struct value v;
	size_t j;

	for (j = 0; j < s->ncols && j < row->n; j++) {
		if (!s->acc[j].bucket || s->acc[j].from_distinct)
			continue;
		value_parse(row->f[j].s, row->f[j].len, &v);
		if (v.kind == VAL_INT || v.kind == VAL_FLOAT)
			pass2_value(&s->acc[j], v.num);
	}
}

/* ---- results ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double interp(double lo, double hi, uint64_t n, double p)
{
	double h = (double)(n - 1) * p;

	return lo + (h - floor(h)) * (hi - lo);
}

static double rank_value(struct acc *a, int k)
{
	int first = 0;

	/* pass2_value keeps a bucket's values with the first rank in it */
	while (a->rbucket[first] != a->rbucket[k])
		first++;
	if (a->approx) /* the middle of the bucket's range */
		return (key_value((uint64_t)a->rbucket[k] << 48) +
		        key_value(((uint64_t)a->rbucket[k] << 48) | 0xffffffffffffULL)) /
		       2;
	return a->rvals[first][a->rank[k] - a->rbelow[k]];
}

static void quantiles_from_buckets(struct acc *a)
{
	static const double p[] = {0.25, 0.5, 0.75};
	double *q[] = {&a->out.q1, &a->out.median, &a->out.q3};
	int k;

	for (k = 0; k < a->nranks; k++)
		if ((k == 0 || a->rbucket[k] != a->rbucket[k - 1]) && a->rvals[k])
			qsort(a->rvals[k], a->rn[k], sizeof(double), cmp_double);
	for (k = 0; k < 3; k++)
		*q[k] = interp(rank_value(a, 2 * k), rank_value(a, 2 * k + 1), a->nnum, p[k]);
	a->out.quant_exact = !a->approx;
}

/* Quickselect: afterwards v[k] holds the k-th smallest of v[0..n), with no
 * larger value before it and no smaller one after it.  Hoare partition
 * around a median of three, so runs of equal values split evenly. */
static void select_kth(double *v, size_t n, size_t kk)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, i, j, k = (ptrdiff_t)kk;
	double p, t;

	while (lo < hi) {
		p = v[lo + (hi - lo) / 2];
		if ((v[lo] <= p) != (p <= v[hi])) /* p is not the middle one */
			p = (v[lo] <= v[hi]) == (v[hi] <= p) ? v[hi] : v[lo];
		i = lo;
		j = hi;
		while (i <= j) {
			while (v[i] < p)
				i++;
			while (v[j] > p)
				j--;
			if (i <= j) {
				t = v[i], v[i] = v[j], v[j] = t;
				i++;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
}

static void quantiles_from_values(struct acc *a)
{
	static const double p[] = {0.25, 0.5, 0.75};
	double *q[] = {&a->out.q1, &a->out.median, &a->out.q3}, x[NRANKS];
	uint64_t r[NRANKS], from = 0;
	size_t i;
	int k;

	for (i = 0; i < a->nvals; i++)
		a->out.bins[bin_of(a, a->vals[i])]++;
	wanted_ranks(a->nvals, r);
	for (k = 0; k < NRANKS; k++) { /* ranks ascend: each search starts at the last one */
		select_kth(a->vals + from, a->nvals - from, r[k] - from);
		x[k] = a->vals[r[k]];
		from = r[k];
	}
	for (k = 0; k < 3; k++)
		*q[k] = interp(x[2 * k], x[2 * k + 1], a->nvals, p[k]);
	a->out.quant_exact = 1;
}

struct vc {
	double v;
	uint64_t c;
};

static int cmp_vc(const void *a, const void *b)
{
	return cmp_double(&((const struct vc *)a)->v, &((const struct vc *)b)->v);
}

static void quantiles_from_distinct(struct acc *a)
{
	static const double p[] = {0.25, 0.5, 0.75};
	double *q[] = {&a->out.q1, &a->out.median, &a->out.q3}, x[NRANKS];
	struct vc *vc = xmalloc((a->d.used ? a->d.used : 1) * sizeof *vc);
	uint64_t r[NRANKS], cum = 0;
	const struct dentry *e;
	struct value v;
	size_t i, n = 0;
	int k = 0;

	for (i = 0; i < a->d.cap; i++) {
		e = &a->d.slot[i];
		if (!e->count)
			continue;
		value_parse(a->d.keys + e->off, e->len, &v);
		if (v.kind == VAL_INT || v.kind == VAL_FLOAT)
			vc[n++] = (struct vc){v.num, e->count};
	}
	qsort(vc, n, sizeof *vc, cmp_vc);
	wanted_ranks(a->nnum, r);
	for (i = 0; i < n; i++) {
		a->out.bins[bin_of(a, vc[i].v)] += vc[i].c;
		cum += vc[i].c;
		while (k < NRANKS && r[k] < cum)
			x[k++] = vc[i].v;
	}
	for (k = 0; k < 3; k++)
		*q[k] = interp(x[2 * k], x[2 * k + 1], a->nnum, p[k]);
	a->out.quant_exact = 1;
	free(vc);
}

static enum col_type decide_type(const struct acc *a, uint64_t *fit)
{
	uint64_t num = a->kinds[VAL_INT] + a->kinds[VAL_FLOAT];
	uint64_t date = a->kinds[VAL_DATE] + a->kinds[VAL_DATETIME];
	uint64_t nonnull = num + date + a->kinds[VAL_BOOL] + a->kinds[VAL_TEXT];

	*fit = nonnull;
	if (!nonnull)
		return COL_EMPTY;
	if (a->lead0 && !a->kinds[VAL_FLOAT])
		return COL_TEXT; /* identifiers with leading zeros: the digits matter */
	if (num >= date && num >= a->kinds[VAL_BOOL] && num >= a->kinds[VAL_TEXT] && num) {
		*fit = num;
		return a->kinds[VAL_FLOAT] ? COL_FLOAT : COL_INT;
	}
	if (date >= a->kinds[VAL_BOOL] && date >= a->kinds[VAL_TEXT] && date) {
		*fit = date;
		return a->kinds[VAL_DATETIME] ? COL_DATETIME : COL_DATE;
	}
	if (a->kinds[VAL_BOOL] >= a->kinds[VAL_TEXT]) {
		*fit = a->kinds[VAL_BOOL];
		return COL_BOOL;
	}
	return COL_TEXT; /* every value fits text */
}

static void format_date(double t, int with_time, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		snprintf(buf, len, "?");
	else
		strftime(buf, len, with_time ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d", &tm);
}

static void finish_months(struct acc *a)
{
	int first = 0, last = NMONTHS - 1;

	if (!a->months)
		return;
	while (first < NMONTHS && !a->months[first])
		first++;
	while (last > first && !a->months[last])
		last--;
	if (first >= NMONTHS)
		return;
	memmove(a->months, a->months + first, (size_t)(last - first + 1) * sizeof *a->months);
	a->out.month0 = MONTH_FIRST + first;
	a->out.nmonths = last - first + 1;
	a->out.months = a->months;
}

static void finish_top(struct acc *a)
{
	size_t idx[STATS_TOP], n, k;
	const struct dentry *e;

	n = distinct_top(&a->d, STATS_TOP, idx);
	for (k = 0; k < n; k++) {
		e = &a->d.slot[idx[k]];
		a->out.top[k].value = xstrndup(a->d.keys + e->off, e->len);
		a->out.top[k].count = e->count;
	}
	a->out.ntop = (int)n;
	a->out.top_exact = !distinct_full(&a->d);
	a->out.distinct_exact = a->out.top_exact;
	a->out.distinct =
	    a->out.distinct_exact ? a->d.used : (uint64_t)llround(hll_estimate(&a->h));
}

static void finish_numbers(struct stats *s, struct acc *a)
{
	struct col_stats *o = &a->out;

	o->nnum = a->nnum;
	if (!a->nnum)
		return;
	o->min = a->min;
	o->max = a->max;
	o->mean =
	    a->isum_ok && a->kinds[VAL_FLOAT] == 0 ? (double)a->isum / (double)a->nnum : a->mean;
	o->sum =
	    a->isum_ok && a->kinds[VAL_FLOAT] == 0 ? (double)a->isum : a->mean * (double)a->nnum;
	o->stddev = a->nnum > 1 ? sqrt(a->m2 / (double)(a->nnum - 1)) : 0;
	o->nbins = STATS_BINS;
	if (!a->vals && !a->bucket) /* never held: the distinct set has every number */
		quantiles_from_distinct(a);
	else if (a->bucket && (s->in_pass2 ? a->from_distinct : distinct_covers(a)))
		quantiles_from_distinct(a);
	else if (a->bucket) {
		if (!s->in_pass2) { /* no second pass was made: bucket ranges only */
			a->approx = 1;
			plan_ranks(s, a);
		}
		quantiles_from_buckets(a);
	} else if (a->vals)
		quantiles_from_values(a);
	if (a->approx) {
		o->q_err = 1.0 / 16;
		note(s,
		     "column \"%s\": quartiles are approximate (within 1/16 of their value): the "
		     "values around them need more than half the memory budget",
		     o->name);
	}
}

static void finish_col(struct stats *s, size_t i)
{
	struct acc *a = &s->acc[i];
	struct col_stats *o = &a->out;
	uint64_t fit;

	o->name = s->names[i];
	o->nulls = a->kinds[VAL_NULL];
	o->type = decide_type(a, &fit);
	o->n = s->rows - o->nulls;
	o->misfit = o->n - fit;
	finish_numbers(s, a);
	if (a->dmin <= a->dmax) {
		format_date(a->dmin, o->type == COL_DATETIME, o->date_min, sizeof o->date_min);
		format_date(a->dmax, o->type == COL_DATETIME, o->date_max, sizeof o->date_max);
	}
	finish_months(a);
	o->len_min = o->n ? a->lmin : 0;
	o->len_max = a->lmax;
	o->len_mean = o->n ? a->lsum / (double)o->n : 0;
	finish_top(a);
	if (!o->distinct_exact)
		note(s,
		     "column \"%s\": distinct count estimated (HyperLogLog, standard error 0.81%%) "
		     "and top values are lower bounds: more distinct values than the memory budget "
		     "allows",
		     o->name);
}

/* The series of the time column, when it turned out to be a date column,
 * with the numeric columns among the first STATS_SERIES followed. */
static void finish_series(struct stats *s)
{
	const struct col_stats *c;
	size_t keep[STATS_SERIES], n = 0, k;

	if (!s->ts || s->tcol < 0)
		return;
	c = &s->acc[s->tcol].out;
	if (c->type != COL_DATE && c->type != COL_DATETIME)
		return;
	for (k = 0; k < s->ncorr && k < STATS_SERIES; k++) {
		c = &s->acc[s->corr_col[k]].out;
		if ((c->type == COL_INT || c->type == COL_FLOAT) && (int)s->corr_col[k] != s->gcol) {
			s->series.series_col[n] = s->corr_col[k];
			keep[n++] = k;
		}
	}
	if (ts_acc_finish(s->ts, keep, n, &s->series) < 0)
		return;
	s->series.col = (size_t)s->tcol;
	s->series.nseries = n;
	s->has_series = 1;
}

void stats_finish(struct stats *s)
{
	size_t i;

	corr_flush(s);
	for (i = 0; i < s->ncols; i++) {
		moments_flush(&s->acc[i]);
		finish_col(s, i);
	}
	finish_series(s);
}

const struct time_series *stats_series(const struct stats *s)
{
	return s->has_series ? &s->series : NULL;
}

size_t stats_ncols(const struct stats *s)
{
	return s->ncols;
}
uint64_t stats_rows(const struct stats *s)
{
	return s->rows;
}
const struct col_stats *stats_col(const struct stats *s, size_t i)
{
	return &s->acc[i].out;
}
size_t stats_ngroups(const struct stats *s)
{
	return s->ngroups;
}
const struct group_stats *stats_group(const struct stats *s, size_t i)
{
	return &s->groups[i];
}
size_t stats_nnotes(const struct stats *s)
{
	return s->nnotes;
}
const char *stats_note(const struct stats *s, size_t i)
{
	return s->notes[i];
}

double stats_corr(const struct stats *s, size_t i, size_t j, uint64_t *pairs)
{
	int a = s->acc[i].corr, b = s->acc[j].corr, t;
	const struct pair *p;
	enum col_type ti = s->acc[i].out.type, tj = s->acc[j].out.type;

	if (pairs)
		*pairs = 0;
	if (a < 0 || b < 0 || a == b || (ti != COL_INT && ti != COL_FLOAT) ||
	    (tj != COL_INT && tj != COL_FLOAT))
		return NAN;
	if (a > b)
		t = a, a = b, b = t;
	p = &s->pairs[a][b];
	if (pairs)
		*pairs = p->n;
	if (p->n < 3 || p->m2x <= 0 || p->m2y <= 0)
		return NAN;
	return p->cxy / sqrt(p->m2x * p->m2y);
}
