/*
 * csv/distinct.c: distinct values of a column: an exact counting set bounded
 * in bytes (it also gives the top values) and a HyperLogLog for when the set
 * is full.  Keys are compared by a 64-bit hash (a collision needs about 4e9
 * distinct values to become likely) and only their first bytes are kept.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv_internal.h"
#include "va/util.h"

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* wyhash's folded 128-bit multiply: 16 bytes per multiply, strong mixing. */
static uint64_t mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t hash64(const char *s, size_t n)
{
	static const uint64_t p0 = 0xa0761d6478bd642fULL, p1 = 0xe7037ed1a0b428dbULL,
	                      p2 = 0x8ebc6af09c88c6e3ULL;
	uint64_t seed = p0 ^ mix64(n), a = 0, b = 0;
	size_t len = n;

	while (n > 16) {
		memcpy(&a, s, 8);
		memcpy(&b, s + 8, 8);
		seed = mum(a ^ p1, b ^ seed);
		s += 16;
		n -= 16;
	}
	a = b = 0;
	if (n > 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + 8, n - 8);
	} else
		memcpy(&a, s, n);
	return mix64(mum(a ^ p1, b ^ seed ^ p2) ^ len);
}

void distinct_init(struct distinct *d, size_t limit_bytes)
{
	memset(d, 0, sizeof *d);
	d->limit_bytes = limit_bytes;
}

void distinct_release(struct distinct *d)
{
	free(d->slot);
	free(d->keys);
	memset(d, 0, sizeof *d);
}

int distinct_full(const struct distinct *d)
{
	return d->refused > 0;
}

static void rehash(struct distinct *d)
{
	struct dentry *old = d->slot;
	size_t oldcap = d->cap, i, j;

	d->cap = d->cap ? d->cap * 2 : 64;
	d->slot = xcalloc(d->cap, sizeof *d->slot);
	for (i = 0; i < oldcap; i++) {
		if (!old[i].count)
			continue;
		for (j = old[i].hash & (d->cap - 1); d->slot[j].count; j = (j + 1) & (d->cap - 1))
			;
		d->slot[j] = old[i];
	}
	free(old);
}

void distinct_add(struct distinct *d, uint64_t h, const char *s, size_t n)
{
	size_t j, keep;

	if (d->cap) {
		for (j = h & (d->cap - 1); d->slot[j].count; j = (j + 1) & (d->cap - 1))
			if (d->slot[j].hash == h) {
				d->slot[j].count++;
				return;
			}
	}
	keep = n < DISTINCT_KEEP ? n : DISTINCT_KEEP;
	if (d->bytes + sizeof(struct dentry) * 2 + keep > d->limit_bytes) {
		d->refused++;
		return;
	}
	if ((d->used + 1) * 4 > d->cap * 3) /* keep the load under 3/4 */
		rehash(d);
	for (j = h & (d->cap - 1); d->slot[j].count; j = (j + 1) & (d->cap - 1))
		;
	xgrow((void **)&d->keys, &d->keys_cap, d->keys_len + keep, 1);
	memcpy(d->keys + d->keys_len, s, keep);
	d->slot[j] = (struct dentry){h, 1, (uint32_t)d->keys_len, (uint32_t)keep};
	d->keys_len += keep;
	d->used++;
	d->bytes = d->cap * sizeof(struct dentry) + d->keys_cap;
}

static int by_count(const void *a, const void *b, void *arg)
{
	const struct distinct *sort_d = arg;
	const struct dentry *x = &sort_d->slot[*(const size_t *)a];
	const struct dentry *y = &sort_d->slot[*(const size_t *)b];
	uint32_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	c = memcmp(sort_d->keys + x->off, sort_d->keys + y->off, n);
	return c ? c : (int)x->len - (int)y->len;
}

size_t distinct_top(const struct distinct *d, size_t k, size_t *out)
{
	size_t i, n = 0, *all;

	if (!d->used)
		return 0;
	all = xmalloc(d->used * sizeof *all);
	for (i = 0; i < d->cap; i++)
		if (d->slot[i].count)
			all[n++] = i;
	qsort_r(all, n, sizeof *all, by_count,
	        (void *)d); /* qsort_r: analyses may run in threads */
	if (k > n)
		k = n;
	memcpy(out, all, k * sizeof *out);
	free(all);
	return k;
}

void hll_add(struct hll *h, uint64_t hash)
{
	uint64_t rest;
	unsigned idx, rank;

	if (!h->reg)
		h->reg = xcalloc(1u << HLL_P, 1);
	idx = (unsigned)(hash >> (64 - HLL_P));
	rest = hash << HLL_P;
	rank = rest ? (unsigned)__builtin_clzll(rest) + 1 : 64 - HLL_P + 1;
	if (rank > h->reg[idx])
		h->reg[idx] = (uint8_t)rank;
}

double hll_estimate(const struct hll *h)
{
	const double m = 1u << HLL_P, alpha = 0.7213 / (1 + 1.079 / m);
	double sum = 0, e;
	unsigned i, zeros = 0;

	if (!h->reg)
		return 0;
	for (i = 0; i < (1u << HLL_P); i++) {
		sum += ldexp(1.0, -h->reg[i]);
		zeros += h->reg[i] == 0;
	}
	e = alpha * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros); /* linear counting for small cardinalities */
	return e;
}

void hll_release(struct hll *h)
{
	free(h->reg);
	h->reg = NULL;
}
