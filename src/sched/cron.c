/*
 * cron: parsing cron expressions and computing next runs (pure).
 *
 * The search walks local wall-clock time ("wall seconds": the local fields
 * read as if they were UTC, so timegm/gmtime do calendar arithmetic without
 * DST), skipping whole months, days and hours that cannot match, and maps
 * each matching wall time to an instant with cron_local_to_utc.  DST rules
 * are in cron.h.
 *
 * Time zones: glibc keeps one zone per process (TZ).  A schedule in another
 * zone switches TZ (setenv + tzset) for the length of one computation under
 * zone_lock, and every computation here that reads local time holds that
 * lock, so two threads never mix zones (tests/unit/test_cron.c runs Paris
 * and New York side by side).  Local-time reads elsewhere in the process
 * do not take the lock: during a switch (microseconds, on the scheduler
 * thread or while a job is added) they could see the job's zone.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "va/cron.h"
#include "va/util.h"

struct cron_field {
	const char *name;
	int         lo, hi;
	const char *const *names; /* names for lo.. or NULL */
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

static const struct cron_field fields[5] = {
    {"minute", 0, 59, NULL},     {"hour", 0, 23, NULL},           {"day of month", 1, 31, NULL},
    {"month", 1, 12, month_names}, {"day of week", 0, 7, day_names},
};

