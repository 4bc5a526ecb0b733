/* test_csv: the CSV reader (sniffing, line numbers, warnings), the cell
 * parser, and the statistics (quantiles one- and two-pass, distinct, HLL,
 * correlation, groups). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "va/csv.h"
#include "va/stats.h"
#include "va/util.h"

/* ---- the number and cell parsers ---- */

static void test_num_parse_exact(void **state)
{
	static const char *const ok[] = {"0",
	                                 "-0.5",
	                                 "3.14159",
	                                 "1e5",
	                                 "2.5E-3",
	                                 ".5",
	                                 "5.",
	                                 "123456789012345678",
	                                 "0.1",
	                                 "-17",
	                                 "+4.25",
	                                 "1234567890123456789012345",
	                                 "9007199254740993",
	                                 "1e300"};
	double v;
	int is_int;
	int64_t iv;
	size_t i;

	(void)state;
	for (i = 0; i < VA_ARRAY_LEN(ok); i++) {
		assert_true(num_parse(ok[i], strlen(ok[i]), &v, &is_int, &iv));
		assert_true(v == strtod(ok[i], NULL));
	}
	assert_true(num_parse("42", 2, &v, &is_int, &iv) && is_int && iv == 42);
	assert_true(num_parse("4.0", 3, &v, &is_int, &iv) && !is_int);
}

static void test_num_parse_matches_strtod(void **state)
{
	char buf[64];
	double v;
	int is_int, k, n;
	int64_t iv;

	(void)state;
	srand(12345);
	for (k = 0; k < 200000; k++) {
		n = snprintf(buf, sizeof buf, "%s%d.%0*d", rand() % 3 ? "" : "-", rand() % 100000,
		             1 + rand() % 9, rand() % 1000000000);
		assert_true(num_parse(buf, (size_t)n, &v, &is_int, &iv));
		if (v != strtod(buf, NULL))
			fail_msg("\"%s\": %.17g != %.17g", buf, v, strtod(buf, NULL));
		/* 17 to 19 significant digits: the extended-precision path */
		n = snprintf(buf, sizeof buf, "%d.%09d%09d", rand() % 10, rand() % 1000000000,
		             rand() % 1000000000);
		assert_true(num_parse(buf, (size_t)n, &v, &is_int, &iv));
		if (v != strtod(buf, NULL))
			fail_msg("\"%s\": %.17g != %.17g", buf, v, strtod(buf, NULL));
		n = snprintf(buf, sizeof buf, "0.%018d", rand());
		assert_true(num_parse(buf, (size_t)n, &v, &is_int, &iv));
		if (v != strtod(buf, NULL))
			fail_msg("\"%s\": %.17g != %.17g", buf, v, strtod(buf, NULL));
	}
}

static void test_num_parse_rejects(void **state)
{
	static const char *const bad[] = {"",   "-",     ".",   "00501", "1,234", "inf", "nan",
	                                  "1e", "1.2.3", "12a", "e5",    "--1",   "0x10"};
	double v;
	int is_int;
	int64_t iv;
	size_t i;

	(void)state;
	for (i = 0; i < VA_ARRAY_LEN(bad); i++)
		if (num_parse(bad[i], strlen(bad[i]), &v, &is_int, &iv))
			fail_msg("\"%s\" parsed as a number", bad[i]);
}

static void test_value_kinds(void **state)
{
	static const struct {
		const char *s;
		enum val_kind k;
		double num;
	} cases[] = {
	    {"", VAL_NULL, 0},
	    {"  ", VAL_NULL, 0},
	    {"NA", VAL_NULL, 0},
	    {"null", VAL_NULL, 0},
	    {" 12 ", VAL_INT, 12},
	    {"1.5", VAL_FLOAT, 1.5},
	    {"true", VAL_BOOL, 1},
	    {"No", VAL_BOOL, 0},
	    {"2012-01-02", VAL_DATE, 15341 * 86400.0},
	    {"Jan 1 2000", VAL_DATE, 10957 * 86400.0},
	    {"1/11/2000", VAL_DATE, 10967 * 86400.0},
	    {"2015/01/01 01:00:00", VAL_DATETIME, 16436 * 86400.0 + 3600},
	    {"2020-03-01T10:00:00+02:00", VAL_DATETIME, 18322 * 86400.0 + 8 * 3600},
	    {"None", VAL_TEXT, 0},
	    {"00501", VAL_TEXT, 0},
	    {"2012-13-01", VAL_TEXT, 0},
	};
	struct value v;
	size_t i;

	(void)state;
	for (i = 0; i < VA_ARRAY_LEN(cases); i++) {
		value_parse(cases[i].s, strlen(cases[i].s), &v);
		if (v.kind != cases[i].k)
			fail_msg("\"%s\": kind %d, want %d", cases[i].s, v.kind, cases[i].k);
		if (cases[i].k != VAL_NULL && cases[i].k != VAL_TEXT && v.num != cases[i].num)
			fail_msg("\"%s\": %.17g, want %.17g", cases[i].s, v.num, cases[i].num);
	}
	value_parse("00501", 5, &v);
	assert_true(v.kind == VAL_TEXT && v.lead0);
	value_parse("0x1", 3, &v);
	assert_true(v.kind == VAL_TEXT && !v.lead0);
}

