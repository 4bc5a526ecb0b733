/*
 * model: the local classifier (L2, pure): multinomial logistic regression
 * over hashed binary features, trained online.
 *
 * Why this model: mail arrives one message and one triage action at a time,
 * so the model must learn from a single label cheaply and without keeping the
 * training text (we cannot retrain from mail the user has deleted).  Online
 * logistic regression does exactly that: one gradient step per label touches
 * only that message's features.  Unlike naive Bayes it does not count the
 * same evidence twice (a word and its pair, a domain in From and in links),
 * so its probabilities stay close to calibrated and can be shown as a
 * confidence.  Hashing the features (2^20 buckets) bounds memory whatever
 * the vocabulary, and the weights map one to one onto classifier_params
 * rows.  Day-one priors are simply starting weights on header signals and a
 * few keywords: training moves them like any other weight.
 *
 * The weight array is CLS_NBUCKETS x CLS_NCAT floats (20 MB of address
 * space, allocated zeroed; only the pages of features seen are touched).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "va/classify.h"

#define RATE       0.05f
#define EPOCHS     3
#define WEIGHT_MAX 12.0f
#define WEIGHT_MIN 0.002f /* smaller weights are dropped when handed out (not priors) */
#define HOLD_MIN   40     /* smaller batches keep the temperature they have */
#define TEMP_MIN   0.5
#define RUNS       4
#define RUNS_MIN   200 /* smaller batches: one run */
#define TEMP_MAX   20.0
#define ADA_ETA    0.1f
#define FOLDS      8    /* cross-validation folds for the temperature and the spam cut */
#define FP_COST    10.0 /* a real message filed as spam costs this many spams let through */
#define CUT_MIN    10   /* a batch needs this many ham and spam to move the spam cut */
#define CUT_LO     0.5
#define CUT_HI     0.995
#define CUT_GRID   200
#define CUT_BAND   0.5

struct cls_model {
	float *w;         /* w[bucket * CLS_NCAT + cat] */
	uint8_t *changed; /* one bit per bucket */
	uint8_t *prior;   /* one bit per bucket that has a prior */
	size_t nchanged;
	long labels;
	double temp; /* calibration temperature (see calibrate) */
	double cut;  /* spam verdict above this calibrated p(spam) (see choose_cut) */
	float *u;    /* during a batch: sum of (t - 1) * step, for averaging */
	float *acc;  /* during a batch: AdaGrad's sum of squared gradients */
	double t;    /* steps averaged so far */
};

/* exp and log without libm (va links no maths library): exp by 2^k * e^r
 * with |r| <= ln2/2 and a Taylor series; log by x = m * 2^e, m in [1,2),
 * and the atanh series.  Relative error ~1e-15, plenty for probabilities. */
#define LN2 0.69314718055994530942

static double xexp(double x)
{
	double r, term = 1, sum = 1;
	int k, i;

	if (x < -700)
		return 0;
	if (x > 700)
		x = 700;
	k = (int)(x / LN2 + (x < 0 ? -0.5 : 0.5));
	r = x - k * LN2;
	for (i = 1; i < 20; i++) {
		term *= r / i;
		sum += term;
	}
	for (; k > 0; k--)
		sum *= 2;
	for (; k < 0; k++)
		sum /= 2;
	return sum;
}

static double xlog(double x)
{
	double y, y2, term, sum = 0;
	int e = 0, i;

	if (x <= 0)
		return -745;
	while (x >= 2) {
		x /= 2;
		e++;
	}
	while (x < 1) {
		x *= 2;
		e--;
	}
	y = (x - 1) / (x + 1);
	y2 = y * y;
	term = y;
	for (i = 1; i < 60; i += 2) {
		sum += term / i;
		term *= y2;
	}
	return 2 * sum + e * LN2;
}

static int percent(double p)
{
	return (int)(p * 100 + 0.5);
}

static const char *const cat_names[CLS_NCAT] = {"important", "actionable", "followup",
                                                "promotional", "spam"};

const char *cls_category_name(int cat)
{
	return cat >= 0 && cat < CLS_NCAT ? cat_names[cat] : NULL;
}

