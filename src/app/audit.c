/*
 * audit: the encrypted, hash-chained audit log (see include/va/audit.h).
 *
 * The chain.  Entry N (ids consecutive from 1) is stored as
 *   ts, actor kind, kind          plaintext columns
 *   nonce, ciphertext             XChaCha20-Poly1305 of the JSON, with
 *                                 "va-audit-v1" id ts actor kind as AD
 *   prev_hash                     entry N-1's hash (NULL for entry 1)
 *   hash                          BLAKE2b-256 keyed with the MAC key over
 *                                 id ts actor kind nonce ciphertext prev_hash
 * The head ("ID MAC TAG", TAG a MAC of id and MAC) is kv "audit.head",
 * written in the same transaction, and copied to the secret store ("audit",
 * "head") whenever the store is open.  A new entry takes id max(last row,
 * head) + 1, so rows deleted at the end leave a gap that later entries keep
 * visible.
 *
 * The key.  The 32-byte audit key is hex in the secret store ("audit",
 * "key"); the working keys (audit_crypto.h) are cached per database for the
 * life of the process once read.  Its public X25519 half is kv "audit.pk";
 * entries are sealed to it in audit_pending when the key is not at hand.
 */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "va/accounts.h"
#include "va/actions.h"
#include "va/app.h"
#include "va/audit.h"
#include "va/audit_crypto.h"
#include "va/log.h"
#include "va/secret.h"
#include "va/util.h"

#define OWNER     "audit"
#define KV_PK     "audit.pk"
#define KV_HEAD   "audit.head"
#define KV_FAILED "audit.unrecorded"
#define DOMAIN    "va-audit-v1"

/* ---- the key: this process's cache and the secret store ---- */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static char *cache_db;
static struct audit_keys cache_keys;

static int cache_get(struct app *app, struct audit_keys *k)
{
	int hit;

	pthread_mutex_lock(&cache_lock);
	hit = cache_db && !strcmp(cache_db, store_path(app->store));
	if (hit)
		*k = cache_keys;
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

static void cache_put(struct app *app, const struct audit_keys *k)
{
	pthread_mutex_lock(&cache_lock);
	free(cache_db);
	cache_db = xstrdup(store_path(app->store));
	cache_keys = *k;
	pthread_mutex_unlock(&cache_lock);
}

void audit_forget(void)
{
	pthread_mutex_lock(&cache_lock);
	x_free(&cache_db);
	audit_keys_wipe(&cache_keys);
	pthread_mutex_unlock(&cache_lock);
}

/* The passphrase when nobody may be asked: VA_PASSPHRASE_FILE or nothing. */
static char *quiet_passphrase(void *arg, int create, char **cause)
{
	const char *file = getenv("VA_PASSPHRASE_FILE");
	char *text, *err = NULL, *nl;
	size_t len;

	(void)arg;
	(void)create;
	if (!file) {
		set_cause(cause, "the secrets file is locked and recording is not allowed to ask "
		                 "for its passphrase");
		return NULL;
	}
	if (!(text = file_read(file, &len, &err))) {
		set_cause(cause, "%s", err);
		free(err);
		return NULL;
	}
	if ((nl = memchr(text, '\n', len)) != NULL)
		*nl = '\0';
	if (strlen(text) != len && !nl) {
		secret_free(text);
		set_cause(cause, "VA_PASSPHRASE_FILE holds a NUL byte");
		return NULL;
	}
	if (!*text) {
		secret_free(text);
		set_cause(cause, "VA_PASSPHRASE_FILE \"%s\" is empty", file);
		return NULL;
	}
	return text;
}

static const struct accounts_io quiet_io = {quiet_passphrase, NULL, NULL, -1, 0};

/* The audit key at hand for one operation. */
struct ak {
	struct audit_keys k;
	struct secrets *s; /* the open secret store, or NULL (key from the cache) */
};

static void ak_release(struct ak *a)
{
	audit_keys_wipe(&a->k);
	secrets_close(a->s);
	a->s = NULL;
}

static int64_t row_count(struct app *app)
{
	int64_t n = store_audit_count(app->store, NULL);

	return n < 0 ? 0 : n;
}

/* A first audit key: only when nothing was ever logged under another one. */
static int key_create(struct app *app, struct secrets *s, struct audit_keys *k, char **cause)
{
	unsigned char key[AUDIT_KEY_LEN];
	char *hex, *pk, *seen = store_kv_get(app->store, KV_PK);
	int rc;

	if (seen || row_count(app) > 0) {
		free(seen);
		return set_cause(cause, "the audit key is missing from the secret store: the log "
		                        "cannot be read or extended (was the secret removed?)");
	}
	audit_key_generate(key);
	hex = audit_hex(key, sizeof key);
	rc = secrets_set(s, OWNER, "key", hex, cause);
	secret_free(hex);
	if (rc == 0) {
		audit_keys_derive(key, k);
		pk = audit_hex(k->pk, sizeof k->pk);
		rc = store_kv_set(app->store, KV_PK, pk, cause);
		free(pk);
		log_info("audit: a new audit key was made");
	}
	secret_wipe(key, sizeof key);
	return rc;
}

/* Read (or make) the key from an open store: 0, or -1 and *cause. */
static int key_from_store(struct app *app, struct secrets *s, struct audit_keys *k, char **cause)
{
	unsigned char key[AUDIT_KEY_LEN];
	char *hex = NULL;
	int rc = secrets_get(s, OWNER, "key", &hex, cause);

	if (rc == 1)
		return key_create(app, s, k, cause);
	if (rc < 0)
		return -1;
	rc = audit_unhex(hex, key, sizeof key);
	secret_free(hex);
	if (rc < 0)
		return set_cause(cause, "the audit key in the secret store is damaged");
	audit_keys_derive(key, k);
	secret_wipe(key, sizeof key);
	return 0;
}

/* The key for one operation.  io NULL: never ask.  0 (a->s open when the
 * store could be read), 1 when the key is not at hand (*cause says why), -1. */
static int key_load(struct app *app, const struct accounts_io *io, struct ak *a, char **cause)
{
	char *why = NULL;

	memset(a, 0, sizeof(*a));
	if (audit_crypto_init() < 0)
		return set_cause(cause, "cannot initialise libsodium");
	a->s = accounts_secrets_open(app, io ? io : &quiet_io, &why);
	if (a->s && key_from_store(app, a->s, &a->k, &why) == 0) {
		cache_put(app, &a->k);
		free(why);
		return 0;
	}
	secrets_close(a->s); /* locked or failing: nothing more to do with it */
	a->s = NULL;
	if (cache_get(app, &a->k)) {
		free(why);
		return 0; /* the store is locked now, but this process read the key before */
	}
	ak_release(a);
	if (cause)
		*cause = why;
	else
		free(why);
	return 1;
}

/* ---- entries: bytes covered by the AD and the MAC ---- */

static void add_u64(struct strbuf *sb, uint64_t v)
{
	unsigned char b[8];

	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)(v & 0xff);
	sb_add(sb, (const char *)b, sizeof b);
}

