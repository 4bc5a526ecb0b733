/* test_classify: the local model: day-one priors, learning, the unsure band,
 * reasons, persistence through the store, and calibration on synthetic mail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "va/classify.h"
#include "va/mime.h"
#include "va/store.h"
#include "va/util.h"

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

static const char newsletter[] =
    "From: Weekly Deals <noreply@deals.example>\nTo: me@example.org\nSubject: This week's offers\n"
    "List-Unsubscribe: <https://deals.example/u>\nPrecedence: bulk\n\n"
    "Great offers this week. To unsubscribe click the link.\n";
static const char personal[] =
    "From: Ann <ann@example.org>\nTo: me@example.org\nSubject: dinner on friday\n\n"
    "Are you free on friday evening?\n";

static void test_priors_day_one(void **state)
{
	struct cls_model *m = cls_model_new();
	struct cls_features f;
	struct cls_verdict v;

	(void)state;
	assert_int_equal(cls_model_labels(m), 0);
	features_of(newsletter, &f);
	cls_model_predict(m, &f, &v);
	assert_int_equal(v.category, CLS_PROMOTIONAL);
	assert_false(v.unsure);
	assert_non_null(strstr(v.reason, "List-Unsubscribe header"));
	cls_features_release(&f);
	features_of(personal, &f);
	cls_model_predict(m, &f, &v);
	assert_int_not_equal(v.category, CLS_PROMOTIONAL);
	assert_int_not_equal(v.category, CLS_SPAM);
	cls_features_release(&f);
	cls_model_free(m);
}

/* xorshift: low bits as good as high ones (an LCG's low bits repeat with the
 * message number and would leak the label). */
