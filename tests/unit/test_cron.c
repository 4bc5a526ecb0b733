/* test_cron: cron parsing, next-run computation across DST (via TZ), and the
 * interval/one-off/time-parsing helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <pthread.h>

#include "va/cron.h"
#include "va/util.h"

static void set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* "YYYY-MM-DD HH:MM" read as UTC. */
static int64_t utc(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	assert_non_null(strptime(s, "%Y-%m-%d %H:%M", &tm));
	return (int64_t)timegm(&tm);
}

/* Local time with its zone abbreviation, in a static buffer. */
static const char *local(int64_t t)
{
	static char buf[64];
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %Z", &tm);
	return buf;
}

static struct cron parse_ok(const char *expr)
{
	struct cron c;
	char *cause = NULL;

	if (cron_parse(&c, expr, &cause) < 0)
		fail_msg("cron_parse(\"%s\"): %s", expr, cause);
	return c;
}

static void expect_next(const char *expr, int64_t after, const char *want)
{
	struct cron c = parse_ok(expr);
	int64_t t = cron_next(&c, after);

	assert_true(t > after);
	if (strcmp(local(t), want))
		fail_msg("\"%s\" after %s: got %s, want %s", expr, local(after), local(t), want);
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *expr, *needle;
	} bad[] = {
	    {"61 * * * *", "field 1 (minute): \"61\" is out of range 0-59"},
	    {"* * *", "want 5 fields"},
	    {"* * * * * *", "want 5 fields"},
	    {"a * * * *", "field 1 (minute): not a number or name"},
	    {"*/0 * * * *", "bad step"},
	    {"5-1 * * * *", "range runs backwards"},
	    {"* 24 * * *", "field 2 (hour)"},
	    {"* * 0 * *", "field 3 (day of month)"},
	    {"* * * 13 *", "field 4 (month)"},
	    {"* * * * 8", "field 5 (day of week)"},
	    {"1,,2 * * * *", "field 1 (minute): empty item"},
	    {"1x * * * *", "unexpected text"},
	};
	struct cron c, before;
	size_t i;

	(void)state;
	memset(&c, 0x5a, sizeof c);
	before = c;
	for (i = 0; i < VA_ARRAY_LEN(bad); i++) {
		char *cause = NULL;
		assert_int_equal(cron_parse(&c, bad[i].expr, &cause), -1);
		assert_non_null(cause);
		if (!strstr(cause, bad[i].needle))
			fail_msg("\"%s\": cause \"%s\" lacks \"%s\"", bad[i].expr, cause, bad[i].needle);
		assert_non_null(strstr(cause, "cannot parse cron expression"));
		free(cause);
		assert_memory_equal(&c, &before, sizeof c); /* untouched on failure */
	}
}

static void test_basic_utc(void **state)
{
	(void)state;
	set_tz("UTC");
	expect_next("*/15 * * * *", utc("2026-05-04 10:07"), "2026-05-04 10:15 UTC");
	expect_next("*/15 * * * *", utc("2026-05-04 10:15"), "2026-05-04 10:30 UTC");
	expect_next("0 9 * * mon-fri", utc("2026-05-09 10:00"), "2026-05-11 09:00 UTC"); /* Sat */
	expect_next("0 0 13 * fri", utc("2026-05-01 12:00"), "2026-05-08 00:00 UTC"); /* dom OR dow */
	expect_next("@daily", utc("2026-12-31 23:59"), "2027-01-01 00:00 UTC");
	expect_next("0 12 29 feb *", utc("2026-03-01 00:00"), "2028-02-29 12:00 UTC");
	expect_next("5 4 * * 7", utc("2026-05-04 00:00"), "2026-05-10 04:05 UTC"); /* 7 = Sunday */
	expect_next("0-10/5 8,20 * jan-mar *", utc("2026-05-04 00:00"), "2027-01-01 08:00 UTC");
	{
		struct cron c = parse_ok("0 0 30 2 *");
		assert_int_equal(cron_next(&c, utc("2026-01-01 00:00")), -1);
	}
}

