/*
 * file: the encrypted-file backend, for machines with no Secret Service.
 *
 * Layout (all integers little-endian):
 *   0  "VASECRET"   8  version (1)   9  3 zero bytes
 *   12 Argon2id opslimit (u64)       20 memlimit (u64)
 *   28 salt (16)    44 check (16)    60 nonce (24)
 *   84 XChaCha20-Poly1305 ciphertext of the records, with the header as
 *      associated data
 * The records are "owner\0key\0value\0" repeated.  `check` is a keyed hash of
 * a constant under the derived key: a mismatch means a wrong passphrase,
 * while a failed decryption after a matching check means a damaged file.
 *
 * Every operation re-reads the file (another va may have changed it) with the
 * key derived once per process; every change rewrites it atomically (temp
 * file, fsync, rename) with mode 0600.  A file that cannot be read or
 * decrypted is never overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sodium.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "secret_internal.h"
#include "va/util.h"

#define MAGIC     "VASECRET"
#define OFF_OPS   12
#define OFF_MEM   20
#define OFF_SALT  28
#define OFF_CHECK 44
#define OFF_NONCE 60
#define HDR_LEN   84
#define KEY_LEN   crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define MAC_LEN   crypto_aead_xchacha20poly1305_ietf_ABYTES
#define MAX_MEM   ((uint64_t)1 << 30)
#define MAX_OPS   20

struct rec {
	char *owner, *key, *value;
};

struct fstate {
	char *path;
	secret_passphrase_fn passphrase;
	void *arg;
	unsigned char key[KEY_LEN];
	unsigned char salt[crypto_pwhash_SALTBYTES];
	uint64_t ops, mem;
	int have_key;   /* 0 none, 1 derived (checked), 2 from the kernel cache (not yet) */
	int skip_cache; /* derive from the passphrase even when a key is cached */
	struct rec *r;
	size_t n, cap;
};

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void recs_clear(struct fstate *st)
{
	for (size_t i = 0; i < st->n; i++) {
		secret_free(st->r[i].owner);
		secret_free(st->r[i].key);
		secret_free(st->r[i].value);
	}
	st->n = 0;
}

static void rec_add(struct fstate *st, const char *owner, const char *key, const char *value)
{
	xgrow((void **)&st->r, &st->cap, st->n + 1, sizeof(*st->r));
	st->r[st->n].owner = xstrdup(owner);
	st->r[st->n].key = xstrdup(key);
	st->r[st->n].value = xstrdup(value);
	st->n++;
}

static void check_value(const unsigned char *key, unsigned char out[16])
{
	static const char label[] = "va secrets file check";

	crypto_generichash(out, 16, (const unsigned char *)label, sizeof label - 1, key, KEY_LEN);
}

/* ---- the derived key, cached in the kernel's user keyring ----
 *
 * Argon2id costs ~150 ms and 64 MB on every va process that opens the file.
 * With [secrets] cache = D (default 10m, like gpg-agent), the derived key --
 * never the passphrase -- is kept in the Linux user keyring (@u) under a
 * name made from the file's salt, readable by this user only, for D after
 * its last use.  It lives in kernel memory: not in a file, not in a core
 * dump.  Where the kernel refuses keyrings (some containers), nothing is
 * cached.  cache = 0 turns it off. */
static int64_t cache_ttl = 600;

/* Key permissions (keyutils.h, which the kernel headers do not carry):
 * possessor view/read/write/search/setattr, user view/read/search/setattr. */
#define VA_KEY_PERM 0x2f2b0000u

void secrets_cache_ttl(int64_t seconds)
{
	cache_ttl = seconds < 0 ? 0 : seconds;
}

static void cache_name(const struct fstate *st, char *out, size_t len)
{
	char hex[2 * crypto_pwhash_SALTBYTES + 1];

	sodium_bin2hex(hex, sizeof hex, st->salt, sizeof st->salt);
	snprintf(out, len, "va-secrets:%s:%llu:%llu", hex, (unsigned long long)st->ops,
	         (unsigned long long)st->mem);
}