/* ---- the reader ---- */

struct got {
	char cells[32][64];
	uint64_t lines[32];
	size_t nf[32];
	size_t n;
};

static int collect(void *arg, const struct csv_row *row)
{
	struct got *g = arg;
	size_t i, off = 0;

	if (g->n >= 32)
		return 1;
	g->cells[g->n][0] = '\0';
	for (i = 0; i < row->n; i++)
		off += (size_t)snprintf(g->cells[g->n] + off, sizeof g->cells[0] - off, "%s%s",
		                        i ? "|" : "", row->f[i].s);
	g->lines[g->n] = row->line;
	g->nf[g->n] = row->n;
	g->n++;
	return 0;
}

static struct csv_reader *read_text(const char *text, size_t len, struct got *g)
{
	FILE *fp = fmemopen((void *)text, len, "r");
	struct csv_reader *r = csv_reader_new(fp, "t.csv", 0, -1);
	char *cause = NULL;

	memset(g, 0, sizeof *g);
	assert_int_equal(csv_read(r, collect, g, &cause), 0);
	fclose(fp);
	return r;
}

static void test_sniff(void **state)
{
	(void)state;
	assert_int_equal(csv_sniff_delim("a,b,c\n1,2,3\n", 12), ',');
	assert_int_equal(csv_sniff_delim("a;b;c\n1,5;2;3\n", 14), ';');
	assert_int_equal(csv_sniff_delim("a\tb\n1\t2\n", 8), '\t');
	assert_int_equal(csv_sniff_delim("a|b\n1|2\n", 8), '|');
	assert_int_equal(csv_sniff_delim("\"x;y\",b\n\"1;2\",3\n", 16), ',');
	assert_int_equal(csv_sniff_delim("value\n1\n", 8), ',');
	assert_true(csv_sniff_utf8("caf\xc3\xa9", 5));
	assert_false(csv_sniff_utf8("caf\xe9s", 5));
	assert_true(csv_sniff_utf8("caf\xc3", 4)); /* cut at the end of the sample */
}

static void test_lines_quotes_crlf(void **state)
{
	static const char text[] = "a,b\r\n1,\"two\r\nlines\"\r\n3,4\r\n\"5\",\"x\"\"y\"\r\n";
	struct got g;
	struct csv_reader *r = read_text(text, sizeof text - 1, &g);

	(void)state;
	assert_int_equal(g.n, 3);
	assert_string_equal(g.cells[0], "1|two\r\nlines");
	assert_int_equal(g.lines[0], 2);
	assert_string_equal(g.cells[1], "3|4");
	assert_int_equal(g.lines[1], 4);
	assert_string_equal(g.cells[2], "5|x\"y");
	assert_int_equal(g.lines[2], 5);
	assert_int_equal(csv_reader_nwarnings(r), 0);
	assert_string_equal(csv_reader_colname(r, 1), "b");
	csv_reader_free(r);
}

static void test_ragged_and_blank(void **state)
{
	static const char text[] = "id,name,score\n1,ann,3\n2,bob\n\n3,cy,4,extra\n";
	struct got g;
	struct csv_reader *r = read_text(text, sizeof text - 1, &g);

	(void)state;
	assert_int_equal(g.n, 3);
	assert_int_equal(csv_reader_warn_count(r, CSV_W_RAGGED), 2);
	assert_int_equal(csv_reader_warn_count(r, CSV_W_BLANK), 1);
	assert_string_equal(csv_reader_warning(r, 0)->text, "line 3: 2 fields, expected 3");
	assert_string_equal(csv_reader_warning(r, 1)->text, "line 4: blank line skipped");
	assert_string_equal(csv_reader_warning(r, 2)->text, "line 5: 4 fields, expected 3");
	assert_int_equal(g.lines[2], 5);
	csv_reader_free(r);
}

