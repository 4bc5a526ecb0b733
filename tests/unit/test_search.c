/* test_search: va's search syntax and FTS5 queries over stored messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "va/store.h"
#include "va/util.h"

static struct store *st;
static char dir[] = "/tmp/va-test-search-XXXXXX";
static int64_t ids[5];

static int64_t put(int64_t account, int64_t folder, const char *src, const char *from_name,
                   const char *from_addr, const char *subject, const char *body, int64_t date)
{
	struct message m;
	int64_t id;

	message_init(&m);
	m.account_id = account;
	m.folder_id = folder;
	m.source = xstrdup(src);
	m.from_name = xstrdup(from_name);
	m.from_addr = xstrdup(from_addr);
	m.to = xstrdup("sam@example.com");
	m.subject = xstrdup(subject);
	m.body = xstrdup(body);
	m.date = date;
	id = store_message_add(st, &m, NULL, NULL, 0, NULL, NULL);
	message_release(&m);
	return id;
}

static int setup(void **state)
{
	char *path, *cause = NULL;
	int64_t a, f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/va.db", dir);
	st = store_open(path, &cause);
	free(path);
	assert_non_null(st);
	a = store_account_ensure(st, "demo", "demo", NULL, NULL);
	f = store_folder_ensure(st, a, "INBOX", NULL);
	ids[0] = put(a, f, "1", "Élodie Marchand", "elodie@atelier.example",
	             "Réunion de préparation à Lyon", "Le café est à côté de la gare.", 10);
	ids[1] = put(a, f, "2", "Billing", "billing@host.example", "Invoice INV-2026-1187",
	             "Your invoice for November is attached. Total due: 42 EUR.", 20);
	ids[2] = put(a, f, "3", "Marcus Okafor", "marcus@example.com", "Offsite venue shortlist",
	             "Three venues: the boathouse, the old mill, the rooftop.", 30);
	ids[3] = put(a, f, "4", "Priya", "priya@example.com", "Re: Offsite venue shortlist",
	             "The old mill gets my vote; the invoice from last year was fine.", 40);
	ids[4] = put(a, f, "5", "Deals", "deals@trailgear.example", "Black Friday preview",
	             "30% off all backpacks. Unsubscribe any time.", 50);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	store_close(st);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	return 0;
}

/* Ids found for a query, as a string "1 3" in result order (ids mapped to 1-based put order). */
static char *found(const char *query)
{
	struct store_query q = {0};
	struct message *m;
	struct strbuf sb = STRBUF_INIT;
	size_t n, i, j;
	char *cause = NULL;

	q.search = query;
	sb_init(&sb);
	if (store_message_list(st, &q, &m, &n, &cause) < 0) {
		sb_addf(&sb, "error: %s", cause);
		free(cause);
		return sb_detach(&sb);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < 5; j++)
			if (m[i].id == ids[j])
				sb_addf(&sb, "%s%zu", sb.len ? " " : "", j + 1);
	store_messages_free(m, n);
	return sb_detach(&sb);
}

#define assert_found(query, expect)                                                        \
	do {                                                                               \
		char *got_ = found(query);                                                 \
		assert_string_equal(got_, expect);                                         \
		free(got_);                                                                \
	} while (0)

static int cmp_char(const void *a, const void *b)
{
	return *(const char *)a - *(const char *)b;
}

/* Same ids, any order (for ties in rank). */
#define assert_found_set(query, expect)                                                    \
	do {                                                                               \
		char *got_ = found(query), *exp_ = xstrdup(expect);                        \
		qsort(got_, strlen(got_), 1, cmp_char);                                    \
		qsort(exp_, strlen(exp_), 1, cmp_char);                                    \
		assert_string_equal(got_, exp_);                                           \
		free(got_);                                                                \
		free(exp_);                                                                \
	} while (0)

static void test_syntax(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
	    {"invoice", "\"invoice\""},
	    {"old mill", "\"old\" \"mill\""},
	    {"\"old mill\"", "\"old mill\""},
	    {"inv*", "\"inv\"*"},
	    {"from:marcus", "{from_name from_addr} : \"marcus\""},
	    {"subject:venue body:boathouse", "subject : \"venue\" body : \"boathouse\""},
	    {"invoice OR venue", "\"invoice\" OR \"venue\""},
	    {"venue NOT mill", "\"venue\" NOT \"mill\""},
	    {"OR venue OR", "\"venue\""},
	    {"say \"hi", "\"say\" \"hi\""},
	    {"a\"b", "\"a\"\"b\""},
	    {"  ", ""},
	};
	size_t i;
	(void)state;
	for (i = 0; i < VA_ARRAY_LEN(cases); i++) {
		char *got = store_search_syntax(cases[i].in);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void test_words_and_ranking(void **state)
{
	(void)state;
	assert_found("invoice", "2 4"); /* subject match ranks above a body match */
	assert_found_set("old mill", "3 4");
	assert_found("\"old mill gets\"", "4");
	assert_found("nothing-matches-this", "");
}

static void test_prefix_phrase_fields(void **state)
{
	(void)state;
	assert_found_set("shortl*", "3 4");
	assert_found("from:marcus", "3");
	assert_found_set("from:example.com", "3 4");
	assert_found("subject:invoice", "2");
	assert_found("body:boathouse", "3");
}

static void test_operators(void **state)
{
	(void)state;
	assert_found_set("boathouse OR backpacks", "3 5");
	assert_found("venue NOT mill", "");
	assert_found("shortlist NOT boathouse", "4");
}

static void test_diacritics_and_unicode(void **state)
{
	(void)state;
	assert_found("reunion", "1");
	assert_found("Réunion", "1");
	assert_found("cafe", "1");
	assert_found("elodie", "1");
}

static void test_hostile_input(void **state)
{
	static const char *const inputs[] = {
	    "(", ")", "\"", "*", "^", ":", "NEAR(", "a:b:c", "from:", "\"\"", "-", "AND", "NOT NOT",
	    "{from_name}: x", "\xff\xfe", "'; DROP TABLE messages; --",
	};
	size_t i;
	(void)state;
	for (i = 0; i < VA_ARRAY_LEN(inputs); i++) {
		char *got = found(inputs[i]);
		assert_null(strstr(got, "error"));
		free(got);
	}
	assert_found("invoice", "2 4"); /* still intact */
}

/* The date of message id among the list's rows m (n). */
static int64_t date_of(const struct message *m, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].id == id)
			return m[i].date;
	fail_msg("message %lld is not in the list", (long long)id);
	return 0;
}

