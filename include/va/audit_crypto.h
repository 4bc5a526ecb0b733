/*
 * audit_crypto: the cryptography of the audit log (L1, src/secret/; the only
 * libsodium user besides the secrets file and mail).  It knows bytes, not
 * entries: src/app/audit.c decides what is sealed and what a MAC covers.
 *
 * One 32-byte audit key (random, kept in the secret store, owner "audit")
 * gives, through BLAKE2b key derivation (crypto_kdf, context "va-audit"):
 *   enc   the XChaCha20-Poly1305 key that seals entries at rest
 *   mac   the key of the keyed BLAKE2b-256 that chains entries
 *   box   an X25519 key pair; its public half may sit in the database so
 *         that an entry can be sealed (crypto_box_seal) when the audit key
 *         itself cannot be had without asking for a passphrase
 */
#ifndef VA_AUDIT_CRYPTO_H
#define VA_AUDIT_CRYPTO_H

#include <stddef.h>

enum {
	AUDIT_KEY_LEN = 32,
	AUDIT_MAC_LEN = 32,
	AUDIT_NONCE_LEN = 24,
	AUDIT_PK_LEN = 32,
	AUDIT_TAG_LEN = 16, /* what sealing adds to the plaintext */
};

struct audit_keys {
	unsigned char enc[AUDIT_KEY_LEN];
	unsigned char mac[AUDIT_KEY_LEN];
	unsigned char pk[AUDIT_PK_LEN];
	unsigned char sk[AUDIT_KEY_LEN];
};

/* Initialise libsodium (idempotent); 0, or -1 when it cannot be used. */
int audit_crypto_init(void);
/* A new random audit key. */
void audit_key_generate(unsigned char key[AUDIT_KEY_LEN]);
/* The working keys derived from the audit key. */
void audit_keys_derive(const unsigned char key[AUDIT_KEY_LEN], struct audit_keys *k);
void audit_keys_wipe(struct audit_keys *k);

/* AEAD: seal len bytes bound to ad; a fresh random nonce goes to `nonce`.
 * Returns the ciphertext (len + AUDIT_TAG_LEN bytes, caller frees). */
unsigned char *audit_seal(const struct audit_keys *k, const unsigned char *ad, size_t adlen,
                          const void *plain, size_t len, unsigned char nonce[AUDIT_NONCE_LEN],
                          size_t *clen);
/* The plaintext (NUL-terminated, *len without the NUL; caller frees), or NULL
 * when the ciphertext, nonce or ad was altered or the key is wrong. */
char *audit_open(const struct audit_keys *k, const unsigned char *ad, size_t adlen,
                 const unsigned char *nonce, size_t nlen, const unsigned char *c, size_t clen,
                 size_t *len);

/* Keyed BLAKE2b-256 of data under key (the MAC key, AUDIT_KEY_LEN bytes). */
void audit_mac(const unsigned char *key, const void *data, size_t len,
               unsigned char out[AUDIT_MAC_LEN]);
/* Constant-time equality of n bytes: 1 when equal. */
int audit_equal(const void *a, const void *b, size_t n);

/* Anonymous sealed box to pk (anyone may seal; only the key pair opens). */
unsigned char *audit_box_seal(const unsigned char pk[AUDIT_PK_LEN], const void *plain, size_t len,
                              size_t *outlen);
/* NULL when it was not sealed to k's pair or was altered. */
char *audit_box_open(const struct audit_keys *k, const unsigned char *c, size_t clen, size_t *len);

/* Lower-case hex (caller frees); unhex: 0 when s is exactly 2n hex digits. */
char *audit_hex(const unsigned char *p, size_t n);
int audit_unhex(const char *s, unsigned char *out, size_t n);

#endif