static void test_encodings(void **state)
{
	static const char latin1[] = "city\nM\xfcnchen\n";
	static const char bom[] = "\xef\xbb\xbfk;v\na;1\n";
	static const char nul[] = "k,v\na,x\0y\n";
	struct got g;
	struct csv_reader *r;

	(void)state;
	r = read_text(latin1, sizeof latin1 - 1, &g);
	assert_int_equal(csv_reader_format(r)->encoding, CSV_ENC_LATIN1);
	assert_string_equal(g.cells[0], "M\xc3\xbcnchen");
	csv_reader_free(r);
	r = read_text(bom, sizeof bom - 1, &g);
	assert_true(csv_reader_format(r)->bom);
	assert_int_equal(csv_reader_format(r)->delim, ';');
	assert_string_equal(csv_reader_colname(r, 0), "k");
	csv_reader_free(r);
	r = read_text(nul, sizeof nul - 1, &g);
	assert_string_equal(g.cells[0], "a|x\xef\xbf\xbdy");
	assert_int_equal(csv_reader_warn_count(r, CSV_W_NUL), 1);
	assert_string_equal(csv_reader_warning(r, 0)->text, "line 2: NUL byte in field 2");
	csv_reader_free(r);
}

static void test_unterminated_and_no_header(void **state)
{
	static const char open[] = "id,note\n1,ok\n2,\"open\n3,x\n";
	static const char nohdr[] = "1,2\n3,4\n";
	struct got g;
	struct csv_reader *r = read_text(open, sizeof open - 1, &g);

	(void)state;
	assert_int_equal(csv_reader_warn_count(r, CSV_W_UNTERMINATED), 1);
	assert_string_equal(
	    csv_reader_warning(r, 0)->text,
	    "line 3: a quoted field is never closed: the rest of the input (to line 4) "
	    "was read as one field");
	assert_int_equal(g.n, 2);
	csv_reader_free(r);
	r = read_text(nohdr, sizeof nohdr - 1, &g);
	assert_false(csv_reader_format(r)->header);
	assert_int_equal(g.n, 2);
	assert_string_equal(csv_reader_colname(r, 1), "column2");
	csv_reader_free(r);
}

static void test_long_field(void **state)
{
	size_t n = CSV_LONG_FIELD + 10, len;
	char *text = xmalloc(n + 32);
	struct got g;
	struct csv_reader *r;

	(void)state;
	len = (size_t)snprintf(text, 32, "k,v\n1,");
	memset(text + len, 'x', n);
	memcpy(text + len + n, "\n2,y\n", 5);
	r = read_text(text, len + n + 5, &g);
	assert_int_equal(g.n, 2);
	assert_int_equal(csv_reader_warn_count(r, CSV_W_LONGFIELD), 1);
	assert_int_equal(g.lines[1], 3);
	csv_reader_free(r);
	free(text);
}

static int dump_row(void *arg, const struct csv_row *row)
{
	struct strbuf *sb = arg;
	size_t i;

	sb_addf(sb, "%llu:", (unsigned long long)row->line);
	for (i = 0; i < row->n; i++)
		sb_addf(sb, "[%s]", row->f[i].s);
	sb_addc(sb, '\n');
	return 0;
}

static char *dump(const char *text, size_t len, int fast)
{
	FILE *fp = fmemopen((void *)text, len, "r");
	struct csv_reader *r = csv_reader_new(fp, "t.csv", 0, -1);
	struct strbuf sb = STRBUF_INIT;
	char *cause = NULL;
	size_t i;

	sb_init(&sb);
	if (!fast)
		csv_reader_no_fast_path(r);
	assert_int_equal(csv_read(r, dump_row, &sb, &cause), 0);
	for (i = 0; i < csv_reader_nwarnings(r); i++)
		sb_addf(&sb, "%s\n", csv_reader_warning(r, i)->text);
	sb_addf(&sb, "lines %llu\n", (unsigned long long)csv_reader_lines(r));
	csv_reader_free(r);
	fclose(fp);
	return sb_detach(&sb);
}

/* 1.5 MB over several 256 kB chunks: plain chunks (split by va), a chunk with
 * a quoted multi-line field and one with CRLF (libcsv), lines cut by chunk
 * ends, blank lines, blanks around fields, ragged rows: the same rows, line
 * numbers and warnings either way. */
