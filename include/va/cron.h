/*
 * cron: when does a schedule fire next (L3, pure: no I/O, no clock reads).
 *
 * Three schedules: one-off ("once", an instant), interval ("every", a number
 * of seconds) and cron (five fields: minute hour day-of-month month
 * day-of-week; "*", N, N-M, "*" or N-M with "/S" steps, lists, month and day names, @hourly
 * @daily @weekly @monthly @yearly).  Cron fields are read in local wall-clock
 * time: the job's own zone when it has one (va jobs add --tz), else the
 * process time zone (TZ, which the scheduler sets from [general] timezone
 * before it starts threads).  Zones are switched under a lock (cron.c), so
 * threads may compute in different zones at once.
 *
 * DST: a wall-clock time that does not exist (the hour skipped in spring)
 * fires at the first valid instant after the gap, once; a wall-clock time
 * that happens twice (the hour repeated in autumn) fires once, at its first
 * occurrence.
 *
 * All instants are seconds since the epoch.  Pure but for the zone database
 * (/usr/share/zoneinfo, or $TZDIR) that zones are read from.
 */
#ifndef VA_CRON_H
#define VA_CRON_H

#include <stdint.h>

struct cron {
	uint64_t minute; /* bit N set: minute N matches */
	uint32_t hour;
	uint32_t mday;   /* bits 1-31 */
	uint16_t month;  /* bits 1-12 */
	uint8_t  wday;   /* bits 0-6, Sunday 0 */
	int      mday_any; /* the day-of-month field was "*" */
	int      wday_any;
};

/* Parse a 5-field expression (or an @alias).  0, or -1 with *cause naming the
 * field and the problem; *c is unchanged on failure. */
int cron_parse(struct cron *c, const char *expr, char **cause);

/* The first instant strictly after `after` that matches, or -1 when none
 * within five years (e.g. "0 0 30 2 *"); _in: in zone `tz` (an IANA name
 * that cron_zone_check accepted; NULL or "": the process zone). */
int64_t cron_next(const struct cron *c, int64_t after);
int64_t cron_next_in(const struct cron *c, const char *tz, int64_t after);

/* 0 when `tz` names a zone in the zone database (a TZif file under
 * $TZDIR or /usr/share/zoneinfo), else -1 with *cause: never a silent UTC. */
int cron_zone_check(const char *tz, char **cause);
/* Make `tz` the process zone (TZ), under the lock that zone switches take;
 * NULL or "" changes nothing. */
void cron_set_zone(const char *tz);

/* Local wall-clock fields (as in struct tm: year since 1900, month 0-11) to
 * an instant: a nonexistent time gives the end of the gap, a repeated time
 * its first occurrence. */
int64_t cron_local_to_utc(int year, int mon, int mday, int hour, int min, int sec);

enum schedule_kind { SCHEDULE_ONCE, SCHEDULE_EVERY, SCHEDULE_CRON };

struct schedule {
	enum schedule_kind kind;
	int64_t            every; /* SCHEDULE_EVERY: seconds, > 0 */
	struct cron        cron;  /* SCHEDULE_CRON */
	const char        *tz;    /* SCHEDULE_CRON: its zone (borrowed), NULL: the process's;
	                             schedule_parse leaves it NULL */
};

/* kind is "once", "every" or "cron" (the jobs.schedule column); spec is NULL
 * for once, a duration ("15m") for every, the expression for cron. */
int schedule_parse(struct schedule *s, const char *kind, const char *spec, char **cause);
const char *schedule_kind_name(enum schedule_kind k);

/* The next occurrence after `prev` (the occurrence that just fired):
 * -1 for a one-off (it does not recur). */
int64_t schedule_next(const struct schedule *s, int64_t prev);

/* A time given by a person, relative to `now`: "now", "+15m" or "15m",
 * "@EPOCH", "HH:MM" (the next such local time), "YYYY-MM-DD", "YYYY-MM-DD
 * HH:MM[:SS]" or with a "T" (local time).  -1 with *cause when unreadable. */
int64_t schedule_time_parse(const char *s, int64_t now, char **cause);
/* The same with local times read in zone `tz` (NULL: the process zone). */
int64_t schedule_time_parse_in(const char *s, const char *tz, int64_t now, char **cause);

#endif
