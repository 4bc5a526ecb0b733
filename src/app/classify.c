/*
 * classify (app): the classification service behind `va classify`,
 * `va train` and every triage action that teaches the model.
 *
 * It owns the model's life cycle: load (the priors of cls_model_new, then the
 * stored weights on top), learn, save only the weights that changed (one
 * transaction), and the label cursor in kv.  The pure parts (features, the
 * model) are in src/classify/; this file adds the store and the files.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "va/accounts.h"
#include "va/classifier.h"
#include "va/conf.h"
#include "va/maildir.h"
#include "va/mime.h"
#include "va/secret.h"
#include "va/util.h"

#define CURSOR_KEY     "classify.trained_label"
#define GEN_KEY        "classify.model_generation"
#define LABELS_FEATURE "_labels"
#define TEMP_FEATURE   "_temperature"
#define CUT_FEATURE    "_spam_cut"
#define LLM_OWNER      "llm"
#define LLM_KEY        "api_key"

/* ---- the model in the store ---- */

static void load_param(void *arg, const char *feature, const char *category, double value)
{
	struct cls_model *m = arg;
	char *end;
	unsigned long b;

	if (!feature || !category)
		return;
	if (!strcmp(feature, LABELS_FEATURE)) {
		cls_model_set_labels(m, (long)value);
		return;
	}
	if (!strcmp(feature, TEMP_FEATURE)) {
		cls_model_set_temperature(m, value);
		return;
	}
	if (!strcmp(feature, CUT_FEATURE)) {
		cls_model_set_spam_cut(m, value);
		return;
	}
	b = strtoul(feature, &end, 10);
	if (*end == '\0' && b < CLS_NBUCKETS)
		cls_model_set_weight(m, (uint32_t)b, cls_category_parse(category), (float)value);
}

static struct cls_model *model_load(struct app *app, char **cause)
{
	struct cls_model *m = cls_model_new();

	if (store_classifier_load(app->store, CLASSIFIER_MODEL, load_param, m, cause) < 0) {
		cls_model_free(m);
		return NULL;
	}
	return m;
}

/* ---- the shared model ----
 * Classifying only reads the model, and the model is 20 MB (CLS_NBUCKETS x
 * CLS_NCAT floats): every thread of a process shares one copy, loaded again
 * only when a save (here or in another process) bumped the generation kept
 * in kv.  Loading a copy per run cost each worker a 20 MB arena it kept,
 * and the load itself on every sync. */
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shared_model {
	struct cls_model *m;
	char             *db, *gen;
	int               refs;
} *shared;

static void generation_bump(struct app *app)
{
	char *v = store_kv_get(app->store, GEN_KEY), buf[32];

	snprintf(buf, sizeof buf, "%lld", (v ? atoll(v) : 0) + 1);
	free(v);
	store_kv_set(app->store, GEN_KEY, buf, NULL);
}

static void shared_put_locked(struct shared_model *sm)
{
	if (sm && --sm->refs == 0) {
		cls_model_free(sm->m);
		free(sm->db), free(sm->gen), free(sm);
	}
}

/* The current model for classifying (a reference: shared_put it). */
static struct shared_model *shared_get(struct app *app, char **cause)
{
	char *gen = store_kv_get(app->store, GEN_KEY);
	const char *db = store_path(app->store), *g = gen ? gen : "0";
	struct shared_model *sm;

	pthread_mutex_lock(&shared_lock);
	if ((sm = shared) && !strcmp(sm->db, db) && !strcmp(sm->gen, g)) {
		sm->refs++;
		pthread_mutex_unlock(&shared_lock);
		free(gen);
		return sm;
	}
	pthread_mutex_unlock(&shared_lock);
	sm = xcalloc(1, sizeof *sm);
	if (!(sm->m = model_load(app, cause))) {
		free(sm), free(gen);
		return NULL;
	}
	sm->db = xstrdup(db);
	sm->gen = xstrdup(g);
	sm->refs = 2; /* the caller's and the cache's */
	pthread_mutex_lock(&shared_lock);
	shared_put_locked(shared);
	shared = sm;
	pthread_mutex_unlock(&shared_lock);
	free(gen);
	return sm;
}

void classify_idle(void)
{
	pthread_mutex_lock(&shared_lock);
	shared_put_locked(shared);
	shared = NULL;
	pthread_mutex_unlock(&shared_lock);
}

static void shared_put(struct shared_model *sm)
{
	pthread_mutex_lock(&shared_lock);
	shared_put_locked(sm);
	pthread_mutex_unlock(&shared_lock);
}

static void save_weight(void *arg, uint32_t bucket, int cat, float w)
{
	char feature[16];

	snprintf(feature, sizeof feature, "%u", bucket);
	store_classifier_put(arg, feature, cls_category_name(cat), w);
}