static void test_fast_path_equals_libcsv(void **state)
{
	struct strbuf t = STRBUF_INIT;
	char *a, *b;
	int i;

	(void)state;
	sb_init(&t);
	sb_adds(&t, "name, n ,x,empty\n");
	for (i = 0; t.len < 1500000; i++) {
		if (i % 997 == 0)
			sb_adds(&t, "\n");
		if (i == 15000)
			sb_adds(&t, "q,\"multi\nline, \"\"quoted\"\"\",1,\n");
		if (i >= 40000 && i < 40010)
			sb_addf(&t, "crlf%d,%d,1,\r\n", i, i);
		else if (i % 1234 == 5)
			sb_addf(&t, "ragged%d,%d\n", i, i);
		else
			sb_addf(&t, " w%d , %d,\t%d.5 ,\n", i, i % 100, i);
	}
	a = dump(t.buf, t.len, 1);
	b = dump(t.buf, t.len, 0);
	assert_true(strlen(a) > 1000000);
	assert_string_equal(a, b);
	free(a);
	free(b);
	sb_release(&t);
}

/* The same with CRLF line ends throughout (the fast path takes CRLF chunks
 * too): blank CRLF lines, empty last fields, a lone CR, and CRLFs cut by
 * every chunk boundary (each line is 10 bytes, the chunk 256 KiB). */
static void test_fast_path_crlf(void **state)
{
	struct strbuf t = STRBUF_INIT;
	char *a, *b;
	int i, shift;

	(void)state;
	for (shift = 0; shift < 10; shift++) {
		sb_init(&t);
		sb_adds(&t, "a,b,c\r\n");
		sb_addf(&t, "%.*s", shift, "xxxxxxxxxx"); /* moves the boundaries */
		sb_adds(&t, ",1,2\r\n");
		for (i = 0; t.len < 600000; i++) {
			if (i % 5003 == 0)
				sb_adds(&t, "\r\n");
			if (i == 30000)
				sb_adds(&t, "lone\rcr,1,2\r\n");
			sb_addf(&t, "%05d,,%d\r\n", i % 100000, i % 7);
		}
		a = dump(t.buf, t.len, 1);
		b = dump(t.buf, t.len, 0);
		assert_true(strlen(a) > 100000);
		assert_string_equal(a, b);
		free(a);
		free(b);
		sb_release(&t);
	}
}

/* ---- statistics ---- */

static void add_rows(struct stats *s, char (*cells)[2][32], size_t n, int pass)
{
	struct csv_field f[2];
	struct csv_row row = {f, 2, 0, 0};
	size_t i;

	for (i = 0; i < n; i++) {
		f[0].s = cells[i][0];
		f[0].len = strlen(cells[i][0]);
		f[1].s = cells[i][1];
		f[1].len = strlen(cells[i][1]);
		row.index = i;
		if (pass == 1)
			stats_add_row(s, &row);
		else
			stats_pass2_row(s, &row);
	}
}

static void test_quantiles_small(void **state)
{
	char cells[5][2][32] = {{"1", "a"}, {"2", "b"}, {"4", "a"}, {"3", ""}, {"", "c"}};
	const char *names[] = {"n", "t"};
	struct stats *s = stats_new(2, names, 1, 0);
	const struct col_stats *c;

	(void)state;
	add_rows(s, cells, 5, 1);
	stats_finish(s);
	c = stats_col(s, 0);
	assert_int_equal(c->type, COL_INT);
	assert_int_equal(c->n, 4);
	assert_int_equal(c->nulls, 1);
	assert_true(c->median == 2.5 && c->q1 == 1.75 && c->q3 == 3.25 && c->quant_exact);
	assert_true(fabs(c->stddev - sqrt(5.0 / 3)) < 1e-12);
	c = stats_col(s, 1);
	assert_int_equal(c->type, COL_TEXT);
	assert_int_equal(c->distinct, 3);
	assert_string_equal(c->top[0].value, "a");
	assert_int_equal(c->top[0].count, 2);
	assert_int_equal(stats_ngroups(s), 4); /* a b (null) c */
	assert_string_equal(stats_group(s, 0)->key, "a");
	assert_true(stats_group(s, 0)->cols[0].mean == 2.5);
	stats_free(s);
}

/* 300k values: exact in one pass with the default budget, and exactly the
 * same in two passes with a 1 MiB budget (which also overflows distinct). */
