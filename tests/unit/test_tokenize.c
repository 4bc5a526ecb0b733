/* test_tokenize: features from real message bytes: charsets, HTML, URLs,
 * header signals, word rules, pairs, de-duplication. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "va/classify.h"
#include "va/mime.h"
#include "va/util.h"

static int has(const struct cls_features *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(cls_feature_name(f, i), name))
			return 1;
	return 0;
}

/* Parse raw bytes and tokenize them into f. */
static void features_of(const char *raw, struct cls_features *f)
{
	struct message m;
	char *cause = NULL;

	message_init(&m);
	assert_int_equal(mime_parse(raw, strlen(raw), &m, &cause), 0);
	cls_features_init(f);
	cls_tokenize(&m, f);
	message_release(&m);
}

static void test_words_and_case(void **state)
{
	struct cls_features f;

	(void)state;
	cls_features_init(&f);
	cls_tokenize_text(&f, "b:", "Hello WORLD, e-mail me at 3.5 o'clock; a x", 42, 1);
	cls_features_finish(&f);
	assert_true(has(&f, "b:hello"));
	assert_true(has(&f, "b:world"));
	assert_true(has(&f, "b:e-mail"));
	assert_true(has(&f, "b:3.5"));
	assert_true(has(&f, "b:o'clock"));
	assert_true(has(&f, "b2:hello_world"));
	assert_false(has(&f, "b:a"));     /* too short */
	assert_false(has(&f, "b:Hello")); /* folded */
	cls_features_release(&f);
}

static void test_long_words_and_dedup(void **state)
{
	struct cls_features f;
	char text[200];
	size_t i, n;

	(void)state;
	memset(text, 'z', 60);
	memcpy(text + 60, " spam spam SPAM spam", 21);
	cls_features_init(&f);
	cls_tokenize_text(&f, "b:", text, strlen(text), 0);
	n = f.n;
	cls_features_finish(&f);
	assert_int_equal(n, 4);   /* the 60-byte run is not a word */
	assert_int_equal(f.n, 1); /* four "spam" become one feature */
	for (i = 1; i < f.n; i++)
		assert_true(f.bucket[i - 1] < f.bucket[i]);
	cls_features_release(&f);
}

static void test_charset_latin1(void **state)
{
	struct cls_features f;

	(void)state;
	features_of("From: a@example.org\nSubject: =?iso-8859-1?Q?R=E9union_demain?=\n"
	            "Content-Type: text/plain; charset=iso-8859-1\n"
	            "Content-Transfer-Encoding: quoted-printable\n\n"
	            "Caf=E9 cr=E8me apr=E8s la r=E9union\n",
	            &f);
	assert_true(has(&f, "s:réunion"));
	assert_true(has(&f, "b:café"));
	assert_true(has(&f, "b:crème"));
	assert_true(has(&f, "b2:crème_après"));
	cls_features_release(&f);
}

static void test_html_and_links(void **state)
{
	struct cls_features f;

	(void)state;
	features_of(
	    "From: Shop <deals@shop.example>\nTo: me@example.org\nSubject: Big SALE\n"
	    "Content-Type: text/html\n\n"
	    "<html><body><p>Click <a href=\"https://Track.Shop.Example/x?y=1\">here</a>"
	    " or http://other.example/now</p><script>var hidden=1;</script></body></html>\n",
	    &f);
	assert_true(has(&f, "sig:html-only"));
	assert_true(has(&f, "url:track.shop.example"));
	assert_true(has(&f, "url:other.example"));
	assert_true(has(&f, "sig:links:1-3"));
	assert_true(has(&f, "b:click"));
	assert_false(has(&f, "b:href"));   /* tags are not words */
	assert_false(has(&f, "b:hidden")); /* nor scripts */
	assert_true(has(&f, "fromdom:shop.example"));
	cls_features_release(&f);
}

static void test_header_signals(void **state)
{
	struct cls_features f;

	(void)state;
	features_of("From: No Reply <noreply@news.example>\nTo: me@example.org\n"
	            "Subject: Re: WIN BIG MONEY NOW $$$\nList-Id: <weekly.news.example>\n"
	            "List-Unsubscribe: <mailto:u@news.example>\nPrecedence: Bulk\n"
	            "Auto-Submitted: auto-generated\nX-Mailer: MassMail 3\n\nhello there\n",
	            &f);
	assert_true(has(&f, "sig:noreply"));
	assert_true(has(&f, "sig:list-id"));
	assert_true(has(&f, "sig:list-unsubscribe"));
	assert_true(has(&f, "sig:precedence:bulk"));
	assert_true(has(&f, "sig:auto-submitted"));
	assert_true(has(&f, "sig:reply"));
	assert_true(has(&f, "sig:subject-caps"));
	assert_true(has(&f, "sig:subject-dollar"));
	assert_true(has(&f, "hn:x-mailer"));
	assert_true(has(&f, "h:x-mailer:massmail"));
	assert_true(has(&f, "sig:links:0"));
	assert_true(has(&f, "_bias"));
	cls_features_release(&f);
}

static void test_plain_personal(void **state)
{
	struct cls_features f;

	(void)state;
	features_of("From: Ann <ann@example.org>\nTo: me@example.org\nSubject: lunch\n"
	            "Auto-Submitted: no\n\nsee you at noon\n",
	            &f);
	assert_false(has(&f, "sig:auto-submitted")); /* "no" means a person sent it */
	assert_false(has(&f, "sig:list-id"));
	assert_false(has(&f, "sig:noreply"));
	assert_false(has(&f, "sig:html-only"));
	assert_true(has(&f, "from:ann@example.org"));
	cls_features_release(&f);
}

static void test_empty_message(void **state)
{
	struct message m;
	struct cls_features f;

	(void)state;
	message_init(&m);
	cls_features_init(&f);
	cls_tokenize(&m, &f);
	assert_true(has(&f, "sig:no-sender"));
	assert_true(has(&f, "sig:no-subject"));
	assert_true(has(&f, "sig:empty-body"));
	cls_features_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_words_and_case), cmocka_unit_test(test_long_words_and_dedup),
	    cmocka_unit_test(test_charset_latin1), cmocka_unit_test(test_html_and_links),
	    cmocka_unit_test(test_header_signals), cmocka_unit_test(test_plain_personal),
	    cmocka_unit_test(test_empty_message),
	};
	return cmocka_run_group_tests_name("tokenize", tests, NULL, NULL);
}
