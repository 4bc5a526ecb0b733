/*
 * classify: features and the local model (L2, pure logic: no I/O, no store).
 *
 * A message becomes a bag of hashed binary features (cls_tokenize); the
 * model (a multinomial logistic regression over those features) turns the
 * bag into one probability per category, a confidence and a reason naming
 * the features that decided.  Persistence is the caller's job: the model
 * hands out its weights (all, or those changed since the last hand-out) and
 * takes them back one by one (app/classify.c keeps them in classifier_params).
 */
#ifndef VA_CLASSIFY_H
#define VA_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "va/message.h"
#include "va/util.h"

enum cls_category {
	CLS_IMPORTANT,
	CLS_ACTIONABLE,
	CLS_FOLLOWUP,
	CLS_PROMOTIONAL,
	CLS_SPAM,
	CLS_NCAT
};

/* Below this confidence a verdict is "unsure": shown as such, not as a guess. */
#define CLS_UNSURE_BELOW 60
/* Spam hides mail, so losing a real message costs more than seeing a spam:
 * an untrained model files as spam from this p(spam) (percent); training
 * chooses its own cut (cls_model_spam_cut). */
#define CLS_SPAM_SURE 90
/* Hashed feature space: 2^20 buckets. */
#define CLS_BITS     20
#define CLS_NBUCKETS (1u << CLS_BITS)

const char *cls_category_name(int cat); /* "spam"; NULL when out of range */
int cls_category_parse(const char *s);  /* CLS_SPAM, or -1 */

/* ---- features (src/classify/tokenize.c) ---- */

/* A set of distinct features of one message: hashes (bucket numbers) and, for
 * explanations, the readable name of each ("b:free", "sig:list-unsubscribe"). */
struct cls_features {
	uint32_t *bucket; /* sorted, distinct */
	uint32_t *name;   /* offset of each name in names.buf */
	size_t n, cap;
	struct strbuf names;
};
void cls_features_init(struct cls_features *f);
void cls_features_release(struct cls_features *f);
void cls_features_reset(struct cls_features *f);
/* Add one feature by name (duplicates are dropped by cls_features_finish). */
void cls_feature_add(struct cls_features *f, const char *name, size_t len);
/* Sort and drop duplicates; call once after the last add. */
void cls_features_finish(struct cls_features *f);
const char *cls_feature_name(const struct cls_features *f, size_t i);
/* The bucket of a feature name (FNV-1a, folded to CLS_BITS). */
uint32_t cls_bucket(const char *name, size_t len);

/* Every feature of a message: header signals (List-*, Precedence,
 * Auto-Submitted, no-reply senders, reply markers, HTML-only, links and
 * their hosts, sender and domain; whether Return-Path, Message-ID and the
 * Received relays agree with the From domain, the hop count, relays that
 * may be forged or lack reverse DNS, Authentication-Results verdicts), header words by header name,
 * subject words and pairs, body words and a few known phrases.  Words: ASCII letters lower-cased,
 * UTF-8 kept, 2-40 bytes; long bodies are cut to their first 24 KiB.  Resets f first. */
void cls_tokenize(const struct message *m, struct cls_features *f);
/* Words of one text as features "<prefix><word>" (and "<prefix>2:<w1>_<w2>"
 * pairs when pairs is 1; 2: only the few known phrases the priors use, as for
 * bodies; 0: none; < 0: no pairs and no all-digit words, as for header lines,
 * whose numbers are dates and ids).  Exposed for tests. */
void cls_tokenize_text(struct cls_features *f, const char *prefix, const char *text, size_t len,
                       int pairs);

/* ---- the model (src/classify/model.c) ---- */

struct cls_model;

/* A model holding the day-one priors (header signals and keywords). */
struct cls_model *cls_model_new(void);
void cls_model_free(struct cls_model *m);

/* Labels learned so far (persisted by the caller with the weights). */
long cls_model_labels(const struct cls_model *m);
void cls_model_set_labels(struct cls_model *m, long n);
/* Calibration temperature (1: none); learned by cls_model_train on
 * cross-validated scores of batches of 40 or more.  Persisted by the caller like the labels. */
