/*
 * str: small string helpers, and the "did you mean" suggester used by every
 * parser that reports an unknown name.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "va/util.h"

int str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int str_ends(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

char *str_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int str_casecmp_ascii(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
		if (ca != cb || !ca)
			return ca - cb;
	}
}

size_t str_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *row, d;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	row = xmalloc((lb + 1) * sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

const char *str_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t bestd = 3, i;

	for (i = 0; i < n; i++) {
		size_t d = str_edit_distance(word, candidates[i]);
		if (d < bestd || (d == bestd && best == NULL && d < 3)) {
			bestd = d;
			best = candidates[i];
		}
	}
	return bestd <= 2 ? best : NULL;
}

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}

int64_t time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t parse_scaled(const char *s, const char *units, const int64_t *mult)
{
	char *end;
	long long v;
	const char *u;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	if (*end == '\0')
		u = units;
	else if (end[1] != '\0' && !(end[1] == 'B' && end[2] == '\0' && *units == 'b'))
		return -1;
	else if (!(u = strchr(units, tolower((unsigned char)*end))) || *u == '\0')
		return -1;
	if (v > INT64_MAX / mult[u - units]) /* "9999999999999999999w": unreadable, not UB */
		return -1;
	return v * mult[u - units];
}

int64_t duration_parse(const char *s)
{
	static const int64_t mult[] = {1, 1, 60, 3600, 86400, 604800};
	return parse_scaled(s, "_smhdw", mult);
}

int64_t size_parse(const char *s)
{
	static const int64_t mult[] = {1, 1, 1024, 1024 * 1024, 1024LL * 1024 * 1024};
	return parse_scaled(s, "bbkmg", mult);
}