int cls_category_parse(const char *s)
{
	int i;

	for (i = 0; s && i < CLS_NCAT; i++)
		if (!strcmp(s, cat_names[i]))
			return i;
	return -1;
}

/* Day-one priors: what an untrained install already knows.  No spam phrases
 * ("click here", "act now"): commercial mail that is not spam says them too,
 * and bodies keep only the phrases below (see tokenize.c). */
static const struct prior {
	const char *feature;
	int cat;
	float w;
} priors[] = {
    {"_bias", CLS_IMPORTANT, 1.5f},
    {"sig:list-unsubscribe", CLS_PROMOTIONAL, 2.0f},
    {"sig:list-id", CLS_PROMOTIONAL, 1.0f},
    {"sig:precedence:bulk", CLS_PROMOTIONAL, 2.0f},
    {"sig:precedence:list", CLS_PROMOTIONAL, 1.2f},
    {"sig:precedence:junk", CLS_SPAM, 1.2f},
    {"sig:auto-submitted", CLS_FOLLOWUP, 2.2f},
    {"sig:noreply", CLS_PROMOTIONAL, 1.8f},
    {"sig:known-sender", CLS_IMPORTANT, 1.2f},
    {"sig:reply", CLS_FOLLOWUP, 0.9f},
    {"sig:reply", CLS_IMPORTANT, 0.5f},
    {"sig:html-only", CLS_PROMOTIONAL, 0.6f},
    {"sig:links:many", CLS_PROMOTIONAL, 0.8f},
    {"sig:subject-caps", CLS_SPAM, 2.0f},
    {"sig:subject-bang", CLS_SPAM, 0.6f},
    {"sig:subject-dollar", CLS_SPAM, 1.2f},
    {"sig:no-to", CLS_SPAM, 0.6f},
    {"sig:replyto-elsewhere", CLS_SPAM, 0.8f},
    {"b:winner", CLS_SPAM, 0.8f},
    {"b:congratulations", CLS_SPAM, 0.6f},
    {"b:unsubscribe", CLS_PROMOTIONAL, 1.0f},
    {"s:newsletter", CLS_PROMOTIONAL, 1.0f},
    {"s:sale", CLS_PROMOTIONAL, 0.8f},
    {"s:offer", CLS_PROMOTIONAL, 0.6f},
    {"b:viagra", CLS_SPAM, 2.0f},
    {"b:lottery", CLS_SPAM, 1.4f},
    {"s:urgent", CLS_ACTIONABLE, 0.8f},
    {"s:action", CLS_ACTIONABLE, 0.6f},
    {"s:deadline", CLS_ACTIONABLE, 1.0f},
    {"s:asap", CLS_ACTIONABLE, 1.0f},
    {"s:invoice", CLS_ACTIONABLE, 0.8f},
    {"b2:please_review", CLS_ACTIONABLE, 0.8f},
    {"b2:please_confirm", CLS_ACTIONABLE, 0.8f},
    {"b2:let_me", CLS_FOLLOWUP, 0.4f},
    {"s:reminder", CLS_FOLLOWUP, 0.8f},
};

struct cls_model *cls_model_new(void)
{
	struct cls_model *m = xcalloc(1, sizeof *m);
	size_t i;

	m->w = xcalloc((size_t)CLS_NBUCKETS * CLS_NCAT, sizeof *m->w);
	m->changed = xcalloc(CLS_NBUCKETS / 8, 1);
	m->prior = xcalloc(CLS_NBUCKETS / 8, 1);
	m->temp = 1.0;
	m->cut = CLS_SPAM_SURE / 100.0;
	for (i = 0; i < VA_ARRAY_LEN(priors); i++) {
		uint32_t b = cls_bucket(priors[i].feature, strlen(priors[i].feature));
		m->w[(size_t)b * CLS_NCAT + (size_t)priors[i].cat] += priors[i].w;
		m->prior[b >> 3] |= (uint8_t)(1u << (b & 7));
	}
	return m;
}

void cls_model_free(struct cls_model *m)
{
	if (!m)
		return;
	free(m->w);
	free(m->changed);
	free(m->prior);
	free(m);
}