static int cache_get(struct fstate *st)
{
	char name[128];
	long id, n;

	if (cache_ttl <= 0)
		return -1;
	cache_name(st, name, sizeof name);
	id = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, "user", name, 0);
	if (id < 0)
		return -1;
	n = syscall(SYS_keyctl, KEYCTL_READ, id, st->key, (size_t)KEY_LEN);
	if (n != KEY_LEN)
		return -1;
	syscall(SYS_keyctl, KEYCTL_SET_TIMEOUT, id, (unsigned)cache_ttl); /* used: keep it longer */
	return 0;
}

static void cache_put(const struct fstate *st)
{
	char name[128];
	long id;

	if (cache_ttl <= 0)
		return;
	cache_name(st, name, sizeof name);
	id = syscall(SYS_add_key, "user", name, st->key, (size_t)KEY_LEN, KEY_SPEC_USER_KEYRING);
	if (id < 0)
		return;
	syscall(SYS_keyctl, KEYCTL_SETPERM, id, VA_KEY_PERM);
	syscall(SYS_keyctl, KEYCTL_SET_TIMEOUT, id, (unsigned)cache_ttl);
}

static void cache_drop(const struct fstate *st)
{
	char name[128];
	long id;

	cache_name(st, name, sizeof name);
	id = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, "user", name, 0);
	if (id >= 0)
		syscall(SYS_keyctl, KEYCTL_INVALIDATE, id);
}

/* Derive st->key from a passphrase for st->salt/ops/mem. */
static int derive(struct fstate *st, int create, char **cause)
{
	char *pass;
	int rc;

	if (!create && !st->skip_cache && cache_get(st) == 0) {
		st->have_key = 2; /* from the cache: checked by the caller */
		return 0;
	}

	if (!st->passphrase)
		return set_cause(
		    cause, "the secrets file \"%s\" needs a passphrase and none can be asked for",
		    st->path);
	pass = st->passphrase(st->arg, create, cause);
	if (!pass)
		return -1;
	rc = crypto_pwhash(st->key, KEY_LEN, pass, strlen(pass), st->salt, st->ops, (size_t)st->mem,
	                   crypto_pwhash_ALG_ARGON2ID13);
	secret_free(pass);
	if (rc != 0)
		return set_cause(cause, "cannot derive the secrets key: out of memory");
	st->have_key = 1;
	return 0;
}

/* Derive from the passphrase even when a key is cached. */
static int derive_fresh(struct fstate *st, char **cause)
{
	int rc;

	st->skip_cache = 1;
	rc = derive(st, 0, cause);
	st->skip_cache = 0;
	return rc;
}

/* The key checks out against the file: cache it (again). */
static void key_ok(struct fstate *st)
{
	if (st->have_key == 1)
		cache_put(st);
	st->have_key = 1;
}

/* Split decrypted records; -1 when they are malformed. */
static int parse_records(struct fstate *st, const unsigned char *p, size_t len)
{
	const char *s = (const char *)p, *end = s + len, *f[3];

	while (s < end) {
		for (int i = 0; i < 3; i++) {
			const char *z = memchr(s, '\0', (size_t)(end - s));
			if (!z)
				return -1;
			f[i] = s;
			s = z + 1;
		}
		rec_add(st, f[0], f[1], f[2]);
	}
	return 0;
}

static int damaged(const struct fstate *st, const char *why, char **cause)
{
	return set_cause(cause,
	                 "secrets file \"%s\" is damaged (%s); it was left untouched: "
	                 "restore it from a backup, or move it away and sign in again",
	                 st->path, why);
}

