/*
 * classifier: the classification service (L4, src/app/classify.c): runs the
 * local model over stored messages and stores the verdicts, and trains it
 * from recorded labels, from folders and from files on disk.
 *
 * The model's weights live in classifier_params under the name
 * CLASSIFIER_MODEL; every label the user gives is a row of classifier_labels;
 * the kv key "classify.trained_label" remembers the last label the weights
 * have learned, so a label is learned once even across crashes and restarts.
 */
#ifndef VA_CLASSIFIER_H
#define VA_CLASSIFIER_H

#include <stddef.h>
#include <stdint.h>

#include "va/app.h"
#include "va/classify.h"

#define CLASSIFIER_MODEL "local-lr"

struct classify_verdict {
	int64_t id;
	int category;   /* enum cls_category: the best guess, also when unsure */
	int confidence; /* 0-100 */
	int unsure;     /* stored with no category: shown as unsure, not guessed */
	int by_llm;     /* the LLM's verdict replaced the local one */
	char *reason;
	double p[CLS_NCAT];
};

struct classify_report {
	struct classify_verdict *v;
	size_t n, cap;
	int64_t *missing; /* ids asked for that are not in the store */
	size_t nmissing;
	long labels;         /* labels the model has learned */
	char *model;         /* the name stored on the messages */
	char *llm_model;     /* "llm:MODEL" when [llm] is configured, else NULL */
	size_t llm_asked;    /* unsure verdicts sent to the LLM */
	size_t llm_answered; /* ... that it answered within the schema */
	size_t llm_cached;   /* ... answered from the cache */
	char *llm_error;     /* the first failure (the local verdict stood), or NULL */
};
void classify_report_release(struct classify_report *r);

/* Let go of the process's shared model (20 MB of weights) until the next
 * classification loads it again: an idle daemon gives the memory back. */
void classify_idle(void);

/* Classify and store: the messages `ids` (n > 0), every message (all), or
 * the ones never classified (neither).  One transaction for the verdicts.
 * With [llm] base_url and model set, the unsure verdicts (only those) go to
 * the LLM, within [llm] max_tokens_per_day, through a cache keyed by message
 * hash and model; its verdicts are recorded as labels (source "llm") and
 * learned.  An LLM failure never fails the call: the local verdict stands.
 * The API key is the secret "llm"/"api_key" (none: no Authorization header,
 * as local servers expect). */
int classify_messages(struct app *app, const int64_t *ids, size_t n, int all,
                      struct classify_report *r, char **cause);

struct train_source {
	const char *category; /* a category name */
	const char *path;     /* Maildir, mbox, directory of message files, or one file */
};

struct train_report {
	size_t files;        /* messages read from the sources */
	size_t from_folders; /* new labels from folder names and flags */
	size_t learned;      /* labels learned in this run */
	long labels;         /* labels the model has learned in all */
	double spam_cut;     /* the model's spam cut after training (cls_model_spam_cut) */
	struct app_failure *failures;
	size_t nfailures, cap;
};
void train_report_release(struct train_report *r);

/* Learn from files: every message under each source gets its category.
 * Unreadable files are reported, not fatal.  Labels are recorded. */
int classify_train_files(struct app *app, const struct train_source *src, size_t n,
                         struct train_report *r, char **cause);
/* Learn what is pending: label messages in Junk/Spam-like folders and
 * flagged ones (each message once), then every recorded label not yet learned. */
int classify_train_labels(struct app *app, struct train_report *r, char **cause);
/* A triage action: record `category` (a name) for stored messages and learn it now.
 * `source` says where the label came from ("user", "archive", "llm", ...). */
int classify_learn(struct app *app, const int64_t *ids, size_t n, const char *category,
                   const char *source, struct train_report *r, char **cause);

/* The category of a "not spam" label: training gives it the model's best
 * category other than spam. */
#define CLASSIFY_NOT_SPAM "ham"

/* A triage move (or archive) of a stored message from folder `from` to `to`:
 * when `from` is where spam goes (its special use is junk, or it is called
 * Junk or Spam) and `to` is neither that nor Trash, the person said "this is
 * not spam": record a label (source "not-junk") for `va train` to learn.  Its
 * category is `category` (the message's verdict before the move) when that is
 * a category other than spam, else CLASSIFY_NOT_SPAM.  The label id, 0 when
 * the move teaches nothing, -1 and *cause. */
int64_t classify_left_junk(struct app *app, int64_t message_id, int64_t account_id,
                           const char *hash, const char *from, const char *to, const char *category,
                           char **cause);

/* ---- similar messages ---- */
struct similar_hit {
	int64_t id;
	double score; /* cosine similarity, -1..1 */
	char *subject, *from;
};

struct similar_report {
	struct similar_hit *hit; /* best first */
	size_t n;
	char *method;    /* "embeddings:MODEL" or "tf-idf" */
	size_t embedded; /* embeddings asked of the service in this call (not cached) */
	char *llm_error; /* why the embeddings were not used, or NULL */
};
void similar_report_release(struct similar_report *r);

/* The `limit` stored messages most like message `id` (itself left out), by
 * cosine similarity.  With [llm] base_url and embedding_model set, of
 * embeddings from {base_url}/embeddings, cached in the store by message hash
 * and model (a message is embedded once); without them, or when the service
 * fails (r->llm_error says why), of TF-IDF vectors of the subject and body
 * words, so it works offline.  -1 and *cause when id is not stored. */
int classify_similar(struct app *app, int64_t id, size_t limit, struct similar_report *r,
                     char **cause);

/* ---- the LLM's API key (the secret "llm"/"api_key") ----
 * The key goes only to the secret store; nothing here logs it, stores it in
 * SQLite or va.conf, or puts it in a cause.  io supplies the secrets-file
 * passphrase (see accounts_secrets_open). */
struct accounts_io;
/* The LLM API key from the secret store (owner "llm"), read without asking
 * anyone (the keyring, VA_PASSPHRASE_FILE or the cached file key), or NULL.
 * The caller wipes it with secret_free.  Shared by every LLM caller. */
char *classify_llm_key(struct app *app);

/* Store or replace the key.  0, or -1 and *cause (nothing stored). */
int classify_llm_key_set(struct app *app, const struct accounts_io *io, const char *key,
                         char **cause);
/* Delete it: 0 deleted, 1 none was stored, -1 and *cause. */
int classify_llm_key_forget(struct app *app, const struct accounts_io *io, char **cause);

struct classify_llm_status {
	const char *base_url; /* [llm] base_url (borrowed from the config), or NULL */
	const char *model;
	const char *embedding_model;
	int configured;      /* base_url and model set: the LLM tier runs */
	const char *backend; /* "keyring" or "file"; NULL when the store did not open */
	int key;             /* 1 a key is stored, 0 none, -1 the store could not say */
};
/* What `va llm status` shows.  The config part is always filled; -1 and
 * *cause when the secret store could not be read (st->key is then -1). */
int classify_llm_status(struct app *app, const struct accounts_io *io,
                        struct classify_llm_status *st, char **cause);

#endif
