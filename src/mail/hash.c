/* hash: BLAKE2b-256 through libsodium, as lower-case hex. */
#include <sodium.h>
#include <stdio.h>

#include "va/hash.h"
#include "va/util.h"

char *hash_hex(const void *data, size_t len)
{
	unsigned char h[32];
	char *hex = xmalloc(sizeof h * 2 + 1);
	size_t i;

	crypto_generichash(h, sizeof h, data, len, NULL, 0);
	for (i = 0; i < sizeof h; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	return hex;
}