double cls_model_temperature(const struct cls_model *m);
void cls_model_set_temperature(struct cls_model *m, double t); /* out of range: 1 */
/* The spam cut: a message is filed as spam when its calibrated p(spam) is at
 * least this.  Spam hides mail, so the cut costs a real message filed as spam
 * far more than a spam let through: cls_model_train chooses it on
 * cross-validated scores of batches with enough ham and spam; before that it
 * is CLS_SPAM_SURE / 100.  Persisted by the caller like the temperature. */
double cls_model_spam_cut(const struct cls_model *m);
void cls_model_set_spam_cut(struct cls_model *m, double cut); /* out of [0.5, 0.995]: default */

float cls_model_weight(const struct cls_model *m, uint32_t bucket, int cat);
/* Set a weight (loading); does not mark it changed. */
void cls_model_set_weight(struct cls_model *m, uint32_t bucket, int cat, float w);

/* Call fn for every weight changed since the last call (and forget the
 * changes), or for every non-zero weight when all is set.  Weights too small
 * to matter (|w| < 0.002, outside the priors' buckets) are set to 0 first, so
 * the stored model is a quarter of the size and loads as it was handed out. */
typedef void (*cls_weight_fn)(void *arg, uint32_t bucket, int cat, float w);
void cls_model_weights(struct cls_model *m, int all, cls_weight_fn fn, void *arg);
size_t cls_model_changed(const struct cls_model *m); /* buckets changed, not yet handed out */

/* One online step towards `cat` (one triage action or one LLM verdict). */
void cls_model_learn(struct cls_model *m, const struct cls_features *f, int cat);
/* Learn a batch: cross-validate to calibrate the confidence and choose the
 * spam cut, then a few shuffled passes with a falling step (va train). */
void cls_model_train(struct cls_model *m, const struct cls_features *set, const int *cats,
                     size_t n);

struct cls_verdict {
	int category;       /* the most probable category */
	int confidence;     /* 0-100: its calibrated probability */
	int unsure;         /* confidence < CLS_UNSURE_BELOW, or spam most likely but
	                       p(spam) under the spam cut */
	double p[CLS_NCAT]; /* probability of each category */
	char reason[240];   /* "List-Unsubscribe header, subject word \"sale\"" */
};
void cls_model_predict(const struct cls_model *m, const struct cls_features *f,
                       struct cls_verdict *v);

/* ---- the optional LLM (src/classify/llm.c) ----
 * An OpenAI-compatible POST {base_url}/chat/completions asking for a JSON
 * verdict.  Mail text is data: the system prompt says so, the message goes in
 * as one JSON string, and the only answer accepted is an object with exactly
 * "category" (one of the five), "confidence" (integer 0-100) and "reason" (a
 * string): anything else is rejected and the local verdict stands.  401/403
 * fail at once; 429 waits Retry-After (up to max_wait_s) and 5xx backs off,
 * both at most max_retries times; a timeout fails. */
enum cls_send_body { CLS_SEND_NONE, CLS_SEND_SNIPPET, CLS_SEND_FULL };

struct cls_llm_opts {
	const char *base_url; /* "https://api.example/v1" */
	const char *model;
	const char *api_key; /* borrowed; never logged or put in a cause; NULL: none */
	const char *ca_file; /* extra CA bundle or NULL */
	long timeout_ms;     /* per request; 0: 30 s */
	int max_retries;     /* 429 and 5xx; 0 means none */
	long max_wait_s;     /* the longest Retry-After honoured */
	int send_body;       /* enum cls_send_body */
};

struct cls_llm_verdict {
	int category;
	int confidence;
	char reason[240];
	long tokens; /* usage.total_tokens, 0 when not reported */
};

int cls_llm_classify(const struct cls_llm_opts *o, const struct message *m,
                     struct cls_llm_verdict *v, char **cause);

/* POST {base_url}/embeddings with o->model and one input text: the vector
 * (*vec, caller frees; at most CLS_EMBED_MAX numbers) and its *dim.  One
 * attempt; 0, or -1 and *cause (the key never in it). */
#define CLS_EMBED_MAX 8192
int cls_llm_embed(const struct cls_llm_opts *o, const char *text, float **vec, size_t *dim,
                  char **cause);
/* The request body (caller frees) and the answer check, exposed for tests. */
char *cls_llm_request(const struct cls_llm_opts *o, const struct message *m);
int cls_llm_parse(const char *answer, struct cls_llm_verdict *v, char **cause);

#endif