/* The inbox's keys are store_message_list's rows with the same filters, newest
 * first (the list ranks searches; the keys keep the folder's order). */
static void assert_keys_match_list(const struct store_query *q)
{
	struct store_key *k;
	struct message *m;
	size_t nk, nm, i, j;
	char *cause = NULL;

	assert_int_equal(store_message_keys(st, q, &k, &nk, &cause), 0);
	assert_int_equal(store_message_list(st, q, &m, &nm, &cause), 0);
	assert_int_equal(nk, nm);
	for (i = 0; i < nk; i++) {
		for (j = 0; j < nm && m[j].id != k[i].id; j++)
			;
		assert_true(j < nm);
		if (!q->search)
			assert_int_equal(j, i);
		assert_int_equal(k[i].flags, m[j].flags);
		assert_int_equal(k[i].thread_id, m[j].thread_id);
		if (i > 0) {
			int64_t d0 = date_of(m, nm, k[i - 1].id), d1 = date_of(m, nm, k[i].id);
			assert_true(d0 > d1 || (d0 == d1 && k[i - 1].id > k[i].id));
		}
	}
	free(k);
	store_messages_free(m, nm);
}

/* store_search_ids: what the ranked list finds, as ascending ids. */
static void test_search_ids(void **state)
{
	static const char *const searches[] = {
	    "invoice", "subject:offsite", "old mill", "from:example.com", "venue NOT mill",
	    "nothing-here", "AND", "(", "\"\"",
	};
	struct store_query q = {0};
	struct message *m;
	int64_t *got;
	size_t i, j, n, nm;
	char *cause = NULL;

	(void)state;
	for (i = 0; i < VA_ARRAY_LEN(searches); i++) {
		q.search = searches[i];
		assert_int_equal(store_search_ids(st, searches[i], &got, &n, &cause), 0);
		assert_int_equal(store_message_list(st, &q, &m, &nm, &cause), 0);
		assert_int_equal(n, nm);
		for (j = 0; j < n; j++) {
			assert_true(j == 0 || got[j - 1] < got[j]);
			date_of(m, nm, got[j]);
		}
		free(got);
		store_messages_free(m, nm);
	}
	assert_int_equal(store_search_ids(st, "shortlist", &got, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(got[0], ids[2]);
	assert_int_equal(got[1], ids[3]);
	free(got);
}

static void test_keys_and_rows_by_id(void **state)
{
	static const char *const searches[] = {NULL, "invoice", "subject:offsite", "nothing-here"};
	struct store_query q = {0};
	int64_t want[] = {ids[3], 999999, ids[0], ids[4]};
	struct message *m;
	struct store_key *k;
	size_t i, n;
	char *cause = NULL;

	(void)state;
	assert_int_equal(store_message_set_flags(st, ids[2], 1 | 4, NULL), 0);
	for (i = 0; i < VA_ARRAY_LEN(searches); i++) {
		memset(&q, 0, sizeof q);
		q.search = searches[i];
		assert_keys_match_list(&q);
		q.folder = "INBOX";
		assert_keys_match_list(&q);
		q.account = "demo";
		q.flagged = 1;
		assert_keys_match_list(&q);
	}
	memset(&q, 0, sizeof q);
	q.folder = "Nowhere";
	assert_int_equal(store_message_keys(st, &q, &k, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(k);
	q.folder = "INBOX";
	q.limit = 2;
	q.offset = 1;
	assert_int_equal(store_message_keys(st, &q, &k, &n, &cause), 0);
	assert_int_equal(n, 2); /* newest first: 5 4 3 2 1, so 4 and 3 */
	assert_int_equal(k[0].id, ids[3]);
	assert_int_equal(k[1].id, ids[2]);
	assert_int_equal(k[1].flags, 1 | 4);
	free(k);
	assert_int_equal(store_messages_by_id(st, want, VA_ARRAY_LEN(want), &m, &n, &cause), 0);
	assert_int_equal(n, 3); /* the missing id is left out; ascending ids */
	assert_int_equal(m[0].id, ids[0]);
	assert_int_equal(m[1].id, ids[3]);
	assert_int_equal(m[2].id, ids[4]);
	assert_string_equal(m[1].subject, "Re: Offsite venue shortlist");
	assert_string_equal(m[0].folder, "INBOX");
	store_messages_free(m, n);
	assert_int_equal(store_messages_by_id(st, want, 0, &m, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_message_set_flags(st, ids[2], 0, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syntax),
	    cmocka_unit_test(test_words_and_ranking),
	    cmocka_unit_test(test_prefix_phrase_fields),
	    cmocka_unit_test(test_operators),
	    cmocka_unit_test(test_diacritics_and_unicode),
	    cmocka_unit_test(test_hostile_input),
	    cmocka_unit_test(test_keys_and_rows_by_id),
	    cmocka_unit_test(test_search_ids),
	};
	return cmocka_run_group_tests_name("search", tests, setup, teardown);
}