static const struct {
	const char *alias, *expr;
} aliases[] = {
    {"@hourly", "0 * * * *"}, {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
    {"@weekly", "0 0 * * 0"}, {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
};

/* A number or a name at *p; advances *p.  -1 when neither. */
static int parse_value(const struct cron_field *f, const char **p)
{
	char *end;
	long v;
	int i;

	if (isdigit((unsigned char)**p)) {
		errno = 0;
		v = strtol(*p, &end, 10);
		if (errno || v > 1000)
			return -1;
		*p = end;
		return (int)v;
	}
	for (i = 0; f->names && f->names[i]; i++)
		if (!strncasecmp(*p, f->names[i], 3) && !isalpha((unsigned char)(*p)[3])) {
			*p += 3;
			return f->lo + i;
		}
	return -1;
}

static int field_error(char **cause, const char *expr, int idx, const char *what, const char *item)
{
	return set_cause(cause, "cannot parse cron expression \"%s\": field %d (%s): %s \"%s\"", expr,
	                 idx + 1, fields[idx].name, what, item);
}

/* One comma-separated item: *, N, N-M, with an optional /S. */
static int parse_item(const char *item, int idx, uint64_t *bits, const char *expr, char **cause)
{
	const struct cron_field *f = &fields[idx];
	const char *p = item;
	int lo = f->lo, hi = f->hi, step = 1, v;

	if (*p == '*') {
		p++;
	} else {
		if ((lo = parse_value(f, &p)) < 0)
			return field_error(cause, expr, idx, "not a number or name", item);
		hi = lo;
		if (*p == '-') {
			p++;
			if ((hi = parse_value(f, &p)) < 0)
				return field_error(cause, expr, idx, "bad range end in", item);
		} else if (*p == '/') {
			hi = f->hi;
		}
	}
	if (*p == '/') {
		p++;
		if (!isdigit((unsigned char)*p) || (step = parse_value(f, &p)) <= 0)
			return field_error(cause, expr, idx, "bad step in", item);
	}
	if (*p)
		return field_error(cause, expr, idx, "unexpected text in", item);
	if (lo > hi)
		return field_error(cause, expr, idx, "range runs backwards in", item);
	if (lo < f->lo || hi > f->hi)
		return set_cause(cause, "cannot parse cron expression \"%s\": field %d (%s): \"%s\" is "
		                 "out of range %d-%d", expr, idx + 1, f->name, item, f->lo, f->hi);
	for (v = lo; v <= hi; v += step)
		*bits |= (uint64_t)1 << v;
	return 0;
}

static int parse_field(const char *text, int idx, uint64_t *bits, const char *expr, char **cause)
{
	char *copy = xstrdup(text), *item = copy, *comma;
	int rc = 0;

	*bits = 0;
	for (; item && rc == 0; item = comma ? comma + 1 : NULL) {
		if ((comma = strchr(item, ',')))
			*comma = 0;
		rc = *item ? parse_item(item, idx, bits, expr, cause)
		           : field_error(cause, expr, idx, "empty item in", text);
	}
	free(copy);
	return rc;
}

static const char *expand_alias(const char *expr)
{
	size_t i;

	for (i = 0; i < VA_ARRAY_LEN(aliases); i++)
		if (!str_casecmp_ascii(expr, aliases[i].alias))
			return aliases[i].expr;
	return expr;
}

int cron_parse(struct cron *c, const char *expr, char **cause)
{
	const char *text = expand_alias(expr);
	char *copy = xstrdup(text), *save = NULL, *tok[6];
	uint64_t bits[5];
	int n = 0, i, rc = 0;

	tok[0] = strtok_r(copy, " \t", &save);
	while (n < 5 && tok[n])
		tok[++n] = strtok_r(NULL, " \t", &save);
	if (n != 5 || tok[5]) {
		free(copy);
		return set_cause(cause, "cannot parse cron expression \"%s\": want 5 fields (minute hour "
		                 "day-of-month month day-of-week), got %s", expr, n < 5 ? "fewer" : "more");
	}
	for (i = 0; i < 5 && rc == 0; i++)
		rc = parse_field(tok[i], i, &bits[i], expr, cause);
	if (rc == 0) {
		c->minute = bits[0];
		c->hour = (uint32_t)bits[1];
		c->mday = (uint32_t)bits[2];
		c->month = (uint16_t)bits[3];
		c->wday = (uint8_t)((bits[4] | (bits[4] >> 7)) & 0x7f); /* 7 is Sunday too */
		c->mday_any = tok[2][0] == '*';
		c->wday_any = tok[4][0] == '*';
	}
	free(copy);
	return rc;
}

static pthread_mutex_t zone_lock = PTHREAD_MUTEX_INITIALIZER;

/* What zone_enter changed, for zone_leave to put back. */
struct zone_saved {
	char *tz;       /* TZ before, or NULL when it was unset */
	int   switched;
};

/* Take zone_lock and make `tz` (NULL or "": the process zone) current. */
static void zone_enter(const char *tz, struct zone_saved *z)
{
	const char *cur;

	pthread_mutex_lock(&zone_lock);
	z->tz = NULL;
	z->switched = 0;
	cur = getenv("TZ");
	if (!tz || !*tz || (cur && !strcmp(cur, tz)))
		return;
	z->tz = cur ? xstrdup(cur) : NULL;
	z->switched = 1;
	setenv("TZ", tz, 1);
	tzset();
}

static void zone_leave(struct zone_saved *z)
{
	if (z->switched) {
		if (z->tz)
			setenv("TZ", z->tz, 1);
		else
			unsetenv("TZ");
		tzset();
		free(z->tz);
	}
	pthread_mutex_unlock(&zone_lock);
}

void cron_set_zone(const char *tz)
{
	pthread_mutex_lock(&zone_lock);
	if (tz && *tz) {
		setenv("TZ", tz, 1);
		tzset();
	}
	pthread_mutex_unlock(&zone_lock);
}

int cron_zone_check(const char *tz, char **cause)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+-";
	const char *dir = getenv("TZDIR");
	char *path, magic[4];
	int fd = -1, good = 0;

	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if (tz && *tz && tz[0] != '/' && !strstr(tz, "..") && strspn(tz, ok) == strlen(tz)) {
		path = xasprintf("%s/%s", dir, tz);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		good = fd >= 0 && read(fd, magic, 4) == 4 && !memcmp(magic, "TZif", 4);
		if (fd >= 0)
			close(fd);
		free(path);
	}
	if (good)
		return 0;
	return set_cause(cause, "unknown time zone \"%s\": want a name from %s such as Europe/Paris",
	                 tz ? tz : "", dir);
}

/* Offset from UTC at instant t in the current time zone (zone_lock held). */
static long gmtoff_at(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_gmtoff;
}

/* First instant in (lo, hi] whose offset is `off`, given that hi has it. */
static int64_t transition_after(int64_t lo, int64_t hi, long off)
{
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (gmtoff_at(mid) == off)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* Map wall seconds to an instant (see cron.h for the DST rules). */
static int64_t wall_to_utc(int64_t wall)
{
	long before = gmtoff_at(wall - 86400), after = gmtoff_at(wall + 86400);
	int64_t a = wall - before, b = wall - after;
	int ok_a = gmtoff_at(a) == before, ok_b = gmtoff_at(b) == after;

	if (ok_a && ok_b)
		return a < b ? a : b;
	if (ok_a)
		return a;
	if (ok_b)
		return b;
	/* In a gap: the transition lies between the two readings. */
	return transition_after(a < b ? a : b, a < b ? b : a, after);
}

static int64_t local_to_utc(int year, int mon, int mday, int hour, int min, int sec)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = year;
	tm.tm_mon = mon;
	tm.tm_mday = mday;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	return wall_to_utc((int64_t)timegm(&tm));
}

int64_t cron_local_to_utc(int year, int mon, int mday, int hour, int min, int sec)
{
	struct zone_saved z;
	int64_t t;

	zone_enter(NULL, &z);
	t = local_to_utc(year, mon, mday, hour, min, sec);
	zone_leave(&z);
	return t;
}

static int64_t wall_of(int64_t t)
{
	return t + gmtoff_at(t);
}

static int day_matches(const struct cron *c, const struct tm *tm)
{
	int dom = (c->mday >> tm->tm_mday) & 1, dow = (c->wday >> tm->tm_wday) & 1;

	if (c->mday_any || c->wday_any)
		return dom && dow;
	return dom || dow;
}

/* The next matching wall time >= w, or -1 past `limit`. */
static int64_t next_wall_match(const struct cron *c, int64_t w, int64_t limit)
{
	struct tm tm;
	time_t tt;

	while (w <= limit) {
		tt = (time_t)w;
		gmtime_r(&tt, &tm);
		if (!((c->month >> (tm.tm_mon + 1)) & 1)) {
			tm.tm_mon++, tm.tm_mday = 1, tm.tm_hour = 0, tm.tm_min = 0;
		} else if (!day_matches(c, &tm)) {
			tm.tm_mday++, tm.tm_hour = 0, tm.tm_min = 0;
		} else if (!((c->hour >> tm.tm_hour) & 1)) {
			tm.tm_hour++, tm.tm_min = 0;
		} else if (!((c->minute >> tm.tm_min) & 1)) {
			tm.tm_min++;
		} else {
			return w;
		}
		tm.tm_sec = 0;
		w = (int64_t)timegm(&tm);
	}
	return -1;
}

/* cron_next in the current zone (zone_lock held). */
static int64_t next_here(const struct cron *c, int64_t after)
{
	int64_t w = wall_of(after), limit = w + 5 * 366 * 86400LL, t;

	w = w - (w % 60 + 60) % 60 + 60; /* the next whole minute */
	for (;;) {
		w = next_wall_match(c, w, limit);
		if (w < 0)
			return -1;
		t = wall_to_utc(w);
		if (t > after)
			return t;
		w += 60; /* repeated or gap time that already fired */
	}
}

int64_t cron_next_in(const struct cron *c, const char *tz, int64_t after)
{
	struct zone_saved z;
	int64_t t;

	zone_enter(tz, &z);
	t = next_here(c, after);
	zone_leave(&z);
	return t;
}

int64_t cron_next(const struct cron *c, int64_t after)
{
	return cron_next_in(c, NULL, after);
}

static const char *const kind_names[] = {"once", "every", "cron"};

const char *schedule_kind_name(enum schedule_kind k)
{
	return kind_names[k];
}

int schedule_parse(struct schedule *s, const char *kind, const char *spec, char **cause)
{
	memset(s, 0, sizeof *s);
	if (!kind || !strcmp(kind, "once")) {
		s->kind = SCHEDULE_ONCE;
		return 0;
	}
	if (!strcmp(kind, "every")) {
		s->kind = SCHEDULE_EVERY;
		s->every = spec ? duration_parse(spec) : -1;
		if (s->every <= 0)
			return set_cause(cause, "cannot parse interval \"%s\": want a duration such as 30s, "
			                 "15m, 2h, 1d", spec ? spec : "");
		return 0;
	}
	if (!strcmp(kind, "cron")) {
		s->kind = SCHEDULE_CRON;
		return cron_parse(&s->cron, spec ? spec : "", cause);
	}
	return set_cause(cause, "unknown schedule \"%s\" (want once, every or cron)", kind);
}

int64_t schedule_next(const struct schedule *s, int64_t prev)
{
	switch (s->kind) {
	case SCHEDULE_EVERY: return s->every > INT64_MAX - prev ? -1 : prev + s->every;
	case SCHEDULE_CRON: return cron_next_in(&s->cron, s->tz, prev);
	case SCHEDULE_ONCE: break;
	}
	return -1;
}

/* "HH:MM": the next time the local clock shows it. */
static int64_t parse_clock(int h, int m, int64_t now)
{
	time_t tt = (time_t)now;
	struct tm tm;
	int64_t t;
	int i;

	localtime_r(&tt, &tm);
	for (i = 0; i < 3; i++) {
		t = local_to_utc(tm.tm_year, tm.tm_mon, tm.tm_mday + i, h, m, 0);
		if (t > now)
			return t;
	}
	return -1;
}

/* "YYYY-MM-DD[( |T)HH:MM[:SS]]" in local time; -1 when it is not that. */
static int64_t parse_date_time(const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -1;
	s += n;
	if (*s == ' ' || *s == 'T') {
		if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) != 2)
			return -1;
		s += 1 + n;
		if (*s == ':' && sscanf(s + 1, "%2d%n", &sec, &n) == 1)
			s += 1 + n;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    sec < 0 || sec > 59)
		return -1;
	return local_to_utc(y - 1900, mo - 1, d, h, mi, sec);
}