long cls_model_labels(const struct cls_model *m)
{
	return m->labels;
}
void cls_model_set_labels(struct cls_model *m, long n)
{
	m->labels = n;
}
double cls_model_temperature(const struct cls_model *m)
{
	return m->temp;
}

void cls_model_set_temperature(struct cls_model *m, double t)
{
	m->temp = t >= TEMP_MIN && t <= TEMP_MAX ? t : 1.0;
}

double cls_model_spam_cut(const struct cls_model *m)
{
	return m->cut;
}

void cls_model_set_spam_cut(struct cls_model *m, double cut)
{
	m->cut = cut >= CUT_LO && cut <= CUT_HI ? cut : CLS_SPAM_SURE / 100.0;
}

float cls_model_weight(const struct cls_model *m, uint32_t bucket, int cat)
{
	return m->w[(size_t)(bucket & (CLS_NBUCKETS - 1)) * CLS_NCAT + (size_t)cat];
}

void cls_model_set_weight(struct cls_model *m, uint32_t bucket, int cat, float w)
{
	if (cat >= 0 && cat < CLS_NCAT)
		m->w[(size_t)(bucket & (CLS_NBUCKETS - 1)) * CLS_NCAT + (size_t)cat] = w;
}

static void mark(struct cls_model *m, uint32_t b)
{
	uint8_t bit = (uint8_t)(1u << (b & 7));

	if (!(m->changed[b >> 3] & bit)) {
		m->changed[b >> 3] |= bit;
		m->nchanged++;
	}
}

size_t cls_model_changed(const struct cls_model *m)
{
	return m->nchanged;
}

void cls_model_weights(struct cls_model *m, int all, cls_weight_fn fn, void *arg)
{
	uint32_t b;
	int k;

	for (b = 0; b < CLS_NBUCKETS; b++) {
		int hit = m->changed[b >> 3] & (1u << (b & 7));
		float *w = m->w + (size_t)b * CLS_NCAT;
		if (!hit && !all)
			continue;
		if (!(m->prior[b >> 3] & (1u << (b & 7))))
			for (k = 0; k < CLS_NCAT; k++)
				if (w[k] > -WEIGHT_MIN && w[k] < WEIGHT_MIN)
					w[k] = 0.0f;
		for (k = 0; k < CLS_NCAT; k++)
			if (hit || w[k] != 0.0f)
				fn(arg, b, k, w[k]);
	}
	memset(m->changed, 0, CLS_NBUCKETS / 8);
	m->nchanged = 0;
}

/* The raw scores (logits) of one feature set. */
static void logits(const struct cls_model *m, const struct cls_features *f, double *z)
{
	size_t i;
	int k;

	for (k = 0; k < CLS_NCAT; k++)
		z[k] = 0;
	for (i = 0; i < f->n; i++) {
		const float *w = m->w + (size_t)f->bucket[i] * CLS_NCAT;
		for (k = 0; k < CLS_NCAT; k++)
			z[k] += w[k];
	}
}

/* p = softmax(z / t). */
static void softmax(const double *z, double t, double *p)
{
	double max = z[0], sum = 0;
	int k;

	for (k = 1; k < CLS_NCAT; k++)
		if (z[k] > max)
			max = z[k];
	for (k = 0; k < CLS_NCAT; k++)
		sum += (p[k] = xexp((z[k] - max) / t));
	for (k = 0; k < CLS_NCAT; k++)
		p[k] /= sum;
}

/* Training-time probabilities (no temperature: the gradient of the log loss). */
static void scores(const struct cls_model *m, const struct cls_features *f, double *p)
{
	double z[CLS_NCAT];

	logits(m, f, z);
	softmax(z, 1.0, p);
}

static float clamp(float v)
{
	return v > WEIGHT_MAX ? WEIGHT_MAX : v < -WEIGHT_MAX ? -WEIGHT_MAX : v;
}

