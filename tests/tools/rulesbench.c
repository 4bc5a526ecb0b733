/*
 * rulesbench: time the rules engine over real messages.
 *
 *   rulesbench [--count N] [--runs R] RULES MAILDIR
 *
 * RULES is a rule file or directory; every enabled rule must have trigger
 * "received" and none may "stop", so each message costs exactly one
 * evaluation per rule.  The messages (MAILDIR/cur, or MAILDIR itself when it
 * has no cur/) are read and parsed with mime_parse once, and given a
 * classification, flags and a date cycling over realistic values; that is
 * not timed.  Each run then evaluates N messages (cycling over the corpus)
 * through one rule_msg with rules_eval_all_msg(), as the app does, timing
 * the thread's CPU time (one core, whatever else the machine runs) and the
 * wall clock.  Prints one line per run and the median, and a last line
 * "result msgs_per_s=... evals_per_s=... hits=..." for scripts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "va/message.h"
#include "va/mime.h"
#include "va/rules.h"
#include "va/util.h"

struct corpus {
	struct message *m;
	size_t n, cap;
};

static double now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void classify(struct message *m, size_t i, int64_t now)
{
	static const char *const cats[] = {"important", "actionable", "followup", "promotional",
	                                   "spam"};

	m->category = xstrdup(cats[i % 5]);
	m->confidence = (int)((i * 37) % 101);
	m->flags = i % 3 ? MSG_SEEN : 0;
	if (!m->date)
		m->date = now - (int64_t)(i % 30) * 86400;
}

static size_t load_corpus(const char *dir, struct corpus *c)
{
	char *cur = xasprintf("%s/cur", dir), **names = NULL, *raw, *cause = NULL;
	const char *base = dir_exists(cur) ? cur : dir;
	size_t n = 0, cap = 0, i, len;
	DIR *d = opendir(base);
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "rulesbench: cannot open %s\n", base);
		exit(2);
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		xgrow((void **)&names, &cap, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s/%s", base, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		raw = file_read(names[i], &len, &cause);
		xgrow((void **)&c->m, &c->cap, c->n + 1, sizeof(*c->m));
		message_init(&c->m[c->n]);
		if (raw && mime_parse(raw, len, &c->m[c->n], &cause) == 0) {
			classify(&c->m[c->n], c->n, time_now());
			c->n++;
		} else {
			message_release(&c->m[c->n]);
		}
		x_free(&cause);
		free(raw);
		free(names[i]);
	}
	free(names);
	free(cur);
	return c->n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One run: evaluate count messages; returns CPU seconds, *wall the wall clock. */
static double run(const struct ruleset *rs, const struct corpus *c, size_t count, size_t *hits,
                  double *wall)
{
	struct rule_msg *rm = rule_msg_new();
	struct rule_plan plan = {0};
	struct rule_env env = {time_now(), 0, -1};
	double t0 = now_s(CLOCK_THREAD_CPUTIME_ID), w0 = now_s(CLOCK_MONOTONIC), t;
	size_t i;

	*hits = 0;
	for (i = 0; i < count; i++) {
		env.known_sender = (int)(i & 1);
		rule_msg_set(rm, &c->m[i % c->n]);
		*hits += rules_eval_all_msg(rs, RT_RECEIVED, rm, &env, &plan);
		if (plan.n)
			rule_plan_release(&plan);
	}
	t = now_s(CLOCK_THREAD_CPUTIME_ID) - t0;
	*wall = now_s(CLOCK_MONOTONIC) - w0;
	rule_msg_free(rm);
	return t;
}

static size_t check_rules(const struct ruleset *rs)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++) {
		if (!rs->rules[i].enabled)
			continue;
		if (rs->rules[i].trigger != RT_RECEIVED || rs->rules[i].stop) {
			fprintf(stderr,
			        "rulesbench: rule \"%s\": want trigger received and no stop\n",
			        rs->rules[i].name);
			exit(2);
		}
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct ruleset rs = {0};
	struct corpus c = {0};
	size_t count = 100000, runs = 5, nrules, hits = 0, i;
	double cpu[64], wall[64];
	int a = 1;

	for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
		if (!strcmp(argv[a], "--count"))
			count = strtoul(argv[a + 1], NULL, 10);
		else if (!strcmp(argv[a], "--runs"))
			runs = strtoul(argv[a + 1], NULL, 10);
	}
	if (argc - a != 2 || runs < 1 || runs > 64 || count < 1) {
		fprintf(stderr, "usage: rulesbench [--count N] [--runs R] RULES MAILDIR\n");
		return 2;
	}
	if (dir_exists(argv[a]) ? rules_load_dir(&rs, argv[a]) : rules_load_file(&rs, argv[a])) {
		for (i = 0; i < rs.nerrors; i++)
			fprintf(stderr, "%s\n", rs.errors[i]);
		return 1;
	}
	nrules = check_rules(&rs);
	if (!load_corpus(argv[a + 1], &c)) {
		fprintf(stderr, "rulesbench: no messages in %s\n", argv[a + 1]);
		return 2;
	}
	printf("rules: %zu   messages: %zu parsed, %zu evaluated per run, %zu runs\n", nrules, c.n,
	       count, runs);
	for (i = 0; i < runs; i++) {
		cpu[i] = run(&rs, &c, count, &hits, &wall[i]);
		printf("run %zu: %.3f s cpu, %.3f s wall, %zu hits\n", i + 1, cpu[i], wall[i],
		       hits);
	}
	qsort(cpu, runs, sizeof(double), cmp_double);
	qsort(wall, runs, sizeof(double), cmp_double);
	printf("median: %.0f messages/s, %.0f rule evaluations/s (cpu time, one core; wall %.0f "
	       "messages/s)\n",
	       (double)count / cpu[runs / 2], (double)count * (double)nrules / cpu[runs / 2],
	       (double)count / wall[runs / 2]);
	printf("result msgs_per_s=%.0f evals_per_s=%.0f wall_msgs_per_s=%.0f rules=%zu hits=%zu\n",
	       (double)count / cpu[runs / 2], (double)count * (double)nrules / cpu[runs / 2],
	       (double)count / wall[runs / 2], nrules, hits);
	for (i = 0; i < c.n; i++)
		message_release(&c.m[i]);
	free(c.m);
	ruleset_release(&rs);
	return 0;
}
