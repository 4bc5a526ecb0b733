/*
 * audit_crypto: libsodium behind include/va/audit_crypto.h.  Sub-key ids of
 * the "va-audit" derivation context are fixed forever: 1 enc, 2 mac, 3 the
 * seed of the X25519 pair.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "va/audit_crypto.h"
#include "va/util.h"

static const char kdf_context[crypto_kdf_CONTEXTBYTES] = {'v', 'a', '-', 'a', 'u', 'd', 'i', 't'};

enum { SUB_ENC = 1, SUB_MAC = 2, SUB_BOX = 3 };

int audit_crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void audit_key_generate(unsigned char key[AUDIT_KEY_LEN])
{
	randombytes_buf(key, AUDIT_KEY_LEN);
}

void audit_keys_derive(const unsigned char key[AUDIT_KEY_LEN], struct audit_keys *k)
{
	unsigned char seed[crypto_box_SEEDBYTES];

	crypto_kdf_derive_from_key(k->enc, sizeof k->enc, SUB_ENC, kdf_context, key);
	crypto_kdf_derive_from_key(k->mac, sizeof k->mac, SUB_MAC, kdf_context, key);
	crypto_kdf_derive_from_key(seed, sizeof seed, SUB_BOX, kdf_context, key);
	crypto_box_seed_keypair(k->pk, k->sk, seed);
	sodium_memzero(seed, sizeof seed);
}

void audit_keys_wipe(struct audit_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}

unsigned char *audit_seal(const struct audit_keys *k, const unsigned char *ad, size_t adlen,
                          const void *plain, size_t len, unsigned char nonce[AUDIT_NONCE_LEN],
                          size_t *clen)
{
	unsigned char *c = xmalloc(len + crypto_aead_xchacha20poly1305_ietf_ABYTES);
	unsigned long long n;

	randombytes_buf(nonce, AUDIT_NONCE_LEN);
	crypto_aead_xchacha20poly1305_ietf_encrypt(c, &n, plain, len, ad, adlen, NULL, nonce,
	                                           k->enc);
	*clen = (size_t)n;
	return c;
}

char *audit_open(const struct audit_keys *k, const unsigned char *ad, size_t adlen,
                 const unsigned char *nonce, size_t nlen, const unsigned char *c, size_t clen,
                 size_t *len)
{
	unsigned long long n;
	char *p;

	if (nlen != AUDIT_NONCE_LEN || clen < crypto_aead_xchacha20poly1305_ietf_ABYTES)
		return NULL;
	p = xmalloc(clen + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)p, &n, NULL, c, clen, ad,
	                                               adlen, nonce, k->enc) != 0) {
		free(p);
		return NULL;
	}
	p[n] = '\0';
	if (len)
		*len = (size_t)n;
	return p;
}

void audit_mac(const unsigned char *key, const void *data, size_t len,
               unsigned char out[AUDIT_MAC_LEN])
{
	crypto_generichash(out, AUDIT_MAC_LEN, data, len, key, AUDIT_KEY_LEN);
}

int audit_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

unsigned char *audit_box_seal(const unsigned char pk[AUDIT_PK_LEN], const void *plain, size_t len,
                              size_t *outlen)
{
	unsigned char *c = xmalloc(len + crypto_box_SEALBYTES);

	crypto_box_seal(c, plain, len, pk);
	*outlen = len + crypto_box_SEALBYTES;
	return c;
}

char *audit_box_open(const struct audit_keys *k, const unsigned char *c, size_t clen, size_t *len)
{
	char *p;

	if (clen < crypto_box_SEALBYTES)
		return NULL;
	p = xmalloc(clen - crypto_box_SEALBYTES + 1);
	if (crypto_box_seal_open((unsigned char *)p, c, clen, k->pk, k->sk) != 0) {
		free(p);
		return NULL;
	}
	p[clen - crypto_box_SEALBYTES] = '\0';
	if (len)
		*len = clen - crypto_box_SEALBYTES;
	return p;
}

char *audit_hex(const unsigned char *p, size_t n)
{
	char *s = xmalloc(2 * n + 1);

	sodium_bin2hex(s, 2 * n + 1, p, n);
	return s;
}

int audit_unhex(const char *s, unsigned char *out, size_t n)
{
	size_t got = 0;
	const char *end = NULL;

	if (!s || strlen(s) != 2 * n)
		return -1;
	if (sodium_hex2bin(out, n, s, 2 * n, NULL, &got, &end) != 0 || got != n || *end)
		return -1;
	return 0;
}
