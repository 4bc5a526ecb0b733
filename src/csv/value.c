/*
 * csv/value.c: what one CSV cell is (null, integer, float, boolean, date,
 * date-time or text), with a fast number parser.
 *
 * strtod costs about 48 ns a field and dominates a CSV scan; most cells are
 * short decimals, which are exact as mantissa / 10^k when the mantissa fits
 * in 53 bits and k <= 22 (both operands exact, one correctly rounded
 * division).  Anything else falls back to strtod on a bounded copy.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "va/stats.h"
#include "va/util.h"

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static double slow_parse(const char *s, size_t n)
{
	char buf[128];

	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return strtod(buf, NULL);
}

#if LDBL_MANT_DIG >= 64
/* m / 10^-e for 18-19 digit mantissas (0.016666666666666666): m and 10^k
 * (k <= 27) are exact in x87 extended precision and the quotient is rounded
 * once to 64 bits; rounding that to double is then correct unless it landed
 * exactly on a midpoint between two doubles, which is left to strtod. */
static int extended_div(uint64_t m, int e, double *out)
{
	static const long double p10[] = {1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,
	                                  1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
	                                  1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L,
	                                  1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};
	long double x, half;
	double d, next;

	if (e >= 0 || e < -27)
		return 0;
	x = (long double)m / p10[-e];
	d = (double)x;
	if ((long double)d == x)
		return *out = d, 1;
	next = nextafter(d, (long double)d < x ? INFINITY : -INFINITY);
	half = ((long double)next - (long double)d) / 2;
	if (x - (long double)d == half || (long double)d - x == -half)
		return 0;
	*out = d;
	return 1;
}
#else
static int extended_div(uint64_t m, int e, double *out)
{
	(void)m, (void)e, (void)out;
	return 0;
}
#endif

/* The exponent part after 'e'/'E' at s[*i]; 0 when malformed. */
static int parse_exp(const char *s, size_t n, size_t *i, int *e)
{
	int neg = 0, v = 0, digits = 0;

	(*i)++;
	if (*i < n && (s[*i] == '+' || s[*i] == '-'))
		neg = s[(*i)++] == '-';
	for (; *i < n && is_digit(s[*i]); (*i)++, digits++)
		if (v < 10000)
			v = v * 10 + (s[*i] - '0');
	*e = neg ? -v : v;
	return digits > 0;
}

/* The common case: at most 18 characters of [+-]digits[.digits], where the
 * mantissa cannot overflow and needs no significant-digit bookkeeping.  1 or
 * 0 as num_parse, -1 to let the general parser decide (an exponent, a second
 * point, a mantissa past 2^53). */
static int num_short(const char *s, size_t n, double *out, int *is_int, int64_t *iv)
{
	uint64_t m = 0;
	size_t i = 0, digits = 0, frac = 0;
	int neg = 0, dot = 0;
	unsigned c;

	if (n && (s[0] == '-' || s[0] == '+'))
		neg = s[i++] == '-';
	if (i + 1 < n && s[i] == '0' && is_digit(s[i + 1]))
		return 0; /* leading zero: an identifier such as a zip code */
	for (; i < n; i++) {
		c = (unsigned)(unsigned char)s[i] - '0';
		if (c < 10) {
			m = m * 10 + c;
			digits++;
			frac += (size_t)dot;
		} else if (s[i] == '.' && !dot)
			dot = 1;
		else
			return -1;
	}
	if (!digits)
		return 0;
	if (!dot) {
		*is_int = 1;
		*iv = neg ? -(int64_t)m : (int64_t)m;
		*out = (double)*iv;
		return 1;
	}
	if (m >= (1ULL << 53))
		return -1;
	*is_int = 0;
	*out = (double)m / pow10_exact[frac];
	if (neg)
		*out = -*out;
	return 1;
}

/* Numbers of 8-32 characters that the short parser leaves (mantissas past
 * 2^53 such as 0.016666666666666666, exponents) may need the slow exact
 * division; columns of them usually repeat a few values, so the results are
 * kept in a small direct-mapped cache per thread (key: all their bytes). */
#define NCACHE 1024
struct num_memo {
	char key[32];
	uint8_t len, ok, is_int;
	double v;
};
static _Thread_local struct num_memo memo[NCACHE];

static struct num_memo *memo_slot(const char *s, size_t n)
{
	uint64_t a, b, c;

	memcpy(&a, s, 8);
	memcpy(&b, s + n / 2 - 4, 8);
	memcpy(&c, s + n - 8, 8);
	a = (a * 0x9e3779b97f4a7c15ULL) ^ (b * 0xc2b2ae3d27d4eb4fULL) ^ (c + n);
	return &memo[(a ^ (a >> 29)) * 0x165667b19e3779f9ULL >> (64 - 10)];
}

static int num_general(const char *s, size_t n, double *out, int *is_int, int64_t *iv);

