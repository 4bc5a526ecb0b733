/*
 * csv/chart.c: gnuplot as a child process (no shell).  The script, with the
 * precomputed bins inline, goes to gnuplot's stdin; the chart comes back on
 * its stdout; its stderr is captured for the error message.  One process per
 * chart (gnuplot starts in ~15 ms).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "va/chart.h"
#include "va/util.h"

#define CHART_MAX_OUT (8u << 20)

/* gnuplot string literal contents: no quotes, backslashes or controls. */
static void add_label(struct strbuf *sb, const char *s, size_t max)
{
	size_t n = 0;

	for (; *s && n < max; s++, n++)
		sb_addc(sb, (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20) ? '\'' : *s);
}

static void term_line(struct strbuf *sb, enum chart_term term, int w, int h)
{
	if (term == CHART_DUMB)
		sb_addf(sb, "set terminal dumb size %d,%d\n", w, h);
	else
		sb_addf(sb, "set terminal svg size %d,%d font 'sans,10' background '#ffffff'\n", w,
		        h);
	sb_adds(sb, "set output\nunset key\nset border 3\nset tics nomirror\n");
}

static void script_hist(struct strbuf *sb, const struct col_stats *c)
{
	double w = c->nbins && c->max > c->min ? (c->max - c->min) / c->nbins : 1;
	int b;

	sb_adds(sb, "set title \"");
	add_label(sb, c->name, 60);
	sb_addf(sb,
	        " (histogram)\"\nset style fill solid 0.6\nset boxwidth %.17g\n"
	        "set yrange [0:*]\nplot '-' using 1:2 with boxes lc rgb '#4a7ab5'\n",
	        w * 0.9);
	for (b = 0; b < c->nbins; b++)
		sb_addf(sb, "%.17g %llu\n", c->min + w * (b + 0.5), (unsigned long long)c->bins[b]);
	sb_adds(sb, "e\n");
}

static void script_top(struct strbuf *sb, const struct col_stats *c)
{
	int k;

	sb_adds(sb, "set title \"");
	add_label(sb, c->name, 60);
	sb_adds(
	    sb,
	    " (most frequent)\"\nset style fill solid 0.6\nset boxwidth 0.7\nset yrange [0:*]\n"
	    "set xtics rotate by -30\nplot '-' using 1:2:xtic(3) with boxes lc rgb '#4a7ab5'\n");
	for (k = 0; k < c->ntop; k++) {
		sb_addf(sb, "%d %llu \"", k, (unsigned long long)c->top[k].count);
		add_label(sb, c->top[k].value, 14);
		sb_adds(sb, "\"\n");
	}
	sb_adds(sb, "e\n");
}

static void script_months(struct strbuf *sb, const struct col_stats *c)
{
	int k, m;

	sb_adds(sb, "set title \"");
	add_label(sb, c->name, 60);
	sb_adds(sb,
	        " (rows per month)\"\nset xdata time\nset timefmt '%Y-%m'\nset format x '%Y-%m'\n"
	        "set yrange [0:*]\nplot '-' using 1:2 with lines lc rgb '#4a7ab5'\n");
	for (k = 0; k < c->nmonths; k++) {
		m = c->month0 + k;
		sb_addf(sb, "%04d-%02d %llu\n", m / 12, m % 12 + 1,
		        (unsigned long long)c->months[k]);
	}
	sb_adds(sb, "e\n");
}

/* Which series of ts column `col` is: -1 for the date column itself (rows
 * per period), k for the k-th followed numeric column, -2 for neither. */
static int series_of(const struct time_series *ts, size_t col)
{
	size_t k;

	if (!ts)
		return -2;
	if (col == ts->col)
		return -1;
	for (k = 0; k < ts->nseries; k++)
		if (ts->series_col[k] == col)
			return (int)k;
	return -2;
}