/* Save the changed weights, the label count and (cursor > 0) the label cursor. */
static int model_save(struct app *app, struct cls_model *m, int64_t cursor, char **cause)
{
	struct store_param_writer *w = store_classifier_writer(app->store, CLASSIFIER_MODEL, cause);
	char buf[32];

	if (!w)
		return -1;
	cls_model_weights(m, 0, save_weight, w);
	store_classifier_put(w, LABELS_FEATURE, "*", (double)cls_model_labels(m));
	store_classifier_put(w, TEMP_FEATURE, "*", cls_model_temperature(m));
	store_classifier_put(w, CUT_FEATURE, "*", cls_model_spam_cut(m));
	if (store_classifier_writer_end(w, cause) < 0)
		return -1;
	generation_bump(app);
	if (cursor <= 0)
		return 0;
	snprintf(buf, sizeof buf, "%lld", (long long)cursor);
	return store_kv_set(app->store, CURSOR_KEY, buf, cause);
}

static char *model_name(const struct cls_model *m)
{
	return xstrdup(cls_model_labels(m) > 0 ? CLASSIFIER_MODEL : CLASSIFIER_MODEL "/priors");
}

/* ---- what the message alone does not say ---- */

/* Senders of messages the user answered, sorted for bsearch. */
struct known {
	char **addr;
	size_t n, cap;
};

static void known_add(void *arg, const char *addr)
{
	struct known *k = arg;

	xgrow((void **)&k->addr, &k->cap, k->n + 1, sizeof *k->addr);
	k->addr[k->n++] = xstrdup(addr);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void known_load(struct app *app, struct known *k)
{
	memset(k, 0, sizeof *k);
	store_known_senders(app->store, known_add, k, NULL);
	if (k->n)
		qsort(k->addr, k->n, sizeof *k->addr, cmp_name);
}

static void known_release(struct known *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->addr[i]);
	free(k->addr);
	memset(k, 0, sizeof *k);
}

/* The message's features plus what the store knows: a known correspondent. */
static void features_of(const struct known *k, const struct message *m, struct cls_features *f)
{
	cls_tokenize(m, f);
	if (m->from_addr && k->n &&
	    bsearch(&m->from_addr, k->addr, k->n, sizeof *k->addr, cmp_name)) {
		cls_feature_add(f, "sig:known-sender", strlen("sig:known-sender"));
		cls_features_finish(f);
	}
}

/* ---- classify ---- */

struct classify_ctx {
	const struct cls_model *model;
	struct cls_features f;
	struct classify_report *r;
	struct known known;
};

static int classify_one(void *arg, struct message *msg)
{
	struct classify_ctx *c = arg;
	struct classify_report *r = c->r;
	struct classify_verdict *v;
	struct cls_verdict cv;

	features_of(&c->known, msg, &c->f);
	cls_model_predict(c->model, &c->f, &cv);
	xgrow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v);
	v = &r->v[r->n++];
	v->id = msg->id;
	v->category = cv.category;
	v->confidence = cv.confidence;
	v->unsure = cv.unsure;
	v->by_llm = 0;
	v->reason = xstrdup(cv.reason);
	memcpy(v->p, cv.p, sizeof v->p);
	return 0;
}

/* ---- the LLM tier ---- */

struct llm_ctx {
	struct app *app;
	struct classify_report *r;
	struct cls_llm_opts o;
	char *key;
	int64_t cap;
	char day[16];
	struct classify_verdict *v; /* the verdict being asked about */
	int stop;                   /* cap reached or the service refused: ask no more */
	size_t labels;              /* labels recorded from the LLM's verdicts */
	int all;                    /* [llm] classify = all: sure verdicts too */
};

char *classify_llm_key(struct app *app)
{
	struct accounts_io io;
	struct secrets *s;
	char *key = NULL;

	accounts_quiet_io(&io); /* the file backend: VA_PASSPHRASE_FILE or a cached key */
	if ((s = accounts_secrets_open(app, &io, NULL)) != NULL) {
		if (secrets_get(s, "llm", "api_key", &key, NULL) != 0)
			key = NULL;
		secrets_close(s);
	}
	return key;
}

int classify_llm_key_set(struct app *app, const struct accounts_io *io, const char *key,
                         char **cause)
{
	struct secrets *s;
	int rc;

	if (!key || !*key) {
		set_cause(cause, "empty API key: nothing was stored");
		return -1;
	}
	if (!(s = accounts_secrets_open(app, io, cause)))
		return -1;
	rc = secrets_set(s, LLM_OWNER, LLM_KEY, key, cause);
	secrets_close(s);
	return rc;
}

int classify_llm_key_forget(struct app *app, const struct accounts_io *io, char **cause)
{
	struct secrets *s;
	int rc;

	if (!(s = accounts_secrets_open(app, io, cause)))
		return -1;
	rc = secrets_delete(s, LLM_OWNER, LLM_KEY, cause);
	secrets_close(s);
	return rc;
}