int num_parse(const char *s, size_t n, double *out, int *is_int, int64_t *iv)
{
	struct num_memo *e;
	int rc;

	if (!n || (!is_digit(s[0]) && s[0] != '-' && s[0] != '+' && s[0] != '.'))
		return 0;
	if (n <= 18 && (rc = num_short(s, n, out, is_int, iv)) >= 0)
		return rc;
	if (n < 8 || n > sizeof e->key) /* short ones (exponents), very long ones */
		return num_general(s, n, out, is_int, iv);
	e = memo_slot(s, n);
	if (e->len == n && !memcmp(e->key, s, n)) {
		*out = e->v;
		*is_int = e->is_int;
		*iv = e->is_int ? (int64_t)e->v : 0;
		return e->ok;
	}
	rc = num_general(s, n, out, is_int, iv);
	if (rc && *is_int) /* a 19-digit integer: its int64 is not kept */
		return rc;
	memcpy(e->key, s, n);
	e->len = (uint8_t)n;
	e->ok = (uint8_t)rc;
	e->is_int = 0;
	e->v = rc ? *out : 0;
	return rc;
}

static int num_general(const char *s, size_t n, double *out, int *is_int, int64_t *iv)
{
	uint64_t m = 0;
	size_t i = 0, intdig = 0, fracdig = 0, sig = 0;
	int neg = 0, exp10 = 0, e = 0, dot = 0, expo = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i + 1 < n && s[i] == '0' && is_digit(s[i + 1]))
		return 0; /* leading zero: an identifier such as a zip code */
	for (; i < n && is_digit(s[i]); i++, intdig++)
		if (sig < 19 && (m || s[i] != '0'))
			m = m * 10 + (uint64_t)(s[i] - '0'), sig++;
		else if (sig >= 19)
			exp10++;
	if (i < n && s[i] == '.') {
		dot = 1;
		for (i++; i < n && is_digit(s[i]); i++, fracdig++)
			if (sig < 19 && (m || s[i] != '0'))
				m = m * 10 + (uint64_t)(s[i] - '0'), sig++, exp10--;
			else if (sig < 19)
				exp10--;
	}
	if (intdig + fracdig == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (!parse_exp(s, n, &i, &e))
			return 0;
		expo = 1;
	}
	if (i != n)
		return 0;
	*is_int = !dot && !expo && sig < 19 && exp10 == 0;
	if (*is_int) {
		*iv = neg ? -(int64_t)m : (int64_t)m;
		*out = (double)*iv;
		return 1;
	}
	exp10 += e;
	if (m < (1ULL << 53) && exp10 >= -22 && exp10 <= 22 && sig < 19)
		*out = exp10 < 0 ? (double)m / pow10_exact[-exp10] : (double)m * pow10_exact[exp10];
	else if (!(sig < 19 && extended_div(m, exp10, out)))
		*out = fabs(slow_parse(s, n));
	if (neg)
		*out = -*out;
	return isfinite(*out);
}