/* Rows per period (the date column) or the mean per period (a number). */
static void script_series(struct strbuf *sb, const struct stats *s, const struct time_series *ts,
                          int k)
{
	static const char *const fmt[] = {"%m-%d", "%Y-%m-%d", "%Y-%m"};
	double v;
	size_t i;

	sb_adds(sb, "set title \"");
	add_label(sb, stats_col(s, k < 0 ? ts->col : ts->series_col[k])->name, 60);
	sb_addf(sb,
	        " (%s per %s)\"\nset xdata time\nset timefmt '%%s'\nset format x '%s'\n"
	        "%splot '-' using 1:2 with lines lc rgb '#4a7ab5'\n",
	        k < 0 ? "rows" : "mean", ts_unit_name(ts->unit), fmt[ts->unit],
	        k < 0 ? "set yrange [0:*]\n" : "");
	for (i = 0; i < ts->n; i++) {
		v = k < 0 ? (double)ts->rows[i] : ts->mean[i * ts->nseries + (size_t)k];
		if (isnan(v))
			sb_adds(sb, "\n"); /* a gap in the line */
		else
			sb_addf(sb, "%lld %.17g\n", (long long)ts->start[i], v);
	}
	sb_adds(sb, "e\n");
}

/* Numeric columns that have a correlation, in order; returns how many. */
static size_t corr_cols(const struct stats *s, size_t *cols, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < stats_ncols(s) && n < max; i++)
		for (j = 0; j < stats_ncols(s); j++)
			if (j != i && !isnan(stats_corr(s, i, j, NULL))) {
				cols[n++] = i;
				break;
			}
	return n;
}

static int script_corr(struct strbuf *sb, const struct stats *s)
{
	size_t cols[16], n = corr_cols(s, cols, 16), i, j;
	double r;

	if (n < 2)
		return -1;
	sb_adds(sb, "set title \"Pearson correlation\"\nset cbrange [-1:1]\n"
	            "set palette defined (-1 '#b2182b', 0 '#f7f7f7', 1 '#2166ac')\n"
	            "set xtics rotate by -30\nset view map\n");
	sb_adds(sb, "set xtics (");
	for (i = 0; i < n; i++) {
		sb_addf(sb, "%s\"", i ? ", " : "");
		add_label(sb, stats_col(s, cols[i])->name, 14);
		sb_addf(sb, "\" %zu", i);
	}
	sb_adds(sb, ")\nset ytics (");
	for (i = 0; i < n; i++) {
		sb_addf(sb, "%s\"", i ? ", " : "");
		add_label(sb, stats_col(s, cols[i])->name, 14);
		sb_addf(sb, "\" %zu", i);
	}
	sb_adds(sb, ")\nplot '-' using 1:2:3 with image\n");
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			r = i == j ? 1 : stats_corr(s, cols[i], cols[j], NULL);
			sb_addf(sb, "%zu %zu %.4f\n", i, j, isnan(r) ? 0 : r);
		}
	sb_adds(sb, "e\n");
	return 0;
}

static enum chart_kind auto_kind(const struct col_stats *c)
{
	if ((c->type == COL_INT || c->type == COL_FLOAT) && c->nnum)
		return CHART_HIST;
	if (c->type == COL_DATE || c->type == COL_DATETIME)
		return CHART_SERIES;
	return CHART_TOP;
}

static int build_script(struct strbuf *sb, const struct stats *s, size_t col, enum chart_kind kind,
                        char **cause)
{
	const struct col_stats *c = col < stats_ncols(s) ? stats_col(s, col) : NULL;

	if (kind == CHART_CORR)
		return script_corr(sb, s) < 0 ? set_cause(cause, "fewer than two numeric columns")
		                              : 0;
	if (!c)
		return set_cause(cause, "no column %zu", col + 1);
	if (kind == CHART_AUTO) {
		kind = auto_kind(c);
		if (kind == CHART_SERIES && series_of(stats_series(s), col) == -2 && c->nmonths < 2)
			kind = CHART_TOP;
	}
	if (kind == CHART_HIST && c->nnum && c->nbins)
		script_hist(sb, c);
	else if (kind == CHART_SERIES && series_of(stats_series(s), col) > -2)
		script_series(sb, s, stats_series(s), series_of(stats_series(s), col));
	else if (kind == CHART_SERIES && c->nmonths > 1)
		script_months(sb, c);
	else if (kind == CHART_TOP && c->ntop)
		script_top(sb, c);
	else
		return set_cause(cause, "column \"%s\" has nothing to chart", c->name);
	return 0;
}