int classify_llm_status(struct app *app, const struct accounts_io *io,
                        struct classify_llm_status *st, char **cause)
{
	struct secrets *s;
	char *key = NULL;
	int rc;

	memset(st, 0, sizeof *st);
	st->base_url = conf_get(app->conf, "llm", "base_url");
	st->model = conf_get(app->conf, "llm", "model");
	st->embedding_model = conf_get(app->conf, "llm", "embedding_model");
	st->configured = st->base_url && *st->base_url && st->model && *st->model;
	st->key = -1;
	if (!(s = accounts_secrets_open(app, io, cause)))
		return -1;
	st->backend = secrets_backend(s);
	rc = secrets_get(s, LLM_OWNER, LLM_KEY, &key, cause);
	secret_free(key);
	secrets_close(s);
	if (rc < 0)
		return -1;
	st->key = rc == 0;
	return 0;
}

static const char *const send_body_names[] = {"none", "snippet", "full"};

/* 1 when [llm] is configured (l filled), else 0. */
static int llm_setup(struct app *app, struct classify_report *r, struct llm_ctx *l)
{
	const char *url = conf_get(app->conf, "llm", "base_url");
	const char *model = conf_get(app->conf, "llm", "model");
	const char *body = conf_get(app->conf, "llm", "send_body");
	const char *which = conf_get(app->conf, "llm", "classify");
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	memset(l, 0, sizeof *l);
	if (!url || !*url || !model || !*model || (which && !strcmp(which, "off")))
		return 0;
	l->app = app;
	l->r = r;
	l->all = which && !strcmp(which, "all");
	l->o = (struct cls_llm_opts){url,
	                             model,
	                             NULL,
	                             NULL,
	                             conf_get_duration(app->conf, "llm", "timeout") * 1000,
	                             2,
	                             30,
	                             CLS_SEND_SNIPPET};
	for (i = 0; body && i < VA_ARRAY_LEN(send_body_names); i++)
		if (!strcmp(body, send_body_names[i]))
			l->o.send_body = (int)i;
	l->cap = conf_get_int(app->conf, "llm", "max_tokens_per_day");
	gmtime_r(&now, &tm);
	strftime(l->day, sizeof l->day, "%Y-%m-%d", &tm);
	l->key = classify_llm_key(app);
	l->o.api_key = l->key;
	r->llm_model = xasprintf("llm:%s", model);
	return 1;
}

static void llm_fail(struct llm_ctx *l, const char *why)
{
	if (!l->r->llm_error)
		l->r->llm_error = xstrdup(why);
}

/* Take the LLM's verdict into v and keep it as a label. */
static void llm_take(struct llm_ctx *l, const struct cls_llm_verdict *lv, const char *hash)
{
	struct classify_verdict *v = l->v;

	v->category = lv->category;
	v->confidence = lv->confidence;
	v->unsure = lv->confidence < (lv->category == CLS_SPAM ? CLS_SPAM_SURE : CLS_UNSURE_BELOW);
	v->by_llm = 1;
	free(v->reason);
	v->reason = xasprintf("LLM: %s", lv->reason);
	l->r->llm_answered++;
	if (!v->unsure && store_label_add(l->app->store, v->id, hash,
	                                  cls_category_name(v->category), "llm", NULL) > 0)
		l->labels++;
}

/* The cache holds "CATEGORY CONFIDENCE REASON". */
static int llm_cached(struct llm_ctx *l, const char *ckey, const char *hash)
{
	char *c = ckey ? store_llm_cache_get(l->app->store, ckey) : NULL;
	struct cls_llm_verdict lv;
	char cat[16];
	int n = 0;

	if (!c)
		return 0;
	memset(&lv, 0, sizeof lv);
	if (sscanf(c, "%15s %d %n", cat, &lv.confidence, &n) == 2 && n > 0 &&
	    (lv.category = cls_category_parse(cat)) >= 0) {
		snprintf(lv.reason, sizeof lv.reason, "%s", c + n);
		llm_take(l, &lv, hash);
		l->r->llm_cached++;
	} else {
		n = 0;
	}
	free(c);
	return n > 0;
}

