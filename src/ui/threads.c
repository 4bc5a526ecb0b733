/*
 * threads: the inbox's thread view, as a pure function from the list's keys
 * (newest first; ids and thread ids only) to screen rows.  Messages of one thread are grouped where
 * the thread's newest message is, newest first inside the group; a thread
 * not in `open` shows as one row (its newest message) carrying the count.
 * O(n log n): two sorts of index arrays, no per-row scans.
 */
#include <stdlib.h>

#include "ui_internal.h"
#include "va/store.h"
#include "va/util.h"

struct tkey {
	int64_t thread; /* the thread id, or -(index+1) for a message without one */
	size_t  index;  /* position in the list */
	size_t  rank;   /* position of the thread's newest message */
};

static int by_thread(const void *a, const void *b)
{
	const struct tkey *x = a, *y = b;

	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int by_rank(const void *a, const void *b)
{
	const struct tkey *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int is_open(const int64_t *open, size_t nopen, int64_t thread)
{
	size_t i;

	for (i = 0; i < nopen; i++)
		if (open[i] == thread)
			return 1;
	return 0;
}

/* Keys sorted into display order (by the thread's newest message). */
static struct tkey *thread_keys(const struct store_key *keys, size_t n)
{
	struct tkey *k = xcalloc(n ? n : 1, sizeof(*k));
	size_t i, first = 0;

	for (i = 0; i < n; i++) {
		k[i].thread = keys[i].thread_id > 0 ? keys[i].thread_id : -(int64_t)(i + 1);
		k[i].index = i;
	}
	qsort(k, n, sizeof(*k), by_thread);
	for (i = 0; i < n; i++) {
		if (i == 0 || k[i].thread != k[i - 1].thread)
			first = k[i].index;
		k[i].rank = first;
	}
	qsort(k, n, sizeof(*k), by_rank);
	return k;
}

size_t thread_rows(const struct store_key *keys, size_t n, const int64_t *open, size_t nopen,
                   struct thread_row **out)
{
	struct tkey *k = thread_keys(keys, n);
	struct thread_row *r = xcalloc(n ? n : 1, sizeof(*r));
	size_t i = 0, j, rows = 0;

	while (i < n) {
		for (j = i + 1; j < n && k[j].rank == k[i].rank; j++)
			;
		if (j - i > 1 && !is_open(open, nopen, k[i].thread)) {
			r[rows].msg = k[i].index;
			r[rows++].count = j - i;
		} else {
			for (; i < j; i++) {
				r[rows].msg = k[i].index;
				r[rows].depth = i > 0 && k[i - 1].rank == k[i].rank;
				r[rows++].count = 0;
			}
		}
		i = j;
	}
	free(k);
	*out = r;
	return rows;
}