static void step(struct cls_model *m, const struct cls_features *f, int cat, float rate)
{
	double p[CLS_NCAT];
	float g[CLS_NCAT];
	size_t i;
	int k;

	scores(m, f, p);
	for (k = 0; k < CLS_NCAT; k++)
		g[k] = rate * (float)((k == cat ? 1.0 : 0.0) - p[k]);
	for (i = 0; i < f->n; i++) {
		size_t at = (size_t)f->bucket[i] * CLS_NCAT;
		for (k = 0; k < CLS_NCAT; k++) {
			float d = g[k];
			if (m->acc) {
				float r = (float)((k == cat ? 1.0 : 0.0) - p[k]);
				m->acc[at + k] += r * r;
				d = ADA_ETA * r / __builtin_sqrtf(m->acc[at + k] + 1.0f);
			}
			m->w[at + k] = clamp(m->w[at + k] + d);
			if (m->u)
				m->u[at + k] += (float)m->t * d;
		}
		mark(m, f->bucket[i]);
	}
	if (m->u)
		m->t += 1;
}

void cls_model_learn(struct cls_model *m, const struct cls_features *f, int cat)
{
	if (cat < 0 || cat >= CLS_NCAT)
		return;
	step(m, f, cat, RATE);
	m->labels++;
}

/* A fixed-seed shuffle: the same batch always trains the same model. */
static void shuffle(size_t *order, size_t n, uint64_t *seed)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j;
		*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
		j = (size_t)((*seed >> 33) % i);
		size_t t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
}

/* Log loss of held-out logits z (n x CLS_NCAT) at temperature t. */
static double held_loss(const double *z, const int *cats, size_t n, double t)
{
	double p[CLS_NCAT], loss = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		softmax(z + i * CLS_NCAT, t, p);
		loss -= xlog(p[cats[i]] > 1e-12 ? p[cats[i]] : 1e-12);
	}
	return loss;
}

/* Temperature scaling: the t that minimises the held-out log loss
 * (golden-section search on log t).  Training makes the weights confident
 * on what they saw; dividing the logits by t makes "90" mean 90% again. */
static double fit_temperature(const double *z, const int *cats, size_t n)
{
	double lo = xlog(TEMP_MIN), hi = xlog(TEMP_MAX), g = 0.6180339887;
	double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
	double fa = held_loss(z, cats, n, xexp(a)), fb = held_loss(z, cats, n, xexp(b));
	int i;

	for (i = 0; i < 40; i++) {
		if (fa < fb) {
			hi = b, b = a, fb = fa;
			a = hi - g * (hi - lo);
			fa = held_loss(z, cats, n, xexp(a));
		} else {
			lo = a, a = b, fa = fb;
			b = lo + g * (hi - lo);
			fb = held_loss(z, cats, n, xexp(b));
		}
	}
	return xexp((lo + hi) / 2);
}

/* Averaged SGD: after the first pass, the batch's result is the mean of the
 * weights over every later step, not the last step's weights.  Plain SGD
 * ends wherever the last few messages pushed it; the mean does not, which
 * makes the model far less sensitive to the order labels came in. */
static void start_average(struct cls_model *m)
{
	m->u = xcalloc((size_t)CLS_NBUCKETS * CLS_NCAT, sizeof *m->u);
	m->t = 0;
}

static void end_average(struct cls_model *m)
{
	size_t i;

	if (!m->u)
		return;
	if (m->t > 0)
		for (i = 0; i < (size_t)CLS_NBUCKETS * CLS_NCAT; i++)
			if (m->u[i] != 0.0f)
				m->w[i] -= m->u[i] / (float)m->t;
	x_free(&m->u);
}

/* Passes over the messages in `idx` (n of them). */
static void passes(struct cls_model *m, const struct cls_features *set, const int *cats,
                   size_t *idx, size_t n, uint64_t seed)
{
	size_t i;
	int e;

	m->acc = xcalloc((size_t)CLS_NBUCKETS * CLS_NCAT, sizeof *m->acc);
	for (e = 0; e < EPOCHS; e++) {
		float rate = RATE / (1.0f + (float)e);
		if (e == 1)
			start_average(m);
		shuffle(idx, n, &seed);
		for (i = 0; i < n; i++)
			step(m, &set[idx[i]], cats[idx[i]], rate);
	}
	x_free(&m->acc);
	end_average(m);
}