static int llm_one(void *arg, struct message *m)
{
	struct llm_ctx *l = arg;
	struct cls_llm_verdict lv;
	char *cause = NULL, *ckey = m->hash ? xasprintf("%s:%s", l->o.model, m->hash) : NULL, *c;

	l->r->llm_asked++;
	if (llm_cached(l, ckey, m->hash)) {
		free(ckey);
		return 0;
	}
	if (store_llm_usage(l->app->store, l->day) >= l->cap) {
		llm_fail(l, "the daily token cap ([llm] max_tokens_per_day) is reached");
		l->stop = 1;
	} else if (cls_llm_classify(&l->o, m, &lv, &cause) < 0) {
		llm_fail(l, cause);
		/* the service itself failing (refused, down, slow): ask no more this run;
		 * one bad answer only costs that message */
		l->stop = !strstr(cause, "the answer") && !strstr(cause, "did not answer");
	} else {
		store_llm_usage_add(l->app->store, l->day, lv.tokens, NULL);
		c = xasprintf("%s %d %s", cls_category_name(lv.category), lv.confidence, lv.reason);
		if (ckey)
			store_llm_cache_put(l->app->store, ckey, l->o.model, c, NULL);
		free(c);
		llm_take(l, &lv, m->hash);
	}
	free(cause);
	free(ckey);
	return 0;
}

/* Ask the LLM about every unsure verdict; returns how many labels it gave. */
static size_t llm_tier(struct app *app, struct classify_report *r)
{
	struct llm_ctx l;
	size_t i;

	if (!llm_setup(app, r, &l))
		return 0;
	for (i = 0; i < r->n && !l.stop; i++) {
		if (!r->v[i].unsure && !l.all)
			continue;
		l.v = &r->v[i];
		store_classify_each(app->store, &r->v[i].id, 1, 0, llm_one, &l, NULL);
	}
	secret_free(l.key);
	return l.labels;
}

static int store_verdicts(struct app *app, struct classify_report *r, char **cause)
{
	size_t i;

	if (store_begin(app->store, cause) < 0)
		return -1;
	for (i = 0; i < r->n; i++) {
		const struct classify_verdict *v = &r->v[i];
		const char *cat = v->unsure ? NULL : cls_category_name(v->category);
		if (store_message_set_class(app->store, v->id, cat, v->confidence, v->reason,
		                            v->by_llm ? r->llm_model : r->model, cause) < 0) {
			store_rollback(app->store);
			return -1;
		}
	}
	return store_commit(app->store, cause);
}

/* The ids asked for that produced no verdict. */
static void find_missing(struct classify_report *r, const int64_t *ids, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < r->n && r->v[j].id != ids[i]; j++)
			;
		if (j == r->n) {
			r->missing = xrealloc(r->missing, (r->nmissing + 1) * sizeof *r->missing);
			r->missing[r->nmissing++] = ids[i];
		}
	}
}

int classify_messages(struct app *app, const int64_t *ids, size_t n, int all,
                      struct classify_report *r, char **cause)
{
	struct classify_ctx c = {NULL, {0}, r, {0}};
	struct shared_model *sm;
	int rc;

	memset(r, 0, sizeof *r);
	if (!(sm = shared_get(app, cause)))
		return -1;
	c.model = sm->m;
	r->labels = cls_model_labels(c.model);
	r->model = model_name(c.model);
	cls_features_init(&c.f);
	known_load(app, &c.known);
	rc = store_classify_each(app->store, n > 0 ? ids : NULL, n, !all && n == 0, classify_one,
	                         &c, cause);
	cls_features_release(&c.f);
	known_release(&c.known);
	shared_put(sm);
	if (rc < 0)
		return -1;
	find_missing(r, ids, n);
	if (llm_tier(app, r) > 0) {
		struct train_report tr;
		memset(&tr, 0, sizeof tr);
		if (classify_train_labels(app, &tr, NULL) < 0 && !r->llm_error)
			r->llm_error = xstrdup("cannot learn from the LLM's verdicts");
		train_report_release(&tr);
	}
	return store_verdicts(app, r, cause);
}

void classify_report_release(struct classify_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].reason);
	free(r->v);
	free(r->missing);
	free(r->model);
	free(r->llm_model);
	free(r->llm_error);
	memset(r, 0, sizeof *r);
}

/* ---- training sets ---- */

struct train_set {
	struct cls_features *f;
	int *cat;
	size_t n, cap;
};

static struct cls_features *set_add(struct train_set *s, int cat)
{
	size_t cap = s->cap;

	if (s->n == s->cap) {
		xgrow((void **)&s->f, &cap, s->n + 1, sizeof *s->f);
		s->cat = xrealloc(s->cat, cap * sizeof *s->cat);
		s->cap = cap;
	}
	cls_features_init(&s->f[s->n]);
	s->cat[s->n] = cat;
	return &s->f[s->n++];
}

static void set_release(struct train_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		cls_features_release(&s->f[i]);
	free(s->f);
	free(s->cat);
	memset(s, 0, sizeof *s);
}

void train_report_release(struct train_report *r)
{
	size_t i;

	for (i = 0; i < r->nfailures; i++) {
		free(r->failures[i].path);
		free(r->failures[i].reason);
	}
	free(r->failures);
	memset(r, 0, sizeof *r);
}