/* ---- the child process ---- */

static void child(int in, int out, int err)
{
	const char *prog = getenv("VA_GNUPLOT");
	char *argv[] = {(char *)(prog && *prog ? prog : "gnuplot"), NULL};

	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	signal(SIGPIPE, SIG_DFL); /* va ignores it; gnuplot must not inherit that */
	execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s", argv[0], strerror(errno));
	_exit(127);
}

static void close3(int *a, int *b, int *c)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (a[i] >= 0)
			close(a[i]);
		if (b[i] >= 0)
			close(b[i]);
		if (c[i] >= 0)
			close(c[i]);
	}
}

/* Write the script and read stdout and stderr until both close. */
static int exchange(int win, int rout, int rerr, const struct strbuf *script, struct strbuf *out,
                    struct strbuf *err)
{
	struct pollfd p[3] = {{win, POLLOUT, 0}, {rout, POLLIN, 0}, {rerr, POLLIN, 0}};
	size_t off = 0;
	char buf[16384];
	ssize_t k;
	int i, nopen = 2;

	while (nopen > 0 || p[0].fd >= 0) {
		if (poll(p, 3, 30000) <= 0)
			return -1;
		if (p[0].fd >= 0 && p[0].revents) {
			k = write(win, script->buf + off, script->len - off);
			off += k > 0 ? (size_t)k : 0;
			if (k < 0 || off == script->len) {
				close(win);
				p[0].fd = -1;
			}
		}
		for (i = 1; i < 3; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			k = read(p[i].fd, buf, sizeof buf);
			if (k <= 0) {
				p[i].fd = -1;
				nopen--;
			} else if ((i == 1 ? out : err)->len < CHART_MAX_OUT)
				sb_add(i == 1 ? out : err, buf, (size_t)k);
		}
	}
	return 0;
}

static int run_gnuplot(const struct strbuf *script, struct strbuf *out, char **cause)
{
	int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1}, status = 0, rc;
	struct strbuf err = STRBUF_INIT;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0) {
		close3(in, o, e);
		return set_cause(cause, "cannot run gnuplot: %s", strerror(errno));
	}
	signal(SIGPIPE, SIG_IGN);
	if ((pid = fork()) < 0) {
		close3(in, o, e);
		return set_cause(cause, "cannot run gnuplot: %s", strerror(errno));
	}
	if (pid == 0)
		child(in[0], o[1], e[1]);
	close(in[0]);
	close(o[1]);
	close(e[1]);
	sb_init(&err);
	rc = exchange(in[1], o[0], e[0], script, out, &err);
	close(o[0]);
	close(e[0]);
	if (rc < 0)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (rc < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		while (err.len && (err.buf[err.len - 1] == '\n' || err.buf[err.len - 1] == ' '))
			err.buf[--err.len] = '\0';
		rc = set_cause(cause, "gnuplot failed: %s",
		               err.len  ? err.buf
		               : rc < 0 ? "timed out"
		                        : "no output");
	}
	sb_release(&err);
	return rc;
}

/* Drop the dumb terminal's form feed and the SVG prolog up to "<svg". */
static char *tidy(struct strbuf *out, enum chart_term term)
{
	char *s = out->buf ? out->buf : "", *start = s;

	if (term == CHART_DUMB)
		while (*start == '\f' || *start == '\n')
			start++;
	else if ((start = strstr(s, "<svg")) == NULL)
		start = s;
	return xstrdup(start);
}

char *chart_render(const struct stats *s, size_t col, enum chart_kind kind, enum chart_term term,
                   int width, int height, char **cause)
{
	struct strbuf script = STRBUF_INIT, out = STRBUF_INIT;
	char *res = NULL;

	sb_init(&script);
	sb_init(&out);
	term_line(&script, term, width, height);
	if (build_script(&script, s, col, kind, cause) == 0 &&
	    run_gnuplot(&script, &out, cause) == 0) {
		if (out.len == 0)
			set_cause(cause, "gnuplot wrote no chart");
		else
			res = tidy(&out, term);
	}
	sb_release(&script);
	sb_release(&out);
	return res;
}