static void add_bytes(struct strbuf *sb, const unsigned char *p, size_t n)
{
	add_u64(sb, n);
	if (n)
		sb_add(sb, (const char *)p, n);
}

static void build_ad(struct strbuf *sb, int64_t id, int64_t ts, const char *actor, const char *kind)
{
	sb_init(sb);
	sb_add(sb, DOMAIN, sizeof DOMAIN);
	add_u64(sb, (uint64_t)id);
	add_u64(sb, (uint64_t)ts);
	sb_add(sb, actor ? actor : "", strlen(actor ? actor : "") + 1);
	sb_add(sb, kind ? kind : "", strlen(kind ? kind : "") + 1);
}

static void row_mac(const struct audit_keys *k, const struct store_audit_row *r,
                    unsigned char out[AUDIT_MAC_LEN])
{
	struct strbuf sb;

	build_ad(&sb, r->id, r->ts, r->actor, r->kind);
	add_bytes(&sb, r->nonce, r->nonce_len);
	add_bytes(&sb, r->ct, r->ct_len);
	add_bytes(&sb, r->prev, r->prev ? r->prev_len : 0);
	audit_mac(k->mac, sb.buf, sb.len, out);
	sb_release(&sb);
}

static char *row_open(const struct audit_keys *k, const struct store_audit_row *r)
{
	struct strbuf ad;
	char *p;

	build_ad(&ad, r->id, r->ts, r->actor, r->kind);
	p = audit_open(k, (const unsigned char *)ad.buf, ad.len, r->nonce, r->nonce_len, r->ct,
	               r->ct_len, NULL);
	sb_release(&ad);
	return p;
}

/* ---- the head ---- */

struct head {
	int64_t id;
	unsigned char mac[AUDIT_MAC_LEN];
};

static void head_tag(const struct audit_keys *k, const struct head *h, unsigned char out[32])
{
	struct strbuf sb;

	sb_init(&sb);
	sb_adds(&sb, DOMAIN " head");
	add_u64(&sb, (uint64_t)h->id);
	sb_add(&sb, (const char *)h->mac, sizeof h->mac);
	audit_mac(k->mac, sb.buf, sb.len, out);
	sb_release(&sb);
}

static char *head_format(const struct audit_keys *k, const struct head *h)
{
	unsigned char tag[AUDIT_MAC_LEN];
	char *m = audit_hex(h->mac, sizeof h->mac), *t, *s;

	head_tag(k, h, tag);
	t = audit_hex(tag, sizeof tag);
	s = xasprintf("%" PRId64 " %s %s", h->id, m, t);
	free(m);
	free(t);
	return s;
}

