/*
 * chart: gnuplot charts as a child process, the offline summary writer and
 * the report files (HTML, Markdown, JSON, text) of a CSV analysis (L2).
 *
 * gnuplot runs with no shell (fork + execvp of "gnuplot", or $VA_GNUPLOT),
 * reads its script on a pipe and writes the chart on another; va computes the
 * bins and sends only the counts.  When gnuplot is missing or fails, the
 * charts are absent with a cause and everything else still works.
 */
#ifndef VA_CHART_H
#define VA_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "va/csv.h"
#include "va/stats.h"

enum chart_kind { CHART_AUTO, CHART_HIST, CHART_TOP, CHART_SERIES, CHART_CORR };
enum chart_term { CHART_DUMB, CHART_SVG };

/* The chart of column `col` (CHART_AUTO: histogram for numbers, time series
 * for dates, top values otherwise; CHART_CORR ignores col).  CHART_SERIES of
 * the time series' date column is its rows per period; of a numeric column
 * it follows, its mean per period (stats_series).  Dumb output is
 * width x height characters with the leading form feed removed; SVG is
 * width x height pixels, without the XML prolog (ready to inline in HTML).
 * Returns the chart (caller frees) or NULL with *cause. */
char *chart_render(const struct stats *s, size_t col, enum chart_kind kind, enum chart_term term,
                   int width, int height, char **cause);

/* Everything a report shows, borrowed from the analysis. */
struct report_input {
	const char *name; /* file name or URL as the user gave it */
	const struct csv_format *fmt;
	uint64_t bytes, lines;
	const struct stats *stats;
	const struct csv_warning *warnings;
	size_t nwarnings;
	const uint64_t *warn_counts; /* CSV_W_NKINDS */
	const char *summary;         /* may be NULL */
	const char *summary_by;      /* "va (offline)" or the model */
	int group_col;               /* -1: none */
	double seconds;
	int passes;
};

/* The offline summary: a few sentences from the computed facts only (missing
 * data, skew and outliers, strong correlations, date range, suspicious
 * columns).  Caller frees. */
char *summary_offline(const struct report_input *in);

/* The facts as one JSON document (what --json prints, what the store keeps
 * and what an LLM summary may see: statistics, never rows).  Caller frees. */
char *report_json(const struct report_input *in);
/* Plain text for the terminal.  Caller frees. */
char *report_text(const struct report_input *in);
/* A self-contained HTML page (inline CSS and SVG charts) or Markdown (text
 * charts in code blocks).  Chart failures are written into the report as a
 * note.  Caller frees. */
char *report_html(const struct report_input *in);
char *report_markdown(const struct report_input *in);

#endif
