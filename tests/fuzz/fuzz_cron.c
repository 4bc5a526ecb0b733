/*
 * fuzz_cron: cron expressions (cron_parse) and the next runs of what parsed
 * (cron_next, in a time zone with DST), interval specs (schedule_parse) and
 * times typed by a person (schedule_time_parse).
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "va/cron.h"
#include "va/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int tz_set;
	/* 2026-03-29 00:30 UTC (the night Europe/Berlin springs forward) and
	 * 2026-10-25 00:30 UTC (the night it falls back: a repeated hour). */
	static const int64_t starts[] = {1774744200, 1792888200, 0};
	struct cron c;
	struct schedule s;
	char *expr, *cause = NULL;
	int64_t t;
	size_t i;
	int k;

	if (size > 512)
		return 0;
	if (!tz_set) {
		setenv("TZ", "Europe/Berlin", 1);
		tzset();
		tz_set = 1;
	}
	expr = xstrndup((const char *)data, size);
	if (cron_parse(&c, expr, &cause) == 0) {
		for (i = 0; i < sizeof starts / sizeof starts[0]; i++) {
			t = starts[i];
			for (k = 0; k < 3 && t >= 0; k++) {
				int64_t next = cron_next(&c, t);
				if (next >= 0 && next <= t)
					abort();
				t = next;
			}
		}
	}
	x_free(&cause);
	if (schedule_parse(&s, "every", expr, &cause) == 0)
		(void)schedule_next(&s, starts[0]);
	x_free(&cause);
	if (schedule_parse(&s, "cron", expr, &cause) == 0)
		(void)schedule_next(&s, starts[1]);
	x_free(&cause);
	(void)schedule_time_parse(expr, starts[0], &cause);
	x_free(&cause);
	free(expr);
	return 0;
}