/* RUNS independent runs of passes from the same start, in different orders,
 * and their weights averaged: SGD on few labels ends wherever its order took
 * it (on the corpus, the ham-to-spam count moved between 3 and 14 with the
 * order alone); the mean of a few runs does not. */
static void runs(struct cls_model *m, const struct cls_features *set, const int *cats, size_t *idx,
                 size_t n)
{
	size_t size = (size_t)CLS_NBUCKETS * CLS_NCAT, i;
	float *start, *sum;
	int r;

	if (n < RUNS_MIN) {
		passes(m, set, cats, idx, n, 42);
		return;
	}
	start = xmalloc(size * sizeof *start);
	sum = xcalloc(size, sizeof *sum);
	memcpy(start, m->w, size * sizeof *start);
	for (r = 0; r < RUNS; r++) {
		if (r > 0)
			memcpy(m->w, start, size * sizeof *start);
		passes(m, set, cats, idx, n, 42 + (uint64_t)r * 7919);
		for (i = 0; i < size; i++)
			sum[i] += m->w[i];
	}
	for (i = 0; i < size; i++)
		m->w[i] = sum[i] / RUNS;
	free(start);
	free(sum);
}

struct oof {
	double p;
	int spam;
};

static double logit(double p)
{
	p = p < 1e-9 ? 1e-9 : p > 1 - 1e-9 ? 1 - 1e-9 : p;
	return xlog(p / (1 - p));
}

/* The spam cut: on the out-of-fold p(spam) (n of them, calibrated), the cut
 * that minimises FP_COST * ham filed as spam + spam let through.  Counted
 * with a step, that cost jumps at every single message and its minimum jumps
 * with it (one odd ham in the training half moved the cut from 0.84 to 0.95);
 * so each message counts through a logistic ramp CUT_BAND wide in log-odds,
 * and the cut is the best of CUT_GRID points between CUT_LO and CUT_HI. */
static void choose_cut(struct cls_model *m, const struct oof *o, size_t n)
{
	double lo = logit(CUT_LO), hi = logit(CUT_HI), best_cost = 0, best = CUT_HI;
	double *z = xmalloc((n ? n : 1) * sizeof *z);
	size_t i, nham = 0, nspam = 0;
	int g;

	for (i = 0; i < n; i++) {
		o[i].spam ? nspam++ : nham++;
		z[i] = logit(o[i].p);
	}
	if (nham < CUT_MIN || nspam < CUT_MIN) {
		free(z);
		return;
	}
	for (g = 0; g <= CUT_GRID; g++) {
		double t = lo + (hi - lo) * g / CUT_GRID, cost = 0;
		for (i = 0; i < n; i++) {
			double above = 1 / (1 + xexp(-(z[i] - t) / CUT_BAND));
			cost += o[i].spam ? 1 - above : FP_COST * above;
		}
		if (g == 0 || cost < best_cost) {
			best_cost = cost;
			best = t;
		}
	}
	m->cut = 1 / (1 + xexp(-best));
	free(z);
}

/* Cross-validation: FOLDS times, learn on the other folds from the current
 * weights and score the fold; then put the weights back.  Every message gets
 * a score from a model that has not seen it: the temperature is fitted on
 * those logits (training makes the weights confident on what they saw;
 * dividing the logits by t makes "90" mean 90% again), and the spam cut is
 * chosen on the calibrated p(spam).  Folds are random, not every k-th label:
 * labels may come in a pattern. */