int64_t schedule_time_parse(const char *s, int64_t now, char **cause)
{
	return schedule_time_parse_in(s, NULL, now, cause);
}

int64_t schedule_time_parse_in(const char *s, const char *tz, int64_t now, char **cause)
{
	struct zone_saved z;
	int h = 0, mi = 0, n = 0;
	int64_t v = -1;
	char *end;

	if (!strcmp(s, "now"))
		return now;
	if (s[0] == '@') {
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (!errno && end != s + 1 && !*end && v >= 0)
			return v;
	} else if ((v = duration_parse(s[0] == '+' ? s + 1 : s)) >= 0) {
		if (v <= INT64_MAX - now) /* else beyond any calendar: unreadable */
			return now + v;
	} else if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) == 2 && !s[n] && h >= 0 && h < 24 && mi >= 0 &&
	           mi < 60) {
		zone_enter(tz, &z);
		v = parse_clock(h, mi, now);
		zone_leave(&z);
		return v;
	} else {
		zone_enter(tz, &z);
		v = parse_date_time(s);
		zone_leave(&z);
		if (v >= 0)
			return v;
	}
	return set_cause(cause, "cannot parse time \"%s\": want now, +15m, HH:MM, YYYY-MM-DD HH:MM "
	                 "or @EPOCH", s);
}