/* Check the header, get the key (asking once), decrypt into st->r. */
static int decode(struct fstate *st, const unsigned char *buf, size_t len, char **cause)
{
	unsigned char check[16], *plain;
	unsigned long long plen;
	uint64_t ops, mem;
	int rc;

	if (len < HDR_LEN + MAC_LEN || memcmp(buf, MAGIC, 8))
		return damaged(st, len < HDR_LEN + MAC_LEN ? "truncated" : "not a va secrets file",
		               cause);
	if (buf[8] != 1)
		return set_cause(cause, "secrets file \"%s\" has version %d, newer than this va",
		                 st->path, buf[8]);
	ops = get_u64(buf + OFF_OPS);
	mem = get_u64(buf + OFF_MEM);
	if (ops < 1 || ops > MAX_OPS || mem < 8192 || mem > MAX_MEM)
		return damaged(st, "bad key parameters", cause);
	if (!st->have_key || memcmp(st->salt, buf + OFF_SALT, sizeof st->salt) || ops != st->ops ||
	    mem != st->mem) {
		memcpy(st->salt, buf + OFF_SALT, sizeof st->salt);
		st->ops = ops;
		st->mem = mem;
		st->have_key = 0;
		if (derive(st, 0, cause) < 0)
			return -1;
	}
	check_value(st->key, check);
	if (sodium_memcmp(check, buf + OFF_CHECK, 16) != 0 && st->have_key == 2) {
		cache_drop(st); /* a stale cached key: ask for the passphrase after all */
		st->have_key = 0;
		if (derive_fresh(st, cause) < 0)
			return -1;
		check_value(st->key, check);
	}
	if (sodium_memcmp(check, buf + OFF_CHECK, 16) != 0) {
		st->have_key = 0;
		return set_cause(cause, "cannot open the secrets file \"%s\": wrong passphrase",
		                 st->path);
	}
	key_ok(st);
	plain = xmalloc(len - HDR_LEN);
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL, buf + HDR_LEN,
	                                                len - HDR_LEN, buf, HDR_LEN,
	                                                buf + OFF_NONCE, st->key);
	if (rc == 0 && parse_records(st, plain, (size_t)plen) < 0)
		rc = -1;
	secret_wipe(plain, len - HDR_LEN);
	free(plain);
	if (rc != 0) {
		recs_clear(st);
		return damaged(st, "authentication failed: truncated or altered", cause);
	}
	return 0;
}

/* Re-read the file into st->r; a missing file is an empty store. */
static int load(struct fstate *st, char **cause)
{
	char *buf, *err = NULL;
	size_t len;
	int rc;

	recs_clear(st);
	if (file_check_private(st->path, cause) < 0)
		return -1;
	buf = file_read(st->path, &len, &err);
	if (!buf) {
		if (errno == ENOENT) {
			free(err);
			return 0;
		}
		set_cause(cause, "cannot read the secrets file: %s", err);
		free(err);
		return -1;
	}
	rc = decode(st, (const unsigned char *)buf, len, cause);
	secret_wipe(buf, len);
	free(buf);
	return rc;
}

/* A first key for a new file: fresh salt, interactive-strength Argon2id. */
static int new_key(struct fstate *st, char **cause)
{
	randombytes_buf(st->salt, sizeof st->salt);
	st->ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	st->mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	return derive(st, 1, cause);
}

static void serialize(const struct fstate *st, struct strbuf *sb)
{
	for (size_t i = 0; i < st->n; i++) {
		sb_add(sb, st->r[i].owner, strlen(st->r[i].owner) + 1);
		sb_add(sb, st->r[i].key, strlen(st->r[i].key) + 1);
		sb_add(sb, st->r[i].value, strlen(st->r[i].value) + 1);
	}
}