static void cross_validate(struct cls_model *m, const struct cls_features *set, const int *cats,
                           const size_t *valid, size_t n)
{
	size_t size = (size_t)CLS_NBUCKETS * CLS_NCAT, i, k, nf, nh;
	size_t *order = xmalloc(n * sizeof *order), *fit = xmalloc(n * sizeof *fit);
	double *z = xmalloc(n * CLS_NCAT * sizeof *z), p[CLS_NCAT];
	int *hc = xmalloc(n * sizeof *hc);
	struct oof *o = xmalloc(n * sizeof *o);
	float *start = xmalloc(size * sizeof *start);
	uint64_t seed = 7;

	memcpy(order, valid, n * sizeof *order);
	shuffle(order, n, &seed);
	memcpy(start, m->w, size * sizeof *start);
	for (k = 0; k < FOLDS; k++) {
		for (i = 0, nf = 0; i < n; i++)
			if (i % FOLDS != k)
				fit[nf++] = order[i];
		if (k > 0)
			memcpy(m->w, start, size * sizeof *start);
		passes(m, set, cats, fit, nf, 42 + k);
		for (i = k; i < n; i += FOLDS) {
			logits(m, &set[order[i]], z + i * CLS_NCAT);
			hc[i] = cats[order[i]];
		}
	}
	memcpy(m->w, start, size * sizeof *start);
	m->temp = fit_temperature(z, hc, n);
	for (i = 0, nh = 0; i < n; i++) {
		softmax(z + i * CLS_NCAT, m->temp, p);
		o[nh].p = p[CLS_SPAM];
		o[nh++].spam = hc[i] == CLS_SPAM;
	}
	choose_cut(m, o, nh);
	free(start);
	free(order);
	free(fit);
	free(z);
	free(hc);
	free(o);
}

void cls_model_train(struct cls_model *m, const struct cls_features *set, const int *cats, size_t n)
{
	size_t *valid = xmalloc((n ? n : 1) * sizeof *valid);
	size_t i, nvalid = 0;

	for (i = 0; i < n; i++)
		if (cats[i] >= 0 && cats[i] < CLS_NCAT)
			valid[nvalid++] = i;
	if (nvalid >= HOLD_MIN)
		cross_validate(m, set, cats, valid, nvalid);
	runs(m, set, cats, valid, nvalid);
	m->labels += (long)nvalid;
	free(valid);
}

/* ---- explanations ---- */

static const struct {
	const char *feature;
	const char *text;
} signal_names[] = {
    {"sig:list-unsubscribe", "List-Unsubscribe header"},
    {"sig:list-id", "List-Id header"},
    {"sig:auto-submitted", "Auto-Submitted header"},
    {"sig:noreply", "no-reply sender"},
    {"sig:known-sender", "a sender you have answered"},
    {"sig:reply", "a reply in a thread"},
    {"sig:forward", "a forward"},
    {"sig:html-only", "HTML-only body"},
    {"sig:subject-caps", "subject in capitals"},
    {"sig:subject-bang", "\"!\" in the subject"},
    {"sig:subject-dollar", "\"$\" in the subject"},
    {"sig:no-to", "no To header"},
    {"sig:no-subject", "no subject"},
    {"sig:empty-body", "empty body"},
    {"sig:no-sender", "no sender"},
    {"sig:attachment", "an attachment"},
    {"sig:replyto-elsewhere", "Reply-To in another domain"},
    {"sig:links:0", "no links"},
    {"sig:links:1-3", "a few links"},
    {"sig:links:4-10", "several links"},
    {"sig:links:many", "many links"},
    {"sig:retpath-fromdom", "Return-Path in the sender's domain"},
    {"sig:retpath-other", "Return-Path in another domain"},
    {"sig:msgid-fromdom", "Message-ID in the sender's domain"},
    {"sig:msgid-other", "Message-ID in another domain"},
    {"sig:relay-fromdom", "relayed by the sender's domain"},
    {"sig:relay-forged", "a relay that may be forged"},
    {"sig:relay-unknown", "a relay without reverse DNS"},
};

static const struct {
	const char *prefix;
	const char *text;
} prefix_names[] = {
    {"sig:precedence:", "Precedence: "},
    {"sig:hops:", "Received hops "},
    {"sig:auth:", "authentication "},
    {"fromdom:", "sender domain "},
    {"from:", "sender "},
    {"list:", "list "},
    {"url:", "link to "},
    {"s2:", "subject phrase "},
    {"s:", "subject word "},
    {"b2:", "phrase "},
    {"b:", "word "},
    {"hn:", "header "},
    {"h:", "header word "},
};