static void test_dst_new_york(void **state)
{
	(void)state;
	set_tz("America/New_York");
	/* 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist. */
	expect_next("30 2 * * *", utc("2026-03-07 17:00"), "2026-03-08 03:00 EDT");
	expect_next("30 2 * * *", utc("2026-03-08 07:00"), "2026-03-09 02:30 EDT");
	expect_next("*/15 2 * * *", utc("2026-03-08 06:50"), "2026-03-08 03:00 EDT");
	expect_next("*/15 2 * * *", utc("2026-03-08 07:00"), "2026-03-09 02:00 EDT"); /* once */
	expect_next("0 3 * * *", utc("2026-03-08 05:00"), "2026-03-08 03:00 EDT");
	expect_next("0 1 * * *", utc("2026-03-08 05:00"), "2026-03-08 01:00 EST");
	/* 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice. */
	expect_next("30 1 * * *", utc("2026-10-31 16:00"), "2026-11-01 01:30 EDT");
	expect_next("30 1 * * *", utc("2026-11-01 05:30"), "2026-11-02 01:30 EST"); /* runs once */
	expect_next("*/30 * * * *", utc("2026-11-01 05:00"), "2026-11-01 01:30 EDT");
	expect_next("*/30 * * * *", utc("2026-11-01 05:30"), "2026-11-01 02:00 EST");
	/* Started during the repeated hour's second pass: the next new wall time. */
	expect_next("*/30 * * * *", utc("2026-11-01 06:10"), "2026-11-01 02:00 EST");
}

static void test_dst_berlin(void **state)
{
	(void)state;
	set_tz("Europe/Berlin");
	/* 2026-03-29: 02:00 CET jumps to 03:00 CEST. */
	expect_next("30 2 * * *", utc("2026-03-28 11:00"), "2026-03-29 03:00 CEST");
	expect_next("30 2 * * *", utc("2026-03-29 01:00"), "2026-03-30 02:30 CEST");
	/* 2026-10-25: 03:00 CEST falls back to 02:00 CET. */
	expect_next("30 2 * * *", utc("2026-10-24 10:00"), "2026-10-25 02:30 CEST");
	expect_next("30 2 * * *", utc("2026-10-25 00:30"), "2026-10-26 02:30 CET");
	expect_next("0 * * * *", utc("2026-10-25 00:30"), "2026-10-25 03:00 CET");
	expect_next("0 9 * * *", utc("2026-10-24 10:00"), "2026-10-25 09:00 CET");
}

static void test_local_to_utc(void **state)
{
	(void)state;
	set_tz("America/New_York");
	assert_string_equal(local(cron_local_to_utc(126, 2, 8, 2, 30, 0)), "2026-03-08 03:00 EDT");
	assert_string_equal(local(cron_local_to_utc(126, 10, 1, 1, 30, 0)), "2026-11-01 01:30 EDT");
	assert_int_equal(cron_local_to_utc(126, 10, 1, 1, 30, 0), utc("2026-11-01 05:30"));
}

static void test_schedules(void **state)
{
	struct schedule s;
	char *cause = NULL;

	(void)state;
	set_tz("UTC");
	assert_int_equal(schedule_parse(&s, "every", "15m", &cause), 0);
	assert_int_equal(s.every, 900);
	assert_int_equal(schedule_next(&s, 1000), 1900);
	assert_int_equal(schedule_parse(&s, "once", NULL, &cause), 0);
	assert_int_equal(schedule_next(&s, 1000), -1);
	assert_int_equal(schedule_parse(&s, "cron", "0 * * * *", &cause), 0);
	assert_int_equal(schedule_next(&s, utc("2026-05-04 10:07")), utc("2026-05-04 11:00"));
	assert_int_equal(schedule_parse(&s, "every", "15x", &cause), -1);
	assert_non_null(strstr(cause, "cannot parse interval \"15x\""));
	x_free(&cause);
	assert_int_equal(schedule_parse(&s, "every", "0s", &cause), -1);
	x_free(&cause);
	assert_int_equal(schedule_parse(&s, "weekly", NULL, &cause), -1);
	x_free(&cause);
}

static void test_time_parse(void **state)
{
	int64_t now = utc("2026-03-07 17:00");
	char *cause = NULL;

	(void)state;
	set_tz("America/New_York");
	assert_int_equal(schedule_time_parse("now", now, &cause), now);
	assert_int_equal(schedule_time_parse("+15m", now, &cause), now + 900);
	assert_int_equal(schedule_time_parse("2h", now, &cause), now + 7200);
	assert_int_equal(schedule_time_parse("@1234", now, &cause), 1234);
	assert_string_equal(local(schedule_time_parse("2026-03-08 02:30", now, &cause)),
	                    "2026-03-08 03:00 EDT");
	assert_string_equal(local(schedule_time_parse("2026-03-09T09:15:30", now, &cause)),
	                    "2026-03-09 09:15 EDT");
	assert_string_equal(local(schedule_time_parse("09:00", now, &cause)), "2026-03-08 09:00 EDT");
	assert_string_equal(local(schedule_time_parse("13:00", now, &cause)), "2026-03-07 13:00 EST");
	assert_int_equal(schedule_time_parse("25:00", now, &cause), -1);
	assert_non_null(strstr(cause, "cannot parse time \"25:00\""));
	x_free(&cause);
	assert_int_equal(schedule_time_parse("2026-13-01", now, &cause), -1);
	x_free(&cause);
	assert_int_equal(schedule_time_parse("soon", now, &cause), -1);
	x_free(&cause);
}