static int save(struct fstate *st, char **cause)
{
	struct strbuf plain = STRBUF_INIT;
	unsigned char *out;
	unsigned long long clen;
	char *dir, *slash;
	size_t len;
	int rc;

	if (!st->have_key && new_key(st, cause) < 0)
		return -1;
	sb_init(&plain);
	serialize(st, &plain);
	len = HDR_LEN + plain.len + MAC_LEN;
	out = xcalloc(1, len);
	memcpy(out, MAGIC, 8);
	out[8] = 1;
	put_u64(out + OFF_OPS, st->ops);
	put_u64(out + OFF_MEM, st->mem);
	memcpy(out + OFF_SALT, st->salt, sizeof st->salt);
	check_value(st->key, out + OFF_CHECK);
	randombytes_buf(out + OFF_NONCE, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + HDR_LEN, &clen, (unsigned char *)plain.buf,
	                                           plain.len, out, HDR_LEN, NULL, out + OFF_NONCE,
	                                           st->key);
	secret_wipe(plain.buf, plain.len);
	sb_release(&plain);
	dir = xstrdup(st->path);
	slash = strrchr(dir, '/');
	rc = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		rc = mkdir_p(dir, 0700, cause);
	}
	free(dir);
	if (rc == 0)
		rc = file_write_atomic(st->path, (const char *)out, HDR_LEN + (size_t)clen, 0600,
		                       cause);
	free(out);
	return rc;
}

static struct rec *find(struct fstate *st, const char *owner, const char *key)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->r[i].owner, owner) && !strcmp(st->r[i].key, key))
			return &st->r[i];
	return NULL;
}

static int f_open(void **state, const struct secret_opts *o, char **cause)
{
	struct fstate *st;

	if (sodium_init() < 0)
		return set_cause(cause, "cannot initialise libsodium");
	if (!o->file || !*o->file)
		return set_cause(cause, "no path for the encrypted secrets file");
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(o->file);
	st->passphrase = o->passphrase;
	st->arg = o->arg;
	*state = st;
	return 0;
}

static int f_get(void *state, const char *owner, const char *key, char **value, char **cause)
{
	struct fstate *st = state;
	struct rec *r;

	if (!file_exists(st->path))
		return 1;
	if (load(st, cause) < 0)
		return -1;
	r = find(st, owner, key);
	if (!r)
		return 1;
	*value = xstrdup(r->value);
	return 0;
}

static int f_set(void *state, const char *owner, const char *key, const char *value, char **cause)
{
	struct fstate *st = state;
	struct rec *r;
	int lock = file_lock_dir(st->path, cause), rc = -1;

	if (lock >= 0 && load(st, cause) == 0) {
		r = find(st, owner, key);
		if (r) {
			secret_free(r->value);
			r->value = xstrdup(value);
		} else {
			rec_add(st, owner, key, value);
		}
		rc = save(st, cause);
	}
	file_unlock_dir(lock);
	return rc;
}

/* Drop owner's records (all keys when key is NULL); returns how many. */
static size_t drop(struct fstate *st, const char *owner, const char *key)
{
	size_t i, j = 0, before = st->n;

	for (i = 0; i < st->n; i++) {
		struct rec *r = &st->r[i];
		if (!strcmp(r->owner, owner) && (!key || !strcmp(r->key, key))) {
			secret_free(r->owner);
			secret_free(r->key);
			secret_free(r->value);
		} else {
			st->r[j++] = *r;
		}
	}
	st->n = j;
	return before - j;
}

static int f_del(void *state, const char *owner, const char *key, char **cause)
{
	struct fstate *st = state;
	int lock, rc = -1;

	if (!file_exists(st->path))
		return 1;
	lock = file_lock_dir(st->path, cause);
	if (lock >= 0 && load(st, cause) == 0)
		rc = drop(st, owner, key) == 0 ? 1 : save(st, cause);
	file_unlock_dir(lock);
	return rc;
}

static int f_unlock(void *state, char **cause)
{
	struct fstate *st = state;

	if (file_exists(st->path))
		return load(st, cause);
	return st->have_key ? 0 : new_key(st, cause);
}

static void f_close(void *state)
{
	struct fstate *st = state;

	if (!st)
		return;
	recs_clear(st);
	free(st->r);
	secret_wipe(st->key, sizeof st->key);
	free(st->path);
	free(st);
}

const struct secret_backend secret_file_backend = {
    "file", f_open, f_get, f_set, f_del, f_unlock, f_close,
};
