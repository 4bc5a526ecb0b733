/*
 * date: the Date header to seconds since the epoch.
 *
 * Reads RFC 5322 dates and what real mail writes instead: no weekday, two-
 * or three-digit years, one-digit days and times, named zones (EST, PDT,
 * GMT, UT, CEST...), no zone at all (taken as UTC), comments such as
 * "(EDT)", asctime order ("Thu Aug 22 12:36:23 2002"), AM/PM, ISO 8601
 * ("2002-08-22T12:36:23Z") and "2002/09/14 Sat 13:06:03 GMT".  The value
 * is split into words, numbers, times and offsets, and each token fills
 * the field it can only be.  Pure.
 */
#include <stdint.h>
#include <string.h>

#include "va/mime.h"
#include "va/util.h"
#include "mime_internal.h"

#define NUMS_MAX 4

struct date {
	int year, mon, day; /* year -1, mon and day 0: not seen */
	int year_digits;
	int hour, min, sec;
	int have_time;
	int zone; /* minutes east of UTC */
	int have_zone;
	int pm, am;
	long nums[NUMS_MAX]; /* bare numbers, in order: day and year */
	int digits[NUMS_MAX];
	int nnums;
};

static const char *const months[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};

/* Zone abbreviations seen in mail, in minutes east of UTC. */
static const struct {
	const char *name;
	int minutes;
} zones[] = {
    {"ut", 0},     {"utc", 0},    {"gmt", 0},    {"z", 0},       {"wet", 0},     {"est", -300},
    {"edt", -240}, {"cst", -360}, {"cdt", -300}, {"mst", -420},  {"mdt", -360},  {"pst", -480},
    {"pdt", -420}, {"ast", -240}, {"adt", -180}, {"akst", -540}, {"akdt", -480}, {"hst", -600},
    {"nst", -210}, {"ndt", -150}, {"bst", 60},   {"west", 60},   {"cet", 60},    {"met", 60},
    {"mez", 60},   {"cest", 120}, {"mest", 120}, {"mesz", 120},  {"eet", 120},   {"eest", 180},
    {"msk", 180},  {"msd", 240},  {"hkt", 480},  {"sgt", 480},   {"awst", 480},  {"jst", 540},
    {"kst", 540},  {"acst", 570}, {"aest", 600}, {"aedt", 660},  {"nzst", 720},  {"nzdt", 780},
};

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Read up to `max` digits; returns the number of digits read. */
static int read_num(const char **pp, int max, long *v)
{
	const char *p = *pp;
	int n = 0;

	*v = 0;
	while (n < max && is_digit(*p)) {
		*v = *v * 10 + (*p++ - '0');
		n++;
	}
	*pp = p;
	return n;
}

static const char *skip_comment(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
		else if (*p == '\\' && p[1])
			p++;
	}
	return p;
}

static void take_word(struct date *d, const char *w, size_t n)
{
	char low[16];
	size_t i;

	if (n >= sizeof low)
		return;
	for (i = 0; i < n; i++)
		low[i] = (char)(w[i] | 0x20);
	low[n] = '\0';
	for (i = 0; i < 12 && n >= 3; i++)
		if (strncmp(months[i], low, n) == 0 && !d->mon)
			d->mon = (int)i + 1;
	for (i = 0; i < VA_ARRAY_LEN(zones); i++)
		if (strcmp(zones[i].name, low) == 0 && !d->have_zone)
			d->zone = zones[i].minutes, d->have_zone = 1;
	if (strcmp(low, "pm") == 0)
		d->pm = 1;
	else if (strcmp(low, "am") == 0)
		d->am = 1;
}

/* "h:m" or "h:m:s" (one or two digits each); p is at the hour. */
static const char *take_time(struct date *d, const char *p)
{
	long h, m, s = 0;

	read_num(&p, 2, &h);
	p++; /* ':' */
	if (!read_num(&p, 2, &m))
		return p;
	if (*p == ':' && is_digit(p[1])) {
		p++;
		read_num(&p, 2, &s);
	}
	if (*p == '.') /* fractions of a second */
		while (is_digit(*++p))
			;
	if (!d->have_time) {
		d->hour = (int)h, d->min = (int)m, d->sec = (int)s;
		d->have_time = 1;
	}
	return p;
}