/* ---- dates ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Read exactly 1..max digits at s[*i]. */
static int digits(const char *s, size_t n, size_t *i, int min, int max, int *v)
{
	int k = 0;

	*v = 0;
	while (*i < n && k < max && is_digit(s[*i])) {
		*v = *v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k >= min;
}

#define M3(a, b, c) ((unsigned)(a) << 16 | (unsigned)(b) << 8 | (unsigned)(c))

static int month_name(const char *s, size_t n, size_t *i)
{
	static const unsigned names[12] = {
	    M3('j', 'a', 'n'), M3('f', 'e', 'b'), M3('m', 'a', 'r'), M3('a', 'p', 'r'),
	    M3('m', 'a', 'y'), M3('j', 'u', 'n'), M3('j', 'u', 'l'), M3('a', 'u', 'g'),
	    M3('s', 'e', 'p'), M3('o', 'c', 't'), M3('n', 'o', 'v'), M3('d', 'e', 'c')};
	unsigned lc;
	int k;

	if (*i + 3 > n)
		return 0;
	lc = M3(s[*i] | 0x20, s[*i + 1] | 0x20, s[*i + 2] | 0x20) & 0xffffff;
	for (k = 0; k < 12; k++)
		if (lc == names[k]) {
			*i += 3;
			while (*i < n && s[*i] >= 'a' && s[*i] <= 'z')
				(*i)++; /* "January" */
			return k + 1;
		}
	return 0;
}

/* Date part: Y-M-D, Y/M/D, M/D/Y, "Mon D YYYY", "D Mon YYYY". */
static int parse_ymd(const char *s, size_t n, size_t *i, int *y, int *m, int *d)
{
	size_t j = *i;
	int a, b, c;
	char sep;

	if ((*m = month_name(s, n, &j)) && j < n && s[j] == ' ' &&
	    (j++, digits(s, n, &j, 1, 2, d)) && j < n && (s[j] == ' ' || s[j] == ',') &&
	    (j += s[j] == ',', j < n && s[j] == ' ') && (j++, digits(s, n, &j, 4, 4, y)))
		return *i = j, 1;
	j = *i;
	if (!digits(s, n, &j, 1, 4, &a) || j >= n || (s[j] != '-' && s[j] != '/' && s[j] != ' '))
		return 0;
	sep = s[j++];
	if (sep == ' ') {
		if (!(*m = month_name(s, n, &j)) || j >= n || s[j++] != ' ' ||
		    !digits(s, n, &j, 4, 4, y))
			return 0;
		*d = a;
		return *i = j, 1;
	}
	if (!digits(s, n, &j, 1, 2, &b) || j >= n || s[j++] != sep || !digits(s, n, &j, 1, 4, &c))
		return 0;
	if (j - *i >= 8 && a >= 1000)
		*y = a, *m = b, *d = c;
	else if (sep == '/' && c >= 1000)
		*m = a, *d = b, *y = c;
	else
		return 0;
	*i = j;
	return 1;
}

/* Time part after the date: [T ]H:MM[:SS[.f]][Z|+hh[:]mm]; seconds of day. */
static int parse_hms(const char *s, size_t n, size_t *i, int64_t *secs)
{
	int h, mi, se = 0, oh = 0, om = 0, sign;

	if (*i >= n || (s[*i] != 'T' && s[*i] != ' '))
		return 0;
	(*i)++;
	if (!digits(s, n, i, 1, 2, &h) || *i >= n || s[(*i)++] != ':' ||
	    !digits(s, n, i, 2, 2, &mi))
		return 0;
	if (*i < n && s[*i] == ':' && ((*i)++, !digits(s, n, i, 2, 2, &se)))
		return 0;
	if (*i < n && s[*i] == '.')
		for ((*i)++; *i < n && is_digit(s[*i]); (*i)++)
			;
	if (*i < n && s[*i] == 'Z')
		(*i)++;
	else if (*i < n && (s[*i] == '+' || s[*i] == '-')) {
		sign = s[(*i)++] == '-' ? -1 : 1;
		if (!digits(s, n, i, 2, 2, &oh))
			return 0;
		if (*i < n && s[*i] == ':')
			(*i)++;
		digits(s, n, i, 2, 2, &om);
		se -= sign * (oh * 3600 + om * 60);
	}
	if (h > 24 || mi > 59 || se > 61 + 14 * 3600)
		return 0;
	*secs = (int64_t)h * 3600 + mi * 60 + se;
	return 1;
}

static int parse_date(const char *s, size_t n, struct value *v)
{
	size_t i = 0;
	int y, m, d;
	int64_t secs = 0;

	if (n < 6 || n > 40 || !parse_ymd(s, n, &i, &y, &m, &d))
		return 0;
	if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1000 || y > 9999)
		return 0;
	v->kind = VAL_DATE;
	if (i < n) {
		if (!parse_hms(s, n, &i, &secs) || i != n)
			return 0;
		v->kind = VAL_DATETIME;
	}
	v->num = (double)(days_from_civil(y, m, d) * 86400 + secs);
	return 1;
}

/* ---- cells ---- */

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

static int is_null(const char *s, size_t n)
{
	switch (n) {
	case 0: return 1;
	case 2: return s[0] == 'N' && s[1] == 'A';
	case 3: return !memcmp(s, "N/A", 3);
	case 4: return !memcmp(s, "null", 4) || !memcmp(s, "NULL", 4);
	default: return 0;
	}
}

static int parse_bool(const char *s, size_t n, struct value *v)
{
	static const struct {
		const char *w;
		int v;
		size_t n;
	} words[] = {{"true", 1, 4}, {"false", 0, 5}, {"yes", 1, 3}, {"no", 0, 2}};
	size_t k, j;

	for (k = 0; k < VA_ARRAY_LEN(words); k++) {
		if (words[k].n != n)
			continue;
		for (j = 0; j < n && (s[j] | 0x20) == words[k].w[j]; j++)
			;
		if (j == n) {
			v->kind = VAL_BOOL;
			v->num = words[k].v;
			return 1;
		}
	}
	return 0;
}

void value_parse(const char *s, size_t n, struct value *v)
{
	int is_int;

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	v->i = 0;
	v->lead0 = 0;
	if (is_null(s, n)) {
		v->kind = VAL_NULL;
		return;
	}
	if (num_parse(s, n, &v->num, &is_int, &v->i)) {
		v->kind = is_int ? VAL_INT : VAL_FLOAT;
		return;
	}
	if (parse_date(s, n, v) || (n <= 5 && parse_bool(s, n, v)))
		return;
	v->kind = VAL_TEXT;
	v->lead0 = n > 1 && s[0] == '0' && all_digits(s, n);
}
