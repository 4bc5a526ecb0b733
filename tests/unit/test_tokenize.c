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
	assert_true(has(&f, "s2:réunion_demain")); /* pairs: subjects keep them, bodies not */
	assert_false(has(&f, "b2:crème_après"));
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

/* Where the message came from, against its From domain. */
static void test_origin(void **state)
{
	struct cls_features f;

	(void)state;
	features_of("Return-Path: <bounce-77@mail.shop.example.co.uk>\n"
	            "Received: from out.shop.example.co.uk (out.shop.example.co.uk [192.0.2.1])\n"
	            " by mx.example.org; Tue, 24 Nov 2026 07:00:00 +0000\n"
	            "Received: from unknown (HELO x) (198.51.100.7) (may be forged)\n"
	            "Authentication-Results: mx.example.org; spf=PASS smtp.mailfrom=x; dkim=fail\n"
	            "Message-ID: <123@elsewhere.example>\n"
	            "From: Shop <news@shop.example.co.uk>\nTo: a@example.org\nSubject: hi\n\n"
	            "Please review the list and click here.\n",
	            &f);
	assert_true(has(&f, "sig:retpath-fromdom"));
	assert_true(has(&f, "sig:msgid-other"));
	assert_true(has(&f, "sig:relay-fromdom"));
	assert_true(has(&f, "sig:relay-forged"));
	assert_true(has(&f, "sig:relay-unknown"));
	assert_true(has(&f, "sig:hops:2"));
	assert_true(has(&f, "sig:auth:spf=pass"));
	assert_true(has(&f, "sig:auth:dkim=fail"));
	assert_true(has(&f, "h:received:mx.example.org"));
	assert_false(has(&f, "h:received:2026")); /* header numbers are dates and ids */
	assert_true(has(&f, "b2:please_review")); /* a phrase the priors know */
	assert_false(has(&f, "b2:click_here"));   /* other body pairs are not kept */
	assert_true(has(&f, "b:click"));
	cls_features_release(&f);
	features_of("From: a@example.org\nMessage-ID: <1@mail.example.org>\nSubject: x\n\nhi\n",
	            &f);
	assert_true(has(&f, "sig:msgid-fromdom"));
	assert_true(has(&f, "sig:hops:0"));
	assert_false(has(&f, "sig:retpath-other"));
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
	    cmocka_unit_test(test_empty_message),  cmocka_unit_test(test_origin),
	};
	return cmocka_run_group_tests_name("tokenize", tests, NULL, NULL);
}