static void train_failure(struct train_report *r, const char *path, const char *reason)
{
	xgrow((void **)&r->failures, &r->cap, r->nfailures + 1, sizeof *r->failures);
	r->failures[r->nfailures].path = xstrdup(path);
	r->failures[r->nfailures].reason = xstrdup(reason);
	r->nfailures++;
}

/* Learn a set into the stored model; cursor as for model_save. */
static int learn_set(struct app *app, struct train_set *s, int64_t cursor, struct train_report *r,
                     char **cause)
{
	struct cls_model *m = model_load(app, cause);
	int rc;

	if (!m)
		return -1;
	cls_model_train(m, s->f, s->cat, s->n);
	rc = model_save(app, m, cursor, cause);
	r->learned += s->n;
	r->labels = cls_model_labels(m);
	r->spam_cut = cls_model_spam_cut(m);
	cls_model_free(m);
	return rc;
}

/* ---- training from files ---- */

struct file_ctx {
	struct app *app;
	struct train_set *set;
	struct train_report *r;
	int cat;
	int failed; /* the store failed: stop */
	char **cause;
};

static void learn_raw(struct file_ctx *c, const char *raw, size_t len, const char *where)
{
	struct message m;
	char *err = NULL;

	message_init(&m);
	c->r->files++;
	if (mime_parse(raw, len, &m, &err) < 0) {
		train_failure(c->r, where, err ? err : "not a message");
	} else {
		cls_tokenize(&m, set_add(c->set, c->cat));
		if (store_label_add(c->app->store, 0, m.hash, cls_category_name(c->cat), "file",
		                    c->cause) < 0)
			c->failed = 1;
	}
	free(err);
	message_release(&m);
}

static void learn_file(struct file_ctx *c, const char *path)
{
	char *err = NULL, *raw;
	size_t len;

	if (!(raw = file_read(path, &len, &err))) {
		c->r->files++;
		train_failure(c->r, path, err);
	} else {
		learn_raw(c, raw, len, path);
	}
	free(raw);
	free(err);
}

static int mbox_message(void *arg, const char *msg, size_t len, size_t index)
{
	struct file_ctx *c = arg;
	char where[32];

	snprintf(where, sizeof where, "message %zu", index + 1);
	learn_raw(c, msg, len, where);
	return c->failed ? -1 : 0;
}

static void walk(struct file_ctx *c, const char *path);

static void walk_maildir(struct file_ctx *c, const char *root)
{
	struct maildir_folder *fo;
	struct maildir_entry *e;
	size_t nf, ne, i, j;
	char *err = NULL;

	if (maildir_folders(root, &fo, &nf, &err) < 0) {
		train_failure(c->r, root, err);
		free(err);
		return;
	}
	for (i = 0; i < nf && !c->failed; i++) {
		if (maildir_scan(fo[i].path, &e, &ne, &err) < 0) {
			train_failure(c->r, fo[i].path, err);
			x_free(&err);
			continue;
		}
		for (j = 0; j < ne && !c->failed; j++)
			learn_file(c, e[j].path);
		maildir_entries_free(e, ne);
	}
	maildir_folders_free(fo, nf);
}

static void walk_dir(struct file_ctx *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if (!d) {
		train_failure(c->r, dir, strerror(errno));
		return;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			xgrow((void **)&names, &cap, n + 1, sizeof *names);
			names[n++] = xstrdup(de->d_name);
		}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_name);
	for (i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		if (!c->failed)
			walk(c, path);
		free(path);
		free(names[i]);
	}
	free(names);
}

static void walk(struct file_ctx *c, const char *path)
{
	char *err = NULL;

	if (dir_exists(path) && maildir_is(path))
		walk_maildir(c, path);
	else if (dir_exists(path))
		walk_dir(c, path);
	else if (mbox_is(path) && mbox_each(path, mbox_message, c, &err) < 0 && !c->failed)
		train_failure(c->r, path, err);
	else if (!mbox_is(path))
		learn_file(c, path);
	free(err);
}

int classify_train_files(struct app *app, const struct train_source *src, size_t n,
                         struct train_report *r, char **cause)
{
	struct train_set set = {0};
	struct file_ctx c = {app, &set, r, 0, 0, cause};
	size_t i;
	int rc = -1;

	for (i = 0; i < n; i++) {
		if ((c.cat = cls_category_parse(src[i].category)) < 0)
			return set_cause(cause, "unknown category \"%s\"", src[i].category);
		if (!file_exists(src[i].path) && !dir_exists(src[i].path))
			return set_cause(cause, "cannot read \"%s\": %s", src[i].path,
			                 strerror(ENOENT));
	}
	if (store_begin(app->store, cause) < 0)
		return -1;
	for (i = 0; i < n && !c.failed; i++) {
		c.cat = cls_category_parse(src[i].category);
		walk(&c, src[i].path);
	}
	if (c.failed)
		store_rollback(app->store);
	else if (store_commit(app->store, cause) == 0)
		rc = learn_set(app, &set, 0, r, cause);
	set_release(&set);
	return rc;
}