/* 0 and *h when text is a head made with k; -1 otherwise. */
static int head_parse(const struct audit_keys *k, const char *text, struct head *h)
{
	unsigned char tag[AUDIT_MAC_LEN], want[AUDIT_MAC_LEN];
	char m[2 * AUDIT_MAC_LEN + 1], t[2 * AUDIT_MAC_LEN + 1];
	long long id;

	if (!text || sscanf(text, "%lld %64s %64s", &id, m, t) != 3 || id <= 0 ||
	    audit_unhex(m, h->mac, sizeof h->mac) < 0 || audit_unhex(t, tag, sizeof tag) < 0)
		return -1;
	h->id = id;
	head_tag(k, h, want);
	return audit_equal(tag, want, sizeof tag) ? 0 : -1;
}

/* ---- appending ---- */

/* Append one entry to the chain (inside the caller's transaction). */
static int chain_append(struct app *app, const struct audit_keys *k, int64_t ts, const char *actor,
                        const char *kind, const char *json, struct head *h, char **cause)
{
	struct store_audit_row last, r;
	struct head kvh;
	struct strbuf ad;
	unsigned char nonce[AUDIT_NONCE_LEN], mac[AUDIT_MAC_LEN];
	char *kvtext;
	int rc = store_audit_last(app->store, &last, cause);

	if (rc < 0)
		return -1;
	memset(&r, 0, sizeof r);
	r.id = rc == 0 ? last.id + 1 : 1;
	kvtext = store_kv_get(app->store, KV_HEAD);
	if (head_parse(k, kvtext, &kvh) == 0 && kvh.id >= r.id)
		r.id = kvh.id + 1; /* rows were removed at the end: keep the gap visible */
	free(kvtext);
	r.ts = ts;
	r.actor = (char *)actor;
	r.kind = (char *)kind;
	build_ad(&ad, r.id, ts, actor, kind);
	r.ct = audit_seal(k, (const unsigned char *)ad.buf, ad.len, json, strlen(json), nonce,
	                  &r.ct_len);
	sb_release(&ad);
	r.nonce = nonce;
	r.nonce_len = sizeof nonce;
	r.prev = rc == 0 ? last.hash : NULL;
	r.prev_len = rc == 0 ? last.hash_len : 0;
	row_mac(k, &r, mac);
	r.hash = mac;
	r.hash_len = sizeof mac;
	rc = store_audit_add(app->store, &r, cause);
	free(r.ct);
	store_audit_row_release(&last);
	if (rc == 0) {
		h->id = r.id;
		memcpy(h->mac, mac, sizeof mac);
		kvtext = head_format(k, h);
		rc = store_kv_set(app->store, KV_HEAD, kvtext, cause);
		free(kvtext);
	}
	return rc;
}

/* The plaintext of a pending entry (caller frees). */
static char *pending_open(const struct audit_keys *k, const struct store_audit_pending *p)
{
	cJSON *o;
	char *s, *out;

	if (p->sealed_len && (s = audit_box_open(k, p->sealed, p->sealed_len, NULL)) != NULL)
		return s;
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "ts", (double)p->ts);
	cJSON_AddStringToObject(o, "actor", p->actor ? p->actor : "");
	cJSON_AddStringToObject(o, "kind", p->kind ? p->kind : "");
	cJSON_AddStringToObject(o, "lost",
	                        p->sealed_len ? "this pending entry could not be opened: forged, "
	                                        "or sealed to another key"
	                                      : "details not kept: no audit key existed yet");
	s = cJSON_PrintUnformatted(o);
	out = xstrdup(s);
	cJSON_free(s);
	cJSON_Delete(o);
	return out;
}

/* Move the pending entries into the chain, oldest first (in the caller's
 * transaction).  Returns how many, or -1. */
static int fold_pending(struct app *app, const struct audit_keys *k, struct head *h, char **cause)
{
	struct store_audit_pending *v;
	size_t n, i;
	int rc = 0;

	if (store_audit_pending_list(app->store, &v, &n, cause) < 0)
		return -1;
	for (i = 0; rc == 0 && i < n; i++) {
		char *json = pending_open(k, &v[i]);
		rc = chain_append(app, k, v[i].ts, v[i].actor, v[i].kind, json, h, cause);
		if (rc == 0)
			rc = store_audit_pending_delete(app->store, v[i].id, cause);
		secret_wipe(json, strlen(json));
		free(json);
	}
	store_audit_pending_free(v, n);
	return rc < 0 ? -1 : (int)n;
}

/* What is to be recorded: plaintext columns and the JSON. */
struct item {
	int64_t ts;
	const char *actor; /* "user" | "rule" | "job" */
	char *kind;
	char *json;
};