/* Readable text of a feature name into sb. */
static void feature_text(struct strbuf *sb, const char *name)
{
	size_t i;
	const char *p;

	for (i = 0; i < VA_ARRAY_LEN(signal_names); i++)
		if (!strcmp(name, signal_names[i].feature)) {
			sb_adds(sb, signal_names[i].text);
			return;
		}
	for (i = 0; i < VA_ARRAY_LEN(prefix_names); i++)
		if (str_starts(name, prefix_names[i].prefix)) {
			sb_adds(sb, prefix_names[i].text);
			p = name + strlen(prefix_names[i].prefix);
			sb_addf(sb, "\"%.40s\"", p);
			for (i = sb->len - strlen(p) - 1; i < sb->len; i++)
				if (sb->buf[i] == '_')
					sb->buf[i] = ' ';
			return;
		}
	sb_addf(sb, "\"%.40s\"", name);
}

/* Weight of evidence a feature gives `cat` over the runner-up `other`. */
static float evidence(const struct cls_model *m, uint32_t b, int cat, int other)
{
	const float *w = m->w + (size_t)b * CLS_NCAT;

	return w[cat] - w[other];
}

static int runner_up(const double *p, int best)
{
	int k, r = best == 0 ? 1 : 0;

	for (k = 0; k < CLS_NCAT; k++)
		if (k != best && p[k] > p[r])
			r = k;
	return r;
}

/* Copy src into dst[size], cut on a UTF-8 character boundary. */
static void copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

#define NTOP 3

/* Insert feature i with evidence e into the descending top list (the caller
 * has checked that e beats the last entry of a full list). */
static void top_insert(size_t *top, float *tw, size_t *nt, size_t i, float e)
{
	size_t j = *nt < NTOP ? (*nt)++ : NTOP - 1;

	while (j > 0 && tw[j - 1] < e) {
		top[j] = top[j - 1];
		tw[j] = tw[j - 1];
		j--;
	}
	top[j] = i;
	tw[j] = e;
}

/* The features that pushed hardest towards the verdict, as one line. */
static void explain(const struct cls_model *m, const struct cls_features *f, struct cls_verdict *v)
{
	struct strbuf sb = STRBUF_INIT;
	size_t top[NTOP], i, nt = 0;
	float tw[NTOP];
	int other = runner_up(v->p, v->category);

	for (i = 0; i < f->n; i++) {
		float e = evidence(m, f->bucket[i], v->category, other);
		if (e <= 0.05f || (nt == NTOP && e <= tw[NTOP - 1]) ||
		    !strcmp(cls_feature_name(f, i), "_bias"))
			continue;
		top_insert(top, tw, &nt, i, e);
	}
	if (v->unsure)
		sb_addf(&sb, "unsure: %s %d%% or %s %d%%", cat_names[v->category], v->confidence,
		        cat_names[other], percent(v->p[other]));
	for (i = 0; i < nt; i++) {
		sb_adds(&sb, i == 0 && v->unsure ? "; " : i == 0 ? "" : ", ");
		feature_text(&sb, cls_feature_name(f, top[i]));
	}
	if (sb.len == 0)
		sb_adds(&sb, "no strong signal");
	copy_cut(v->reason, sizeof v->reason, sb.buf);
	sb_release(&sb);
}

void cls_model_predict(const struct cls_model *m, const struct cls_features *f,
                       struct cls_verdict *v)
{
	int k;

	double z[CLS_NCAT];

	memset(v, 0, sizeof *v);
	logits(m, f, z);
	softmax(z, m->temp, v->p);
	for (k = 1; k < CLS_NCAT; k++)
		if (v->p[k] > v->p[v->category])
			v->category = k;
	v->confidence = percent(v->p[v->category]);
	if (v->p[CLS_SPAM] >= m->cut) {
		/* filed as spam: the cut, not the runner-up, decides */
		v->category = CLS_SPAM;
		v->confidence = percent(v->p[CLS_SPAM]);
		v->unsure = 0;
	} else {
		v->unsure = v->category == CLS_SPAM || v->confidence < CLS_UNSURE_BELOW;
	}
	explain(m, f, v);
}