/* ---- training from labels ---- */

/* Folders and flags that are labels by themselves. */
static const struct {
	const char *pattern; /* LIKE on the lower-cased folder name, or NULL */
	unsigned flag;
	const char *category;
} folder_labels[] = {
    {"%junk%", 0, "spam"},
    {"%spam%", 0, "spam"},
    {"%bulk%", 0, "spam"},
    {"%promotion%", 0, "promotional"},
    {"%newsletter%", 0, "promotional"},
    {NULL, MSG_FLAGGED, "important"},
};

struct label_ctx {
	struct app *app;
	struct train_set *set;
	int64_t last;
	int cat;
	struct known known;
	char **cause;
	int64_t *msg; /* the message of each entry of set */
	size_t cap;
	struct cls_model *model; /* loaded for the first "not spam" label */
};

/* The model's best category other than spam: a "not spam" label leaves the
 * category to the model. */
static int best_not_spam(struct label_ctx *c, const struct cls_features *f)
{
	struct cls_verdict v;
	int k, best = CLS_IMPORTANT;

	if (!c->model && !(c->model = model_load(c->app, NULL)))
		return CLS_IMPORTANT;
	cls_model_predict(c->model, f, &v);
	for (k = 0; k < CLS_NCAT; k++)
		if (k != CLS_SPAM && v.p[k] > v.p[best])
			best = k;
	return best;
}

static int label_message(void *arg, struct message *m)
{
	struct label_ctx *c = arg;
	struct cls_features *f;
	size_t i;

	/* a later label of the same message replaces the earlier one (spam
	 * from the Junk folder, then "not spam" when the person moved it out) */
	for (i = c->set->n; i-- > 0;)
		if (c->msg[i] == m->id) {
			c->set->cat[i] = c->cat >= 0 ? c->cat : best_not_spam(c, &c->set->f[i]);
			return 0;
		}
	xgrow((void **)&c->msg, &c->cap, c->set->n + 1, sizeof *c->msg);
	c->msg[c->set->n] = m->id;
	f = set_add(c->set, c->cat);
	features_of(&c->known, m, f);
	if (c->cat < 0)
		c->set->cat[c->set->n - 1] = best_not_spam(c, f);
	return 0;
}

static void label_row(void *arg, int64_t label_id, int64_t message_id, const char *category)
{
	struct label_ctx *c = arg;

	c->last = label_id;
	if (category && !strcmp(category, CLASSIFY_NOT_SPAM))
		c->cat = -1;
	else if ((c->cat = cls_category_parse(category)) < 0)
		return;
	store_classify_each(c->app->store, &message_id, 1, 0, label_message, c, NULL);
}

static int64_t cursor_get(struct app *app)
{
	char *v = store_kv_get(app->store, CURSOR_KEY);
	int64_t c = v ? strtoll(v, NULL, 10) : 0;

	free(v);
	return c;
}

static int labels_from_folders(struct app *app, struct train_report *r, char **cause)
{
	size_t i;
	int64_t n;

	for (i = 0; i < VA_ARRAY_LEN(folder_labels); i++) {
		n = store_labels_from_folders(app->store, folder_labels[i].pattern,
		                              folder_labels[i].category, folder_labels[i].flag,
		                              cause);
		if (n < 0)
			return -1;
		r->from_folders += (size_t)n;
	}
	return 0;
}

int classify_train_labels(struct app *app, struct train_report *r, char **cause)
{
	struct train_set set = {0};
	struct label_ctx c = {app, &set, 0, 0, {0}, cause, NULL, 0, NULL};
	int rc = -1;

	if (labels_from_folders(app, r, cause) < 0)
		return -1;
	c.last = cursor_get(app);
	known_load(app, &c.known);
	if (store_labels_after(app->store, c.last, label_row, &c, cause) == 0)
		rc = learn_set(app, &set, c.last, r, cause);
	known_release(&c.known);
	cls_model_free(c.model);
	free(c.msg);
	set_release(&set);
	return rc;
}

static int count_message(void *arg, struct message *m)
{
	(void)m;
	++*(int *)arg;
	return 0;
}

static int message_exists(struct app *app, int64_t id)
{
	int n = 0;

	store_classify_each(app->store, &id, 1, 0, count_message, &n, NULL);
	return n > 0;
}