/* "+hhmm", "-hh:mm", "+hh"; p is at the sign. */
static const char *take_offset(struct date *d, const char *p)
{
	int sign = *p++ == '-' ? -1 : 1;
	long a, b = 0;
	int n = read_num(&p, 4, &a);

	if (n <= 2 && *p == ':' && is_digit(p[1])) {
		p++;
		read_num(&p, 2, &b);
	} else if (n >= 3) {
		b = a % 100;
		a /= 100;
	}
	if (a <= 14 && b < 60) {
		d->zone = sign * (int)(a * 60 + b);
		d->have_zone = 1;
	}
	return p;
}

/* A bare number: day or year; "yyyy-mm-dd" and "yyyy/mm/dd" are taken whole. */
static const char *take_number(struct date *d, const char *p)
{
	long v, m, dd;
	int n = read_num(&p, 9, &v);

	if (n == 4 && (*p == '-' || *p == '/') && is_digit(p[1])) {
		const char *q = p + 1;
		if (read_num(&q, 2, &m) && *q == *p && is_digit(q[1])) {
			q++;
			read_num(&q, 2, &dd);
			d->year = (int)v, d->mon = (int)m, d->day = (int)dd;
			d->year_digits = 4;
			return q;
		}
	}
	if (d->nnums < NUMS_MAX) {
		d->nums[d->nnums] = v;
		d->digits[d->nnums++] = n;
	}
	return p;
}

static void tokenize(struct date *d, const char *p)
{
	while (*p) {
		const char *s = p;
		if (*p == '(') {
			p = skip_comment(p);
		} else if (is_alpha(*p)) {
			while (is_alpha(*p))
				p++;
			take_word(d, s, (size_t)(p - s));
		} else if (is_digit(*p)) {
			const char *q = p;
			while (is_digit(*q))
				q++;
			p = *q == ':' && q - p <= 2 ? take_time(d, p) : take_number(d, p);
		} else if ((*p == '+' || *p == '-') && d->have_time && is_digit(p[1])) {
			p = take_offset(d, p);
		} else {
			p++;
		}
	}
}

/* Give the bare numbers their roles: a 3+ digit or > 31 number is the
 * year, the first other one the day, the next the (two-digit) year; a
 * four-digit number after the year and time is an offset without its sign. */
static void assign_numbers(struct date *d)
{
	int i;

	for (i = 0; i < d->nnums; i++) {
		long v = d->nums[i];
		if (d->year >= 0 && d->have_time && !d->have_zone && d->digits[i] == 4 &&
		    v % 100 < 60) {
			d->zone = (int)(v / 100 * 60 + v % 100); /* "+" forgotten */
			d->have_zone = 1;
		} else if (d->year < 0 && (d->digits[i] >= 3 || v > 31)) {
			d->year = (int)v, d->year_digits = d->digits[i];
		} else if (!d->day) {
			d->day = (int)v;
		} else if (d->year < 0) {
			d->year = (int)v, d->year_digits = d->digits[i];
		}
	}
	if (d->year >= 0 && d->year < 50 && d->year_digits <= 2)
		d->year += 2000;
	else if (d->year >= 0 && d->year < 1000)
		d->year += 1900;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return days[m - 1] + (m == 2 && is_leap(y));
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_since_epoch(int y, int m, int d)
{
	static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	int64_t py = y - 1, p70 = 1969;
	int64_t days = py * 365 + py / 4 - py / 100 + py / 400;

	days -= p70 * 365 + p70 / 4 - p70 / 100 + p70 / 400;
	return days + before[m - 1] + (m > 2 && is_leap(y)) + d - 1;
}

static int date_valid(struct date *d)
{
	if (d->pm && d->hour < 12)
		d->hour += 12;
	else if (d->am && d->hour == 12)
		d->hour = 0;
	return d->year >= 1900 && d->year <= 9999 && d->mon >= 1 && d->mon <= 12 && d->day >= 1 &&
	       d->day <= days_in_month(d->year, d->mon) && d->hour < 24 && d->min < 60 &&
	       d->sec <= 60;
}

int64_t mime_parse_date(const char *value)
{
	struct date d;

	if (!value)
		return 0;
	memset(&d, 0, sizeof d);
	d.year = -1;
	tokenize(&d, value);
	assign_numbers(&d);
	if (!date_valid(&d))
		return 0;
	return days_since_epoch(d.year, d.mon, d.day) * 86400 + d.hour * 3600 + d.min * 60 + d.sec -
	       (int64_t)d.zone * 60;
}