static void items_free(struct item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		if (v[i].json)
			secret_wipe(v[i].json, strlen(v[i].json));
		free(v[i].json);
	}
	free(v);
}

/* Copy the head to the secret store (best effort: the kv copy is the one
 * written with the rows). */
static void head_to_secrets(struct ak *a, const struct head *h)
{
	char *text, *cause = NULL;

	if (!a->s || h->id <= 0)
		return;
	text = head_format(&a->k, h);
	if (secrets_set(a->s, OWNER, "head", text, &cause) < 0)
		log_warn("audit: cannot copy the head to the secret store: %s", cause);
	free(text);
	free(cause);
}

/* Fold pending entries, then append items, in one transaction. */
static int chain_write(struct app *app, struct ak *a, const struct item *v, size_t n, char **cause)
{
	struct head h = {0, {0}};
	size_t i;
	int rc;

	if (store_begin(app->store, cause) < 0)
		return -1;
	rc = fold_pending(app, &a->k, &h, cause) < 0 ? -1 : 0;
	for (i = 0; rc == 0 && i < n; i++)
		rc = chain_append(app, &a->k, v[i].ts, v[i].actor, v[i].kind, v[i].json, &h, cause);
	if (rc == 0 && store_commit(app->store, cause) == 0) {
		head_to_secrets(a, &h);
		return 0;
	}
	store_rollback(app->store);
	return -1;
}

/* Seal the items to the public key into audit_pending (nothing sealed when
 * there is no public key yet). */
static int pending_write(struct app *app, const struct item *v, size_t n, char **cause)
{
	unsigned char pk[AUDIT_PK_LEN];
	char *hex = store_kv_get(app->store, KV_PK);
	int have = audit_unhex(hex, pk, sizeof pk) == 0, rc;
	size_t i;

	free(hex);
	if (store_begin(app->store, cause) < 0)
		return -1;
	for (rc = 0, i = 0; rc == 0 && i < n; i++) {
		size_t len = 0;
		unsigned char *sealed =
		    have ? audit_box_seal(pk, v[i].json, strlen(v[i].json), &len) : NULL;
		if (store_audit_pending_add(app->store, v[i].ts, v[i].actor, v[i].kind, sealed, len,
		                            cause) < 0)
			rc = -1;
		free(sealed);
	}
	if (rc == 0 && store_commit(app->store, cause) == 0)
		return 0;
	store_rollback(app->store);
	return -1;
}

/* Count a failed record where verify will see it (no names, no secrets). */
static void note_failure(struct app *app, size_t n, const char *kind, const char *why)
{
	char *old = store_kv_get(app->store, KV_FAILED), *now;
	long long had = old ? strtoll(old, NULL, 10) : 0;

	log_error("audit: cannot record %zu \"%s\" entr%s: %s", n, kind, n == 1 ? "y" : "ies", why);
	now = xasprintf("%lld", had + (long long)n);
	if (store_kv_set(app->store, KV_FAILED, now, NULL) < 0)
		log_error("audit: cannot count the failure either");
	free(now);
	free(old);
}

/* Record items: chained when the key is at hand, else pending. */
static int record_items(struct app *app, const struct item *v, size_t n, char **cause)
{
	struct ak a;
	char *why = NULL, *err = NULL;
	int rc;

	if (n == 0)
		return 0;
	rc = key_load(app, NULL, &a, &why);
	if (rc == 0) {
		rc = chain_write(app, &a, v, n, &err);
		ak_release(&a);
	} else if (rc == 1) {
		log_info("audit: key not at hand (%s): entry kept sealed until it is", why);
		rc = pending_write(app, v, n, &err) == 0 ? 1 : -1;
	} else {
		err = why;
		why = NULL;
	}
	if (rc < 0) {
		note_failure(app, n, v[0].kind, err ? err : "?");
		if (cause && !*cause)
			*cause = xstrdup(err ? err : "cannot record");
	}
	free(why);
	free(err);
	return rc;
}

/* ---- building entries ---- */

static const char *actor_kind(const struct app *app)
{
	const char *o = app->origin ? app->origin : "user";

	return !strcmp(o, "rule") || !strcmp(o, "job") ? o : "user";
}

static char *actor_text(const struct app *app)
{
	const char *k = actor_kind(app);

	if (!strcmp(k, "rule"))
		return xasprintf("rule %s", app->rule ? app->rule : "?");
	if (!strcmp(k, "job"))
		return xasprintf("job %" PRId64, app->job_id);
	return xstrdup("user");
}

static cJSON *parse_or_null(const char *text)
{
	cJSON *j = text ? cJSON_Parse(text) : NULL;

	return j ? j : cJSON_CreateNull();
}