static unsigned rnd(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A synthetic message of one of two topics, with shared filler words. */
static char *synth(int spam, unsigned *seed)
{
	static const char *const spamw[] = {"cheap", "pills", "winner", "casino", "bonus", "loan"};
	static const char *const hamw[] = {"meeting", "report", "budget",
	                                   "agenda",  "review", "draft"};
	static const char *const filler[] = {"the", "and", "today", "please", "thanks", "about"};
	struct strbuf sb = STRBUF_INIT;
	int i;

	sb_addf(&sb, "From: x%u@mail.example\nSubject: note %u\n\n", rnd(seed) % 50, rnd(seed) % 7);
	for (i = 0; i < 10; i++) {
		unsigned r = rnd(seed) % 100;
		/* a third of the topic words come from the other topic: the data is noisy */
		const char *const *w = r < 70 ? filler : (r < 90) == !!spam ? spamw : hamw;
		sb_addf(&sb, "%s ", w[rnd(seed) % 6]);
	}
	sb_adds(&sb, "\n");
	return sb_detach(&sb);
}

static void train_synthetic(struct cls_model *m, size_t n, unsigned seed)
{
	struct cls_features *set = xcalloc(n, sizeof *set);
	int *cats = xcalloc(n, sizeof *cats);
	size_t i;

	for (i = 0; i < n; i++) {
		char *raw = synth((int)(i % 2), &seed);
		features_of(raw, &set[i]);
		cats[i] = i % 2 ? CLS_SPAM : CLS_IMPORTANT;
		free(raw);
	}
	cls_model_train(m, set, cats, n);
	for (i = 0; i < n; i++)
		cls_features_release(&set[i]);
	free(set);
	free(cats);
}

static void test_learns(void **state)
{
	struct cls_model *m = cls_model_new();
	struct cls_features f;
	struct cls_verdict v;

	(void)state;
	train_synthetic(m, 400, 1);
	assert_int_equal(cls_model_labels(m), 400);
	features_of("From: z@mail.example\nSubject: hi\n\ncheap pills casino bonus winner\n", &f);
	cls_model_predict(m, &f, &v);
	assert_int_equal(v.category, CLS_SPAM);
	assert_true(v.confidence >= 80);
	assert_non_null(strstr(v.reason, "word"));
	cls_features_release(&f);
	features_of("From: z@corp.example\nSubject: hi\n\nmeeting agenda budget review\n", &f);
	cls_model_predict(m, &f, &v);
	assert_int_equal(v.category, CLS_IMPORTANT);
	cls_features_release(&f);
	cls_model_free(m);
}

static void test_online_step_moves(void **state)
{
	struct cls_model *m = cls_model_new();
	struct cls_features f;
	struct cls_verdict before, after;
	int i;

	(void)state;
	features_of(personal, &f);
	cls_model_predict(m, &f, &before);
	for (i = 0; i < 5; i++)
		cls_model_learn(m, &f, CLS_ACTIONABLE);
	cls_model_predict(m, &f, &after);
	assert_true(after.p[CLS_ACTIONABLE] > before.p[CLS_ACTIONABLE] + 0.2);
	assert_int_equal(cls_model_labels(m), 5);
	assert_true(cls_model_changed(m) == f.n);
	cls_model_learn(m, &f, 99); /* out of range: ignored */
	assert_int_equal(cls_model_labels(m), 5);
	cls_features_release(&f);
	cls_model_free(m);
}

static void test_unsure_band(void **state)
{
	struct cls_model *m = cls_model_new();
	struct cls_features f;
	struct cls_verdict v;

	(void)state;
	/* signals that pull apart: a list (promotional), automatic (followup),
	 * from a person's address (important) */
	features_of("From: Ann <ann@example.org>\nTo: me@example.org\nSubject: status\n"
	            "List-Unsubscribe: <mailto:u@example.org>\nAuto-Submitted: auto-generated\n\n"
	            "status of the build\n",
	            &f);
	cls_model_predict(m, &f, &v);
	assert_true(v.confidence < CLS_UNSURE_BELOW);
	assert_true(v.unsure);
	assert_true(str_starts(v.reason, "unsure: "));
	cls_features_release(&f);
	/* a spam guess needs more: 60-89 is still unsure */
	features_of("From: x@example.org\nTo: me@example.org\nSubject: FREE MONEY $$$ FOR YOU\n\n"
	            "hello\n",
	            &f);
	cls_model_predict(m, &f, &v);
	assert_int_equal(v.category, CLS_SPAM);
	assert_true(v.confidence >= CLS_UNSURE_BELOW && v.confidence < CLS_SPAM_SURE);
	assert_true(v.unsure);
	cls_features_release(&f);
	cls_model_free(m);
}

struct saver {
	struct store_param_writer *w;
	size_t n;
};

static void save_one(void *arg, uint32_t bucket, int cat, float w)
{
	struct saver *s = arg;
	char feature[16];

	snprintf(feature, sizeof feature, "%u", bucket);
	store_classifier_put(s->w, feature, cls_category_name(cat), w);
	s->n++;
}

static void load_one(void *arg, const char *feature, const char *category, double value)
{
	cls_model_set_weight(arg, (uint32_t)strtoul(feature, NULL, 10),
	                     cls_category_parse(category), (float)value);
}

static void test_persistence(void **state)
{
	char dir[] = "/tmp/va-test-classify-XXXXXX", *path, *cause = NULL;
	struct cls_model *a = cls_model_new(), *b = cls_model_new();
	struct saver s = {NULL, 0};
	struct cls_features f;
	struct cls_verdict va, vb;
	struct store *st;
	int k;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/va.db", dir);
	st = store_open(path, &cause);
	assert_non_null(st);
	train_synthetic(a, 200, 3);
	s.w = store_classifier_writer(st, "t", &cause);
	assert_non_null(s.w);
	cls_model_weights(a, 0, save_one, &s);
	assert_int_equal(store_classifier_writer_end(s.w, &cause), 0);
	assert_true(s.n > 0);
	assert_int_equal(cls_model_changed(a), 0);
	assert_int_equal(store_classifier_load(st, "t", load_one, b, &cause), 0);
	assert_true(cls_model_temperature(a) != 1.0); /* 200 labels: calibrated */
	cls_model_set_temperature(b, cls_model_temperature(a));
	features_of("From: z@promo.example\nSubject: hi\n\ncheap report\n", &f);
	cls_model_predict(a, &f, &va);
	cls_model_predict(b, &f, &vb);
	for (k = 0; k < CLS_NCAT; k++)
		assert_true(va.p[k] - vb.p[k] < 1e-6 && vb.p[k] - va.p[k] < 1e-6);
	assert_string_equal(va.reason, vb.reason);
	assert_int_equal(store_classifier_clear(st, "t", &cause), 0);
	cls_features_release(&f);
	cls_model_free(a);
	cls_model_free(b);
	store_close(st);
	unlink(path);
	rmdir(dir);
	free(path);
}

/* Of held-out messages given a confidence, about that share must be right. */
static void test_calibration(void **state)
{
	struct cls_model *m = cls_model_new();
	unsigned seed = 99;
	size_t i, n = 2000, hi = 0, hi_ok = 0;
	double conf_sum = 0, ok_sum = 0;

	(void)state;
	train_synthetic(m, 600, 4);
	for (i = 0; i < n; i++) {
		int spam = (int)(i % 2);
		char *raw = synth(spam, &seed);
		struct cls_features f;
		struct cls_verdict v;
		int ok;
		features_of(raw, &f);
		cls_model_predict(m, &f, &v);
		ok = v.category == (spam ? CLS_SPAM : CLS_IMPORTANT);
		conf_sum += v.confidence / 100.0;
		ok_sum += ok;
		if (v.confidence >= 90) {
			hi++;
			hi_ok += (size_t)ok;
		}
		cls_features_release(&f);
		free(raw);
	}
	print_message(
	    "# temperature %.2f; mean confidence %.3f, accuracy %.3f; %zu at >= 90%%: %.3f right\n",
	    cls_model_temperature(m), conf_sum / (double)n, ok_sum / (double)n, hi,
	    hi ? (double)hi_ok / (double)hi : 0);
	assert_true(conf_sum / (double)n - ok_sum / (double)n < 0.10);
	assert_true(ok_sum / (double)n - conf_sum / (double)n < 0.10);
	assert_true(hi > 100);
	assert_true((double)hi_ok / (double)hi >= 0.88);
	cls_model_free(m);
}

/* The spam cut: a default before training, chosen by training within its
 * bounds, persisted by the caller, and the verdict follows it. */
static void test_spam_cut(void **state)
{
	struct cls_model *m = cls_model_new();
	struct cls_features f;
	struct cls_verdict v;
	double cut, p;

	(void)state;
	assert_true(cls_model_spam_cut(m) > 0.899 && cls_model_spam_cut(m) < 0.901);
	cls_model_set_spam_cut(m, 0.3); /* out of range: the default */
	assert_true(cls_model_spam_cut(m) > 0.899 && cls_model_spam_cut(m) < 0.901);
	train_synthetic(m, 600, 5);
	cut = cls_model_spam_cut(m);
	print_message("# spam cut after training %.3f\n", cut);
	assert_true(cut >= 0.5 && cut <= 0.9951);
	features_of("From: x1@mail.example\nSubject: note 1\n\ncheap pills winner casino the\n",
	            &f);
	cls_model_predict(m, &f, &v);
	p = v.p[CLS_SPAM];
	assert_true(p > 0.5);
	cls_model_set_spam_cut(m, p - 0.001 > 0.5 ? p - 0.001 : 0.5);
	cls_model_predict(m, &f, &v);
	assert_int_equal(v.category, CLS_SPAM); /* at or above the cut: filed as spam */
	assert_false(v.unsure);
	if (p + 0.001 <= 0.995) {
		cls_model_set_spam_cut(m, p + 0.001);
		cls_model_predict(m, &f, &v);
		assert_int_equal(v.category, CLS_SPAM); /* still the best guess ... */
		assert_true(v.unsure);                  /* ... but not filed */
		assert_non_null(strstr(v.reason, "unsure"));
	}
	cls_features_release(&f);
	cls_model_free(m);
}

static void test_category_names(void **state)
{
	(void)state;
	assert_int_equal(cls_category_parse("spam"), CLS_SPAM);
	assert_int_equal(cls_category_parse("important"), CLS_IMPORTANT);
	assert_int_equal(cls_category_parse("Spam"), -1);
	assert_int_equal(cls_category_parse(NULL), -1);
	assert_string_equal(cls_category_name(CLS_FOLLOWUP), "followup");
	assert_null(cls_category_name(CLS_NCAT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_priors_day_one),    cmocka_unit_test(test_learns),
	    cmocka_unit_test(test_online_step_moves), cmocka_unit_test(test_unsure_band),
	    cmocka_unit_test(test_persistence),       cmocka_unit_test(test_calibration),
	    cmocka_unit_test(test_category_names),    cmocka_unit_test(test_spam_cut),
	};
	return cmocka_run_group_tests_name("classify", tests, NULL, NULL);
}