/* Per-job zones: the same expression in two zones, each DST-correct, while
 * the process zone is a third one, and from two threads at once (the zone
 * switch is locked: neither thread ever sees the other's zone). */
struct zone_case {
	const char *tz, *expr;
	int64_t     after, want;
	int         bad;
};

static void *zone_worker(void *arg)
{
	struct zone_case *c = arg;
	struct cron cr;
	int i;

	if (cron_parse(&cr, c->expr, NULL) < 0)
		c->bad = -1;
	for (i = 0; i < 2000; i++)
		if (cron_next_in(&cr, c->tz, c->after) != c->want)
			c->bad++;
	return NULL;
}

static void test_job_zones(void **state)
{
	struct cron c = parse_ok("0 9 * * 1-5");
	struct zone_case paris = {"Europe/Paris", "30 2 * * *", utc("2026-03-28 12:00"),
	                          utc("2026-03-29 01:00"), 0}; /* 02:30 does not exist: 03:00 CEST */
	struct zone_case york = {"America/New_York", "30 1 * * *", utc("2026-11-01 05:30"),
	                         utc("2026-11-02 06:30"), 0}; /* 01:30 repeated: ran once already */
	pthread_t a, b;
	char *cause = NULL;

	(void)state;
	set_tz("Asia/Tokyo");
	/* Monday 2026-11-23 10:00 UTC: 11:00 in Paris, 05:00 in New York. */
	assert_int_equal(cron_next_in(&c, "Europe/Paris", utc("2026-11-23 10:00")),
	                 utc("2026-11-24 08:00"));
	assert_int_equal(cron_next_in(&c, "America/New_York", utc("2026-11-23 10:00")),
	                 utc("2026-11-23 14:00"));
	assert_int_equal(cron_next_in(&c, NULL, utc("2026-11-23 10:00")), utc("2026-11-24 00:00"));
	assert_string_equal(getenv("TZ"), "Asia/Tokyo"); /* put back */
	/* Summer: Paris is UTC+2. */
	assert_int_equal(cron_next_in(&c, "Europe/Paris", utc("2026-07-01 12:00")),
	                 utc("2026-07-02 07:00"));
	assert_int_equal(pthread_create(&a, NULL, zone_worker, &paris), 0);
	assert_int_equal(pthread_create(&b, NULL, zone_worker, &york), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	assert_int_equal(paris.bad, 0);
	assert_int_equal(york.bad, 0);
	/* Schedules carry their zone. */
	{
		struct schedule s;
		assert_int_equal(schedule_parse(&s, "cron", "0 9 * * 1-5", &cause), 0);
		s.tz = "America/New_York";
		assert_int_equal(schedule_next(&s, utc("2026-11-23 10:00")), utc("2026-11-23 14:00"));
	}
	/* A local --at time in a zone. */
	assert_int_equal(schedule_time_parse_in("2026-12-01 09:00", "Asia/Kolkata", 0, &cause),
	                 utc("2026-12-01 03:30"));
}

static void test_zone_check(void **state)
{
	static const char *const bad[] = {"Mars/Olympus", "", "../../etc/passwd", "/etc/localtime",
	                                  "Europe/Paris;rm", "Europe"};
	char *cause = NULL;
	size_t i;

	(void)state;
	assert_int_equal(cron_zone_check("Europe/Paris", &cause), 0);
	assert_int_equal(cron_zone_check("UTC", &cause), 0);
	assert_int_equal(cron_zone_check("America/Argentina/Buenos_Aires", &cause), 0);
	for (i = 0; i < VA_ARRAY_LEN(bad); i++) {
		assert_int_equal(cron_zone_check(bad[i], &cause), -1);
		assert_non_null(strstr(cause, "unknown time zone"));
		free(cause);
		cause = NULL;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_errors),  cmocka_unit_test(test_basic_utc),
	    cmocka_unit_test(test_dst_new_york),  cmocka_unit_test(test_dst_berlin),
	    cmocka_unit_test(test_local_to_utc),  cmocka_unit_test(test_schedules),
	    cmocka_unit_test(test_time_parse),    cmocka_unit_test(test_job_zones),
	    cmocka_unit_test(test_zone_check),
	};
	return cmocka_run_group_tests_name("cron", tests, NULL, NULL);
}