static void add_str_or_null(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* The entry's JSON; takes target, before and after. */
static char *entry_json(const struct app *app, int64_t ts, const char *kind, cJSON *target,
                        cJSON *before, cJSON *after, cJSON *extra)
{
	cJSON *o = cJSON_CreateObject();
	char *actor = actor_text(app), *s, *out;

	cJSON_AddNumberToObject(o, "ts", (double)ts);
	cJSON_AddStringToObject(o, "actor", actor);
	cJSON_AddStringToObject(o, "kind", kind);
	cJSON_AddItemToObject(o, "target", target ? target : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "before", before ? before : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "after", after ? after : cJSON_CreateNull());
	add_str_or_null(o, "verdict", app->verdict);
	if (extra)
		cJSON_AddItemToObject(o, "action", extra);
	s = cJSON_PrintUnformatted(o);
	out = xstrdup(s);
	cJSON_free(s);
	cJSON_Delete(o);
	free(actor);
	return out;
}

int audit_record(struct app *app, const char *kind, const char *target, const char *before,
                 const char *after, char **cause)
{
	struct item it = {time_now(), actor_kind(app), xstrdup(kind), NULL};
	int rc;

	it.json = entry_json(app, it.ts, kind, parse_or_null(target), parse_or_null(before),
	                     parse_or_null(after), NULL);
	rc = record_items(app, &it, 1, cause);
	free(it.kind);
	secret_wipe(it.json, strlen(it.json));
	free(it.json);
	return rc;
}

/* The message an action touched, as the entry's target. */
static cJSON *message_target(struct app *app, int64_t id)
{
	cJSON *t = cJSON_CreateObject();
	char *subject, *from, *account, *folder;

	cJSON_AddNumberToObject(t, "message", (double)id);
	if (id > 0 &&
	    store_audit_message(app->store, id, &subject, &from, &account, &folder, NULL) == 0) {
		add_str_or_null(t, "subject", subject);
		add_str_or_null(t, "from", from);
		add_str_or_null(t, "account", account);
		add_str_or_null(t, "folder", folder);
		free(subject);
		free(from);
		free(account);
		free(folder);
	}
	return t;
}

/* What an action made of the fields its undo data holds: the same keys with
 * the values the action set. */
static cJSON *after_of(const char *kind, const char *arg, const cJSON *undo)
{
	static const struct {
		const char *kind, *folder;
		int flags; /* -1: the mask, 0: cleared */
	} kinds[] = {
	    {"archive", "Archive", 0}, {"trash", "Trash", 0}, {"move", NULL, 0},
	    {"flag", NULL, -1},        {"read", NULL, -1},    {"unflag", NULL, 0},
	    {"unread", NULL, 0},
	};
	cJSON *a = cJSON_Duplicate(undo, 1);
	const cJSON *mask = cJSON_GetObjectItemCaseSensitive(undo, "mask");

	if (!cJSON_IsObject(a))
		return a ? a : cJSON_CreateNull();
	for (size_t i = 0; i < VA_ARRAY_LEN(kinds); i++) {
		if (strcmp(kinds[i].kind, kind))
			continue;
		if (cJSON_GetObjectItemCaseSensitive(a, "folder"))
			cJSON_ReplaceItemInObject(a, "folder",
			                          cJSON_CreateString(kinds[i].folder
			                                                 ? kinds[i].folder
			                                             : arg ? arg
			                                                   : ""));
		if (cJSON_IsNumber(mask))
			cJSON_ReplaceItemInObject(
			    a, "flags", cJSON_CreateNumber(kinds[i].flags ? mask->valuedouble : 0));
	}
	if (cJSON_GetObjectItemCaseSensitive(a, "present"))
		cJSON_ReplaceItemInObject(a, "present", cJSON_CreateBool(!strcmp(kind, "label")));
	if (!strcmp(kind, "category") && cJSON_GetObjectItemCaseSensitive(a, "category")) {
		cJSON_ReplaceItemInObject(a, "category", cJSON_CreateString(arg ? arg : ""));
		cJSON_ReplaceItemInObject(a, "confidence", cJSON_CreateNumber(100));
		cJSON_ReplaceItemInObject(a, "reason", cJSON_CreateString("set by you"));
		cJSON_ReplaceItemInObject(a, "model", cJSON_CreateString("user"));
	}
	cJSON_DeleteItemFromObject(a, "label");
	return a;
}

/* One journal row as an item (done or undone). */
static int action_item(struct app *app, int64_t action_id, int undo, struct item *it)
{
	struct store_action a;
	cJSON *u, *before, *after, *extra;

	if (store_action_get(app->store, action_id, &a, NULL) != 0)
		return -1;
	u = a.undo ? cJSON_Parse(a.undo) : NULL;
	before = u ? cJSON_Duplicate(u, 1) : cJSON_CreateNull();
	cJSON_DeleteItemFromObject(before, "label");
	after = after_of(a.kind, a.args, u);
	extra = cJSON_CreateObject();
	cJSON_AddNumberToObject(extra, "id", (double)a.id);
	cJSON_AddNumberToObject(extra, "batch", (double)a.batch);
	cJSON_AddStringToObject(extra, "kind", a.kind ? a.kind : "");
	add_str_or_null(extra, "arg", a.args);
	it->ts = time_now();
	it->actor = actor_kind(app);
	it->kind = xstrdup(undo ? "undo" : a.kind);
	it->json = entry_json(app, it->ts, it->kind, message_target(app, a.message_id),
	                      undo ? after : before, undo ? before : after, extra);
	cJSON_Delete(u);
	store_action_release(&a);
	return 0;
}

void audit_actions(struct app *app, const struct action_outcome *o, int undo)
{
	struct item *v;
	size_t i, n = 0;

	if (!o || o->n == 0)
		return;
	v = xcalloc(o->n, sizeof(*v));
	for (i = 0; i < o->n; i++)
		if (action_item(app, o->actions[i], undo, &v[n]) == 0)
			n++;
		else
			log_error("audit: cannot read action %" PRId64 " to record it",
			          o->actions[i]);
	record_items(app, v, n, NULL);
	items_free(v, n);
}

/* ---- reading: unlock, list, verify, export ---- */

/* The key for a reading command (io may ask), pending entries folded. */
static int key_for_reading(struct app *app, const struct accounts_io *io, struct ak *a,
                           char **cause)
{
	char *why = NULL;
	int rc = key_load(app, io, a, &why);

	if (rc != 0) {
		set_cause(cause, "cannot read the audit log: %s", why ? why : "no audit key");
		free(why);
		return -1;
	}
	if (store_audit_pending_count(app->store, NULL) > 0 &&
	    chain_write(app, a, NULL, 0, cause) < 0) {
		ak_release(a);
		return -1;
	}
	return 0;
}

int audit_unlock(struct app *app, const struct accounts_io *io, char **cause)
{
	struct ak a;

	if (key_for_reading(app, io, &a, cause) < 0)
		return -1;
	ak_release(&a);
	return 0;
}

static void entry_release(struct audit_entry *e)
{
	free(e->actor_kind);
	free(e->kind);
	if (e->json)
		secret_wipe(e->json, strlen(e->json));
	free(e->json);
	free(e->problem);
}

void audit_entries_free(struct audit_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		entry_release(&v[i]);
	free(v);
}

struct collect {
	const struct audit_keys *k;
	struct audit_entry *v;
	size_t n, cap;
};

static int collect_one(void *arg, const struct store_audit_row *r)
{
	struct collect *c = arg;
	struct audit_entry *e;

	xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
	e = &c->v[c->n++];
	e->id = r->id;
	e->ts = r->ts;
	e->actor_kind = xstrdup(r->actor);
	e->kind = xstrdup(r->kind);
	e->json = row_open(c->k, r);
	e->problem =
	    e->json ? NULL : xasprintf("entry %" PRId64 ": cannot be decrypted (edited?)", r->id);
	return 0;
}

/* Every entry, oldest first. */
static int collect_all(struct app *app, const struct accounts_io *io, struct collect *c,
                       char **cause)
{
	struct ak a;
	int rc;

	memset(c, 0, sizeof(*c));
	if (key_for_reading(app, io, &a, cause) < 0)
		return -1;
	c->k = &a.k;
	rc = store_audit_each(app->store, collect_one, c, cause);
	c->k = NULL;
	ak_release(&a);
	if (rc < 0) {
		audit_entries_free(c->v, c->n);
		memset(c, 0, sizeof(*c));
	}
	return rc < 0 ? -1 : 0;
}

int audit_list(struct app *app, const struct accounts_io *io, size_t limit,
               struct audit_entry **out, size_t *n, char **cause)
{
	struct collect c;
	size_t keep, i;

	*out = NULL;
	*n = 0;
	if (collect_all(app, io, &c, cause) < 0)
		return -1;
	keep = limit && limit < c.n ? limit : c.n;
	*out = xcalloc(keep + 1, sizeof(**out));
	for (i = 0; i < keep; i++)
		(*out)[i] = c.v[c.n - 1 - i]; /* newest first */
	for (i = 0; i < c.n - keep; i++)
		entry_release(&c.v[i]);
	free(c.v);
	*n = keep;
	return 0;
}

void audit_report_release(struct audit_report *r)
{
	free(r->problem);
	free(r->head);
	memset(r, 0, sizeof(*r));
}

/* The walk of verify. */
struct walk {
	const struct audit_keys *k;
	struct audit_report *r;
	int64_t prev_id;
	unsigned char prev[AUDIT_MAC_LEN];
};

static int bad(struct audit_report *r, int64_t id, char *problem)
{
	r->ok = 0;
	r->bad_id = id;
	r->problem = problem;
	return 1;
}

static int walk_one(void *arg, const struct store_audit_row *r)
{
	struct walk *w = arg;
	unsigned char mac[AUDIT_MAC_LEN];
	int linked = w->prev_id ? r->prev && r->prev_len == AUDIT_MAC_LEN &&
	                              audit_equal(r->prev, w->prev, AUDIT_MAC_LEN)
	                        : !r->prev || r->prev_len == 0;
	char *plain;

	if (!linked || r->id != w->prev_id + 1) {
		if (w->prev_id == 0)
			return bad(w->r, r->id,
			           xasprintf("entry %" PRId64
			                     " is the first: earlier entry missing or "
			                     "reordered",
			                     r->id));
		return bad(w->r, r->id,
		           xasprintf("entry %" PRId64 " follows %" PRId64
		                     ": entry missing or reordered",
		                     r->id, w->prev_id));
	}
	row_mac(w->k, r, mac);
	if (r->hash_len != AUDIT_MAC_LEN || !audit_equal(mac, r->hash, AUDIT_MAC_LEN))
		return bad(w->r, r->id,
		           xasprintf("entry %" PRId64 ": MAC mismatch (edited?)", r->id));
	if (!(plain = row_open(w->k, r)))
		return bad(w->r, r->id,
		           xasprintf("entry %" PRId64 ": cannot be decrypted (edited?)", r->id));
	secret_wipe(plain, strlen(plain));
	free(plain);
	w->prev_id = r->id;
	memcpy(w->prev, r->hash, AUDIT_MAC_LEN);
	w->r->entries++;
	return 0;
}

/* Check one copy of the head against the end of the chain. */
static int check_head(struct walk *w, const char *where, const char *text, int must)
{
	struct audit_report *r = w->r;
	struct head h;

	if (!text)
		return must && w->prev_id ? bad(r, w->prev_id,
		                                xasprintf("the audit head is missing from the %s: "
		                                          "newest entries may have been deleted",
		                                          where))
		                          : 0;
	if (head_parse(w->k, text, &h) < 0)
		return bad(r, 0, xasprintf("the audit head in the %s was edited", where));
	if (h.id > w->prev_id)
		return bad(r, h.id,
		           xasprintf("entry %" PRId64 " missing: the log ends at entry %" PRId64
		                     " but the head in the %s names entry %" PRId64
		                     " (newest entries deleted or database rolled back)",
		                     w->prev_id + 1, w->prev_id, where, h.id));
	if (h.id == w->prev_id && !audit_equal(h.mac, w->prev, AUDIT_MAC_LEN))
		return bad(r, h.id,
		           xasprintf("entry %" PRId64 ": not the entry the head in the %s "
		                     "names (replaced?)",
		                     h.id, where));
	if (must && h.id < w->prev_id)
		return bad(r, h.id + 1,
		           xasprintf("entry %" PRId64
		                     ": after the head in the %s (head rolled back?)",
		                     h.id + 1, where));
	return 0;
}

/* After the walk: both heads, the public key, failed records. */
static void verify_tail(struct app *app, struct walk *w, struct ak *a)
{
	char *kv = store_kv_get(app->store, KV_HEAD), *sec = NULL, *pk, *failed;
	int have_sec = a->s && secrets_get(a->s, OWNER, "head", &sec, NULL) == 0;

	w->r->head = xstrdup(have_sec ? "database and secret store" : "database");
	if (check_head(w, "database", kv, 1) == 0 && have_sec)
		check_head(w, "secret store", sec, 0);
	free(kv);
	secret_free(sec);
	pk = store_kv_get(app->store, KV_PK);
	failed = store_kv_get(app->store, KV_FAILED);
	w->r->unrecorded = failed ? strtoll(failed, NULL, 10) : 0;
	if (w->r->ok) {
		char *want = audit_hex(a->k.pk, sizeof a->k.pk);
		if (!pk || strcmp(pk, want))
			bad(w->r, 0,
			    xstrdup("the audit public key in the database was replaced: entries "
			            "recorded while the key was locked may have been exposed"));
		else if (w->r->unrecorded > 0)
			bad(w->r, 0,
			    xasprintf("%" PRId64 " entr%s could not be recorded (see va's log)",
			              w->r->unrecorded, w->r->unrecorded == 1 ? "y" : "ies"));
		free(want);
	}
	free(pk);
	free(failed);
}

int audit_verify(struct app *app, const struct accounts_io *io, struct audit_report *r,
                 char **cause)
{
	struct walk w;
	struct ak a;
	int rc;

	memset(r, 0, sizeof(*r));
	if (key_for_reading(app, io, &a, cause) < 0)
		return -1;
	memset(&w, 0, sizeof w);
	w.k = &a.k;
	w.r = r;
	r->ok = 1;
	rc = store_audit_each(app->store, walk_one, &w, cause);
	if (rc >= 0 && r->ok)
		verify_tail(app, &w, &a);
	r->pending = store_audit_pending_count(app->store, NULL);
	ak_release(&a);
	if (rc < 0) {
		audit_report_release(r);
		return -1;
	}
	if (!r->ok)
		log_warn("audit: verify: %s", r->problem);
	return 0;
}

/* One export line: the entry's JSON with its id first. */
static char *export_line(const struct audit_entry *e)
{
	cJSON *o = cJSON_CreateObject(), *j = e->json ? cJSON_Parse(e->json) : NULL, *it;
	char *s, *out;

	cJSON_AddNumberToObject(o, "id", (double)e->id);
	if (!j) {
		cJSON_AddNumberToObject(o, "ts", (double)e->ts);
		cJSON_AddStringToObject(o, "kind", e->kind ? e->kind : "");
		cJSON_AddStringToObject(o, "problem", e->problem ? e->problem : "unreadable");
	}
	while (j && j->child) {
		it = cJSON_DetachItemViaPointer(j, j->child);
		cJSON_AddItemToObject(o, it->string, it);
	}
	cJSON_Delete(j);
	s = cJSON_PrintUnformatted(o);
	out = xasprintf("%s\n", s);
	cJSON_free(s);
	cJSON_Delete(o);
	return out;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, s, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

int audit_export(struct app *app, const struct accounts_io *io, const char *path, size_t *count,
                 char **cause)
{
	struct collect c;
	size_t i;
	int fd, rc = 0;

	*count = 0;
	if (!path || !*path)
		return set_cause(cause, "a file name is needed");
	if (collect_all(app, io, &c, cause) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST)
		rc = set_cause(cause, "\"%s\" already exists: not replaced", path);
	else if (fd < 0)
		rc = set_cause(cause, "cannot create \"%s\": %s", path, strerror(errno));
	for (i = 0; rc == 0 && i < c.n; i++) {
		char *line = export_line(&c.v[i]);
		if (write_all(fd, line, strlen(line)) < 0)
			rc = set_cause(cause, "cannot write \"%s\": %s", path, strerror(errno));
		secret_wipe(line, strlen(line));
		free(line);
	}
	if (fd >= 0) {
		int bad_sync = fsync(fd) < 0;
		if ((close(fd) < 0 || bad_sync) && rc == 0)
			rc = set_cause(cause, "cannot write \"%s\": %s", path, strerror(errno));
	}
	if (rc == 0)
		*count = c.n;
	audit_entries_free(c.v, c.n);
	return rc;
}

/* ---- one line for people (va audit list, the Audit pane) ---- */

static char *compact(const cJSON *j)
{
	char *s, *out;

	if (!j || cJSON_IsNull(j))
		return xstrdup("-");
	s = cJSON_PrintUnformatted(j);
	out = xstrdup(s);
	cJSON_free(s);
	return out;
}

/* "#12 \"Subject\" (Ann <ann@x>)" or the target's JSON. */
static char *target_text(const cJSON *t)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(t, "message");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(t, "subject");
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(t, "from");

	if (!cJSON_IsNumber(m))
		return compact(t);
	return xasprintf("#%.0f \"%s\" (%s)", m->valuedouble, cJSON_IsString(s) ? s->valuestring : "?",
	                 cJSON_IsString(f) ? f->valuestring : "?");
}

char *audit_entry_summary(const struct audit_entry *e)
{
	cJSON *j = e->json ? cJSON_Parse(e->json) : NULL;
	const cJSON *actor = cJSON_GetObjectItemCaseSensitive(j, "actor");
	const cJSON *verdict = cJSON_GetObjectItemCaseSensitive(j, "verdict");
	char *target = target_text(cJSON_GetObjectItemCaseSensitive(j, "target"));
	char *before = compact(cJSON_GetObjectItemCaseSensitive(j, "before"));
	char *after = compact(cJSON_GetObjectItemCaseSensitive(j, "after"));
	char *line;

	line = xasprintf("%-12s %-11s %s  %s -> %s%s%s%s",
	                 cJSON_IsString(actor) ? actor->valuestring
	                 : e->actor_kind       ? e->actor_kind
	                                       : "?",
	                 e->kind ? e->kind : "", target, before, after,
	                 cJSON_IsString(verdict) ? "  [" : "",
	                 cJSON_IsString(verdict) ? verdict->valuestring : "",
	                 cJSON_IsString(verdict) ? "]" : "");
	free(target);
	free(before);
	free(after);
	cJSON_Delete(j);
	return line;
}