static void test_two_pass_equals_one_pass(void **state)
{
	enum { N = 300000 };
	char(*cells)[2][32] = xmalloc(N * sizeof *cells);
	const char *names[] = {"x", "y"};
	struct stats *one = stats_new(2, names, -1, 0), *two = stats_new(2, names, -1, 1 << 20);
	const struct col_stats *a, *b;
	size_t i;

	(void)state;
	srand(7);
	for (i = 0; i < N; i++) {
		snprintf(cells[i][0], 32, "%.4f", (double)rand() / RAND_MAX * 1000 - 300);
		snprintf(cells[i][1], 32, "%d", (int)(i * 3 % 1001));
	}
	add_rows(one, cells, N, 1);
	add_rows(two, cells, N, 1);
	assert_false(stats_need_pass2(one));
	assert_true(stats_need_pass2(two));
	stats_pass2_begin(two);
	add_rows(two, cells, N, 2);
	stats_finish(one);
	stats_finish(two);
	for (i = 0; i < 2; i++) {
		a = stats_col(one, i);
		b = stats_col(two, i);
		assert_true(a->quant_exact && b->quant_exact);
		assert_true(a->q1 == b->q1 && a->median == b->median && a->q3 == b->q3);
		assert_memory_equal(a->bins, b->bins, sizeof a->bins);
	}
	a = stats_col(one, 0);
	b = stats_col(two, 0);
	assert_true(a->distinct_exact);
	assert_false(b->distinct_exact);
	assert_true(fabs((double)b->distinct - (double)a->distinct) / (double)a->distinct < 0.03);
	assert_int_equal(stats_col(one, 1)->distinct, 1001);
	assert_true(stats_nnotes(two) >= 1);
	stats_free(one);
	stats_free(two);
	free(cells);
}

/* Few distinct numbers (flight delays, distances): the values do not fit a
 * 1 MiB budget but the distinct table holds them all with their counts, so
 * the quartiles and bins are exact in one pass. */
static void test_quantiles_from_distinct(void **state)
{
	enum { N = 300000 };
	char(*cells)[2][32] = xmalloc(N * sizeof *cells);
	const char *names[] = {"x", "y"};
	struct stats *one = stats_new(2, names, -1, 0), *small = stats_new(2, names, -1, 1 << 20);
	const struct col_stats *a, *b;
	size_t i;

	(void)state;
	for (i = 0; i < N; i++) {
		snprintf(cells[i][0], 32, "%zu", i * 7 % 501);
		snprintf(cells[i][1], 32, "%.2f", (double)(i % 97) / 4);
	}
	add_rows(one, cells, N, 1);
	add_rows(small, cells, N, 1);
	assert_false(stats_need_pass2(small));
	stats_finish(one);
	stats_finish(small);
	for (i = 0; i < 2; i++) {
		a = stats_col(one, i);
		b = stats_col(small, i);
		assert_true(b->quant_exact);
		assert_true(a->q1 == b->q1 && a->median == b->median && a->q3 == b->q3);
		assert_memory_equal(a->bins, b->bins, sizeof a->bins);
	}
	stats_free(one);
	stats_free(small);
	free(cells);
}

static void test_correlation(void **state)
{
	char cells[50][2][32];
	const char *names[] = {"x", "y"};
	struct stats *s = stats_new(2, names, -1, 0);
	uint64_t pairs;
	size_t i;

	(void)state;
	for (i = 0; i < 50; i++) {
		snprintf(cells[i][0], 32, "%zu", i);
		snprintf(cells[i][1], 32, "%g", 100.0 - 2.0 * (double)i);
	}
	cells[10][1][0] = '\0';
	add_rows(s, cells, 50, 1);
	stats_finish(s);
	assert_true(fabs(stats_corr(s, 0, 1, &pairs) + 1) < 1e-12);
	assert_int_equal(pairs, 49);
	assert_true(isnan(stats_corr(s, 0, 0, NULL)));
	stats_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_num_parse_exact),
	    cmocka_unit_test(test_num_parse_matches_strtod),
	    cmocka_unit_test(test_num_parse_rejects),
	    cmocka_unit_test(test_value_kinds),
	    cmocka_unit_test(test_sniff),
	    cmocka_unit_test(test_lines_quotes_crlf),
	    cmocka_unit_test(test_ragged_and_blank),
	    cmocka_unit_test(test_encodings),
	    cmocka_unit_test(test_unterminated_and_no_header),
	    cmocka_unit_test(test_long_field),
	    cmocka_unit_test(test_fast_path_equals_libcsv),
	    cmocka_unit_test(test_fast_path_crlf),
	    cmocka_unit_test(test_quantiles_small),
	    cmocka_unit_test(test_two_pass_equals_one_pass),
	    cmocka_unit_test(test_quantiles_from_distinct),
	    cmocka_unit_test(test_correlation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