int classify_learn(struct app *app, const int64_t *ids, size_t n, const char *category,
                   const char *source, struct train_report *r, char **cause)
{
	size_t i;

	if (cls_category_parse(category) < 0)
		return set_cause(cause, "unknown category \"%s\"", category);
	for (i = 0; i < n; i++)
		if (!message_exists(app, ids[i]))
			return set_cause(cause, "no message with id %lld", (long long)ids[i]);
	if (store_begin(app->store, cause) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (store_label_add(app->store, ids[i], NULL, category, source, cause) < 0) {
			store_rollback(app->store);
			return -1;
		}
	if (store_commit(app->store, cause) < 0)
		return -1;
	return classify_train_labels(app, r, cause);
}

/* ---- leaving Junk ---- */

/* Whether `folder` of the account is where spam goes: its special-use role
 * is junk, or it is called Junk or Spam (any case, also as "[Gmail]/Spam"). */
static int junk_folder(struct app *app, int64_t account_id, const char *folder)
{
	static const char *const names[] = {"junk", "spam", "junk e-mail", "junk email",
	                                    "bulk mail"};
	const char *base = folder ? strrchr(folder, '/') : NULL;
	char *special;
	int64_t fid;
	size_t i;
	int yes = 0;

	if (!folder)
		return 0;
	base = base ? base + 1 : folder;
	if (!strncasecmp(base, "INBOX.", 6))
		base += 6;
	for (i = 0; i < VA_ARRAY_LEN(names) && !yes; i++)
		yes = !strcasecmp(base, names[i]);
	if (!yes && (special = store_sync_special_folder(app->store, account_id, "junk", &fid,
	                                                 NULL)) != NULL) {
		yes = !strcmp(special, folder);
		free(special);
	}
	return yes;
}

static int trash_folder(struct app *app, int64_t account_id, const char *folder)
{
	int64_t fid;
	char *special = store_sync_special_folder(app->store, account_id, "trash", &fid, NULL);
	int yes = !strcasecmp(folder, "Trash") || !strcasecmp(folder, "Deleted Items") ||
	          (special && !strcmp(special, folder));

	free(special);
	return yes;
}

int64_t classify_left_junk(struct app *app, int64_t message_id, int64_t account_id,
                           const char *hash, const char *from, const char *to, const char *category,
                           char **cause)
{
	const char *label = CLASSIFY_NOT_SPAM;

	if (!from || !to || !strcmp(from, to) || !junk_folder(app, account_id, from) ||
	    junk_folder(app, account_id, to) || trash_folder(app, account_id, to))
		return 0;
	if (category && cls_category_parse(category) >= 0 &&
	    cls_category_parse(category) != CLS_SPAM)
		label = category;
	return store_label_add(app->store, message_id, hash, label, "not-junk", cause);
}

/* ---- similar messages ---- */

#define SIM_TEXT_MAX (8 * 1024)

struct sim_doc {
	int64_t id;
	char *hash, *subject, *from, *text;
	float *vec; /* dense (embeddings) or NULL */
	size_t dim;
	struct cls_features f; /* words (TF-IDF) */
};

struct sim_ctx {
	struct sim_doc *d;
	size_t n, cap;
};

static int sim_collect(void *arg, struct message *m)
{
	struct sim_ctx *c = arg;
	struct sim_doc *d;
	size_t blen = m->body ? strnlen(m->body, SIM_TEXT_MAX) : 0;

	xgrow((void **)&c->d, &c->cap, c->n + 1, sizeof *c->d);
	d = &c->d[c->n++];
	memset(d, 0, sizeof *d);
	d->id = m->id;
	d->hash = xstrdup(m->hash ? m->hash : "");
	d->subject = xstrdup(m->subject ? m->subject : "");
	d->from = xstrdup(m->from_addr ? m->from_addr : "");
	d->text = xasprintf("%s\n%.*s", d->subject, (int)blen, m->body ? m->body : "");
	cls_features_init(&d->f);
	return 0;
}

static void sim_release(struct sim_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->d[i].hash);
		free(c->d[i].subject);
		free(c->d[i].from);
		free(c->d[i].text);
		free(c->d[i].vec);
		cls_features_release(&c->d[i].f);
	}
	free(c->d);
}

/* Every document's embedding, from the cache or the service; -1 (and
 * r->llm_error) at the first failure. */
static int sim_embed(struct app *app, struct sim_ctx *c, const char *url, const char *model,
                     struct similar_report *r)
{
	struct cls_llm_opts o = {url, model, NULL, NULL, 0, 0, 0, CLS_SEND_FULL};
	char *key = classify_llm_key(app), *err = NULL;
	size_t i;
	int rc = 0;

	o.timeout_ms = conf_get_duration(app->conf, "llm", "timeout") * 1000;
	o.api_key = key;
	for (i = 0; i < c->n && rc == 0; i++) {
		struct sim_doc *d = &c->d[i];
		int got = store_embedding_get(app->store, d->hash, model, &d->vec, &d->dim, &err);
		if (got == 1) {
			rc = cls_llm_embed(&o, d->text, &d->vec, &d->dim, &err);
			r->embedded += rc == 0;
			if (rc == 0 && *d->hash)
				store_embedding_put(app->store, d->hash, model, d->vec, d->dim,
				                    NULL);
		} else if (got < 0) {
			rc = -1;
		}
	}
	if (rc < 0)
		r->llm_error = err ? err : xstrdup("no embedding");
	else
		free(err);
	secret_free(key);
	return rc;
}

