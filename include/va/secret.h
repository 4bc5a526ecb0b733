/*
 * secret: where va keeps what must stay secret (L1): account passwords, OAuth
 * tokens, the LLM API key, the audit key.  One interface, two backends (each a
 * file in src/secret/ and one row in secret.c's table):
 *
 *   keyring  the Secret Service (gnome-keyring, KeePassXC...) through libsecret
 *   file     an encrypted file: Argon2id key from a passphrase,
 *            XChaCha20-Poly1305, mode 0600, replaced atomically on each change
 *
 * A secret is named by an owner ("account work", "llm", "audit") and a key
 * ("password", "oauth").  Values are NUL-terminated strings.  Nothing here logs
 * a value; callers must not either (secrets never reach SQLite, va.conf, logs,
 * argv, a child's environment or the screen).
 */
#ifndef VA_SECRET_H
#define VA_SECRET_H

#include <stddef.h>
#include <stdint.h>

/* Ask the user for the secrets-file passphrase.  `create` is set when the file
 * does not exist yet (ask twice).  Returns a string the caller wipes with
 * secret_free, or NULL and *cause. */
typedef char *(*secret_passphrase_fn)(void *arg, int create, char **cause);

struct secret_opts {
	const char *backend; /* "auto" (NULL), "keyring" or "file" */
	const char *file;    /* encrypted file path (required for file/auto) */
	secret_passphrase_fn passphrase;
	void *arg;
};

struct secrets;

/* Open the store.  With "auto", the keyring when a Secret Service answers,
 * else the file; *notice (when notice is non-NULL) then gets one sentence
 * saying why, for the caller to show once.  With "keyring", an unreachable
 * Secret Service is an error whose cause says what to do.  The file backend
 * asks for the passphrase only on first use.  NULL and *cause on failure. */
struct secrets *secrets_open(const struct secret_opts *o, char **notice, char **cause);
void secrets_close(struct secrets *s);
/* "keyring" or "file". */
const char *secrets_backend(const struct secrets *s);

/* 0 and *value (caller frees with secret_free), 1 when absent, -1 and *cause. */
int secrets_get(struct secrets *s, const char *owner, const char *key, char **value, char **cause);
/* Store or replace.  0 or -1 and *cause (nothing changed). */
int secrets_set(struct secrets *s, const char *owner, const char *key, const char *value,
                char **cause);
/* Delete one secret (key non-NULL) or every secret of owner (key NULL).
 * 0 when something was deleted, 1 when nothing was there, -1 and *cause. */
int secrets_delete(struct secrets *s, const char *owner, const char *key, char **cause);

/* Make the store usable now (the file backend asks for its passphrase, or
 * for a new one when there is no file yet), so that no prompt comes later in
 * the middle of something.  0 or -1 and *cause. */
int secrets_unlock(struct secrets *s, char **cause);

/* Probe the Secret Service: 0 when it answers, else -1 and *cause in va's
 * words (no session bus, no Secret Service, locked keyring). */
int secrets_keyring_probe(char **cause);

/* How long the file backend keeps its derived key in the kernel's user
 * keyring after its last use ([secrets] cache; 0: never).  Call once at
 * start-up, before threads. */
void secrets_cache_ttl(int64_t seconds);

/* Overwrite a secret string with zeros and free it; NULL is fine. */
void secret_free(char *s);
/* Zero memory in a way the compiler keeps. */
void secret_wipe(void *p, size_t n);

#endif
