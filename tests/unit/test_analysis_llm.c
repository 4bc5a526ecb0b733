/* test_analysis_llm: the check that an LLM summary cites only computed
 * numbers (analysis_llm_check) and the compact facts the model sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "va/analysis.h"

static const char facts[] =
    "{\"source\":\"w.csv\",\"rows\":1461,\"column_count\":3,\"columns\":[{\"name\":\"date\","
    "\"date_min\":\"2012-01-01\",\"date_max\":\"2015-12-31\"},{\"name\":\"temp_max\","
    "\"mean\":16.439083,\"median\":15.6,\"null_percent\":2.5,\"stddev\":7.349758},"
    "{\"name\":\"wind\",\"min\":-0.4,\"max\":9.5}],\"correlations\":[{\"a\":\"temp_max\","
    "\"b\":\"wind\",\"r\":-0.1647}],\"bytes\":48219}";

static int ok(const char *text)
{
	char *cause = NULL;
	int rc = analysis_llm_check(text, facts, &cause);

	free(cause);
	return rc == 0;
}

static void test_accepts_cited_numbers(void **state)
{
	(void)state;
	assert_true(ok("The file has 1461 rows in 3 columns."));
	assert_true(ok("The file has 1,461 rows."));
	assert_true(ok("temp_max averages 16.44 (median 15.6), about 16."));
	assert_true(ok("temp_max averages 16.439083 exactly."));
	assert_true(ok("Dates run from 2012-01-01 to 2015-12-31."));
	assert_true(ok("2.5% of temp_max is missing; wind ranges from -0.4 to 9.5."));
	assert_true(ok("A weak negative correlation (r = -0.16), i.e. -16%."));
	assert_true(ok("About 1,500 rows, 48k bytes."));
	assert_true(ok("Q1 and Q3 are not given; temp_max2 neither."));
	assert_true(ok("The 3rd column is wind."));
	assert_true(ok("No numbers at all."));
	assert_true(ok(""));
}

static void test_rejects_invented_numbers(void **state)
{
	char *cause = NULL;

	(void)state;
	assert_false(ok("The file has 1462 rows."));
	assert_false(ok("temp_max averages 16.45."));
	assert_false(ok("Revenue grew by 4242.5% last year."));
	assert_false(ok("Wind peaked at 13 m/s."));
	assert_false(ok("There were 5 storms."));
	assert_int_equal(analysis_llm_check("rows: 1461, storms: 77.", facts, &cause), -1);
	assert_non_null(strstr(cause, "cites 77"));
	free(cause);
}

static void test_facts_are_compact(void **state)
{
	const char *in =
	    "{\"rows\":10,\"columns\":[{\"name\":\"x\",\"nulls\":1,\"histogram\":{\"counts\":[1,2]}"
	    ","
	    "\"length\":{\"min\":1},\"top\":[{\"value\":\"a\",\"count\":1},{\"value\":\"b\","
	    "\"count\":1},{\"value\":\"c\",\"count\":1},{\"value\":\"d\",\"count\":1},{\"value\":"
	    "\"e\",\"count\":1},{\"value\":\"f\",\"count\":1}]}],\"warnings\":{\"counts\":{},"
	    "\"first\":[\"line 3: x\"]},\"seconds\":0.5,\"passes\":1}";
	char *out = analysis_llm_facts(in);

	(void)state;
	assert_null(strstr(out, "histogram"));
	assert_null(strstr(out, "line 3"));
	assert_null(strstr(out, "\"f\""));
	assert_non_null(strstr(out, "\"e\""));
	assert_non_null(strstr(out, "\"null_percent\":10"));
	assert_non_null(strstr(out, "\"column_count\":1"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts_cited_numbers),
	    cmocka_unit_test(test_rejects_invented_numbers),
	    cmocka_unit_test(test_facts_are_compact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