static double sim_dense(const struct sim_doc *a, const struct sim_doc *b)
{
	double ab = 0, aa = 0, bb = 0;
	size_t i;

	if (a->dim != b->dim || a->dim == 0)
		return 0;
	for (i = 0; i < a->dim; i++) {
		ab += (double)a->vec[i] * b->vec[i];
		aa += (double)a->vec[i] * a->vec[i];
		bb += (double)b->vec[i] * b->vec[i];
	}
	return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

/* Word buckets of every document and their inverse document frequency. */
static float *sim_tfidf(struct sim_ctx *c)
{
	uint32_t *df = xcalloc(CLS_NBUCKETS, sizeof *df);
	float *idf = xcalloc(CLS_NBUCKETS, sizeof *idf);
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		struct sim_doc *d = &c->d[i];
		cls_tokenize_text(&d->f, "", d->text, strlen(d->text), 0);
		cls_features_finish(&d->f);
		for (j = 0; j < d->f.n; j++)
			df[d->f.bucket[j]]++;
	}
	for (i = 0; i < CLS_NBUCKETS; i++)
		if (df[i])
			idf[i] = (float)(log((double)(c->n + 1) / (df[i] + 1)) + 1);
	free(df);
	return idf;
}

static double sim_sparse(const struct sim_doc *a, const struct sim_doc *b, const float *idf)
{
	double ab = 0, aa = 0, bb = 0;
	size_t i = 0, j = 0;

	for (i = 0; i < a->f.n; i++)
		aa += (double)idf[a->f.bucket[i]] * idf[a->f.bucket[i]];
	for (j = 0; j < b->f.n; j++)
		bb += (double)idf[b->f.bucket[j]] * idf[b->f.bucket[j]];
	for (i = 0, j = 0; i < a->f.n && j < b->f.n;) {
		if (a->f.bucket[i] < b->f.bucket[j]) {
			i++;
		} else if (a->f.bucket[i] > b->f.bucket[j]) {
			j++;
		} else {
			ab += (double)idf[a->f.bucket[i]] * idf[a->f.bucket[i]];
			i++, j++;
		}
	}
	return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct similar_hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

void similar_report_release(struct similar_report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->hit[i].subject);
		free(r->hit[i].from);
	}
	free(r->hit);
	free(r->method);
	free(r->llm_error);
	memset(r, 0, sizeof *r);
}

/* Score every other document against c->d[t] into r (best first, limit). */
static void sim_rank(struct sim_ctx *c, size_t t, const float *idf, size_t limit,
                     struct similar_report *r)
{
	size_t i;

	r->hit = xcalloc(c->n ? c->n : 1, sizeof *r->hit);
	for (i = 0; i < c->n; i++) {
		if (i == t)
			continue;
		r->hit[r->n].id = c->d[i].id;
		r->hit[r->n].score =
		    idf ? sim_sparse(&c->d[t], &c->d[i], idf) : sim_dense(&c->d[t], &c->d[i]);
		r->hit[r->n].subject = xstrdup(c->d[i].subject);
		r->hit[r->n].from = xstrdup(c->d[i].from);
		r->n++;
	}
	qsort(r->hit, r->n, sizeof *r->hit, hit_cmp);
	while (r->n > limit) {
		r->n--;
		free(r->hit[r->n].subject);
		free(r->hit[r->n].from);
	}
}

int classify_similar(struct app *app, int64_t id, size_t limit, struct similar_report *r,
                     char **cause)
{
	const char *url = conf_get(app->conf, "llm", "base_url");
	const char *model = conf_get(app->conf, "llm", "embedding_model");
	struct sim_ctx c = {NULL, 0, 0};
	float *idf = NULL;
	size_t t;

	memset(r, 0, sizeof *r);
	if (store_classify_each(app->store, NULL, 0, 0, sim_collect, &c, cause) < 0) {
		sim_release(&c);
		return -1;
	}
	for (t = 0; t < c.n && c.d[t].id != id; t++)
		;
	if (t == c.n) {
		sim_release(&c);
		return set_cause(cause, "no message with id %lld", (long long)id);
	}
	if (url && *url && model && *model && sim_embed(app, &c, url, model, r) == 0) {
		r->method = xasprintf("embeddings:%s", model);
	} else {
		idf = sim_tfidf(&c);
		r->method = xstrdup("tf-idf");
	}
	sim_rank(&c, t, idf, limit, r);
	free(idf);
	sim_release(&c);
	return 0;
}
